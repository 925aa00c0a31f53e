"""Reading foreign-key targets as tables, and comparing database texts the way the write path does."""

from __future__ import annotations

from amx_core.scope.paths import parse_path
from amx_core.scope.targets import TableKey


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
