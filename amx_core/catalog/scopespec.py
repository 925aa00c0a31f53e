"""Scope paths turned into a refresh plan: which schemas are read whole, which tables and columns are named."""

from __future__ import annotations

from dataclasses import dataclass

from amx_core.errors import ValidationError
from amx_core.scope.paths import Path, PathSyntaxError, format_path, is_under, parse_path

TableKey = tuple[str, str]


@dataclass(frozen=True)
class ScopeSpec:
    """A normalised scope; no path means the whole database.

    `schemas_only` reads just the schema list (the ScopeTree's first level); its paths then name
    schemas that must exist.
    """

    paths: tuple[Path, ...] = ()
    schemas_only: bool = False

    @classmethod
    def parse(cls, texts: list[str] | tuple[str, ...] | None, *, field: str = "scope") -> ScopeSpec:
        parsed: list[Path] = []
        for text in texts or ():
            try:
                parsed.append(parse_path(text.strip() if isinstance(text, str) else text))
            except (PathSyntaxError, AttributeError) as exc:
                raise ValidationError(field, f"{text!r} is not a path like schema[.table[.column]]: {exc}") from None
        return cls.of(parsed)

    @classmethod
    def of(cls, paths: list[Path] | tuple[Path, ...]) -> ScopeSpec:
        kept: list[Path] = []
        for p in sorted(set(paths), key=len):
            if not any(is_under(p, k) for k in kept):
                kept.append(p)
        return cls(tuple(sorted(kept)))

    @property
    def full(self) -> bool:
        return not self.paths and not self.schemas_only

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(format_path(p) for p in self.paths)

    @property
    def whole_schemas(self) -> frozenset[str]:
        return frozenset(p[0] for p in self.paths if len(p) == 1)

    @property
    def tables(self) -> frozenset[TableKey]:
        """Tables named by a table or column path (never under a whole schema: normalisation drops those)."""
        return frozenset((p[0], p[1]) for p in self.paths if len(p) >= 2)

    @property
    def columns(self) -> frozenset[tuple[str, str, str]]:
        return frozenset((p[0], p[1], p[2]) for p in self.paths if len(p) == 3)

    @property
    def schemas(self) -> frozenset[str]:
        return frozenset(p[0] for p in self.paths)

    def whole_table(self, key: TableKey) -> bool:
        return any(len(p) == 2 and p == key for p in self.paths) or key[0] in self.whole_schemas

    def selected_columns(self, key: TableKey) -> tuple[str, ...] | None:
        if self.full or self.whole_table(key):
            return None
        return tuple(sorted(c for s, t, c in self.columns if (s, t) == key))

    def covers(self, path: Path) -> bool:
        """Does a change at `path` concern this scope (the path is inside it, or removes/adds what it names)?"""
        if self.full:
            return True
        return any(is_under(path, p) or is_under(p, path) for p in self.paths)
