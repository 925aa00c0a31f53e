"""What a database object looks like right now, and the fingerprints that tell whether it changed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from amx_core.catalog.views import ColumnDef

LiveColumn = ColumnDef  # a column as the live database has it


@dataclass(frozen=True)
class LiveTable:
    """A table, view or materialized view; `fingerprint` is the dialect's (PostgreSQL: from the catalog query)."""

    schema: str
    name: str
    kind: str
    comment: str | None
    columns: tuple[LiveColumn, ...]
    fingerprint: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)


def table_fingerprint(kind: str, comment: str | None, columns: tuple[LiveColumn, ...] | list[LiveColumn]) -> str:
    """sha256 of the kind, the table comment and the sorted column definitions (order-independent)."""
    h = hashlib.sha256()
    h.update(f"{kind}\n{comment or ''}\n".encode())
    for line in sorted(c.definition() for c in columns):
        h.update(line.encode())
        h.update(b"\n")
    return h.hexdigest()


def combine_fingerprints(named: list[tuple[str, str | None]] | tuple[tuple[str, str | None], ...]) -> str:
    """The fingerprint of a schema (its tables) or of a database (its schemas): sha256 of sorted name+fingerprint."""
    h = hashlib.sha256()
    for name, fp in sorted(named, key=lambda pair: pair[0]):
        h.update(f"{name}\t{fp or ''}\n".encode())
    return h.hexdigest()
