"""PostgreSQL: COMMENT ON TABLE|VIEW|MATERIALIZED VIEW|FOREIGN TABLE|COLUMN, text dollar-quoted.

The dollar-quote tag is chosen so it occurs nowhere in the text (nor straddles its end), so
the text can never close the literal: whatever it holds, exactly one statement runs. Reads use
bound parameters against pg_catalog. The caller's transaction and savepoints are real here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import sqlalchemy as sa

from amx_core.analyze.targets import Target
from amx_core.analyze.writeback.base import RUN_AS_IS, Prepared, TargetMissing, WriteRefused
from amx_core.analyze.writeback.text import strip_nul

RELKINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized_view", "f": "foreign_table"}
COMMENT_ON = {
    "table": "TABLE",
    "view": "VIEW",
    "materialized_view": "MATERIALIZED VIEW",
    "foreign_table": "FOREIGN TABLE",
}

_RELATION = sa.text(
    "SELECT c.oid, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = :schema AND c.relname = :table"
)
_TABLE_COMMENT = sa.text("SELECT pg_catalog.obj_description(:oid, 'pg_class')")
_COLUMN_COMMENT = sa.text(
    "SELECT pg_catalog.col_description(a.attrelid, a.attnum) FROM pg_catalog.pg_attribute a "
    "WHERE a.attrelid = :oid AND a.attname = :column AND a.attnum > 0 AND NOT a.attisdropped"
)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def dollar_tag(text: str) -> str:
    """A tag `$amx…$` such that the first occurrence of it in `text + tag` is the closing one."""
    n = 0
    while True:
        tag = f"$amx{n or ''}$"
        if (text + tag).find(tag) == len(text):
            return tag
        n += 1


def comment_sql(target: Target, kind: str, text: str) -> str:
    relation = f"{quote_ident(target.schema)}.{quote_ident(target.table)}"
    tag = dollar_tag(text)
    if target.column is not None:
        return f"COMMENT ON COLUMN {relation}.{quote_ident(target.column)} IS {tag}{text}{tag}"
    return f"COMMENT ON {COMMENT_ON[kind]} {relation} IS {tag}{text}{tag}"


class PostgresWriter:
    """Writes on one connection; the caller owns the transaction through `transaction()`."""

    name = "postgresql"
    HOLDS = frozenset(COMMENT_ON)

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self._oids: dict[tuple[str, str], int] = {}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """The connection's transaction (already begun by the reads before it, or begun here)."""
        trans = self.conn.get_transaction() or self.conn.begin()
        try:
            yield
        except BaseException:
            trans.rollback()
            raise
        trans.commit()

    def savepoint(self) -> AbstractContextManager:
        return self.conn.begin_nested()

    def _relation(self, schema: str, table: str) -> tuple[int, str] | None:
        row = self.conn.execute(_RELATION, {"schema": schema, "table": table}).first()
        return (int(row[0]), str(row[1])) if row is not None else None

    def table_kind(self, schema: str, table: str) -> str | None:
        found = self._relation(schema, table)
        if found is None:
            return None
        self._oids[(schema, table)] = found[0]
        return RELKINDS.get(found[1], "other")

    def holds(self, kind: str) -> bool:
        return kind in self.HOLDS

    def _oid(self, target: Target) -> int:
        oid = self._oids.get(target.table_key)
        if oid is None:
            if self.table_kind(target.schema, target.table) is None:
                raise TargetMissing(f"{target.schema}.{target.table} no longer exists")
            oid = self._oids[target.table_key]
        return oid

    def read(self, target: Target) -> str | None:
        oid = self._oid(target)
        if target.column is None:
            return self.conn.execute(_TABLE_COMMENT, {"oid": oid}).scalar() or None
        row = self.conn.execute(_COLUMN_COMMENT, {"oid": oid, "column": target.column}).first()
        if row is None:
            raise TargetMissing(f"column {target.path} no longer exists")
        return row[0] or None

    def prepare(self, target: Target, text: str) -> Prepared:
        cleaned, notes = strip_nul(text)
        return Prepared(cleaned, notes)

    def write(self, target: Target, kind: str, text: str) -> str:
        if target.column is None and kind not in COMMENT_ON:
            raise WriteRefused(f"a {kind} cannot hold a comment in PostgreSQL")
        sql = comment_sql(target, kind, text)
        self.conn.exec_driver_sql(sql, execution_options=RUN_AS_IS)
        back = self.read(target)
        if (back or "") != text:
            raise WriteRefused("the text read back differs from the text written; rolled back")
        return sql
