"""What a description is about: a table or one of its columns, named by its scope path."""

from __future__ import annotations

from dataclasses import dataclass

from amx_core.scope.paths import format_path, parse_path

TableKey = tuple[str, str]


@dataclass(frozen=True)
class Target:
    """`schema.table` (the table itself) or `schema.table.column`, as scope paths write them."""

    schema: str
    table: str
    column: str | None = None

    @property
    def path(self) -> str:
        return format_path((self.schema, self.table) + ((self.column,) if self.column is not None else ()))

    @property
    def kind(self) -> str:
        return "table" if self.column is None else "column"

    @property
    def table_key(self) -> TableKey:
        return (self.schema, self.table)

    @classmethod
    def parse(cls, text: str) -> Target:
        """The target a stored path names (`schema.table` or `schema.table.column`)."""
        parts = parse_path(text)
        if len(parts) == 2:
            return cls(parts[0], parts[1])
        if len(parts) == 3:
            return cls(parts[0], parts[1], parts[2])
        raise ValueError(f"{text!r} names no table or column")


def fk_tables(fk_target: str | None, default_schema: str) -> list[TableKey]:
    """The (schema, table)s an FK target points at: `schema.table.column`, `table.column`, or several joined by ", "."""
    found: list[TableKey] = []
    for text in (fk_target or "").split(", "):
        try:
            parts = parse_path(text) if text else ()
        except ValueError:
            continue
        key = (parts[-3], parts[-2]) if len(parts) >= 3 else (default_schema, parts[0]) if len(parts) == 2 else None
        if key is not None and key not in found:
            found.append(key)
    return found


def same_text(a: str | None, b: str | None) -> bool:
    """Database texts compare equal when both are empty, or equal once NUL characters are ignored."""
    return (a or "").replace("\x00", "") == (b or "").replace("\x00", "")
