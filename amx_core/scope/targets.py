"""What a description is about: a table or one of its columns, named by its scope path (the analyze run
proposes for it, the engines write to it)."""

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
