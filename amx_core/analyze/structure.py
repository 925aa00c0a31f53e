"""Structure fingerprints: what a description depends on, so a run knows when AMX's own text may be out of date.

A column's structure is its name, type, nullability, primary-key flag and reference; a table's
is its name, kind, primary-key columns and references. Neither includes comments, defaults or
statistics, and a table's does not include its plain columns: adding a column asks about that
column only, not the table again.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from amx_core.catalog.views import ResolvedColumn, ResolvedTable


def _digest(parts: tuple[str, ...]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def column_fingerprint(column: ResolvedColumn) -> str:
    """The structure of one ResolvedColumn."""
    return _digest(
        (
            "column",
            column.name,
            " ".join(column.type.lower().split()),
            "null" if column.nullable else "not null",
            "pk" if column.primary_key else "",
            column.fk_target or "",
        )
    )


def table_fingerprint(table: ResolvedTable) -> str:
    """The structure of one ResolvedTable: its name, kind, key and references (not its plain columns)."""
    key = ",".join(sorted(c.name for c in table.columns if c.primary_key))
    references = ",".join(sorted(f"{c.name}->{c.fk_target}" for c in table.columns if c.fk_target))
    return _digest(("table", table.schema, table.name, table.kind, key, references))


def fingerprints(table: ResolvedTable) -> dict[str | None, str]:
    """column name (None: the table) -> its structure fingerprint, for every column of `table`."""
    found: dict[str | None, str] = {None: table_fingerprint(table)}
    found.update((c.name, column_fingerprint(c)) for c in table.columns)
    return found
