"""PostgreSQL: databases and schemas, a fingerprint query, profiling of its types, COMMENT ON write-back.

- Databases are the server's non-template databases; schemas exclude the system ones.
- Fingerprints come from one pg_catalog query: per column it hashes name, formatted type, NOT NULL,
  default, primary-key and foreign-key targets and comment; the per-table fingerprint is an
  order-independent sum of those hashes (so the server aggregates with a hash, not a sort) folded
  with the relation kind and table comment through md5. An unchanged check is this query plus a
  read of the cached fingerprints; only tables whose fingerprint moved are reflected again. Needs
  PostgreSQL 11+ (hashtextextended).
- Types SQLAlchemy does not know (xml, geometric) are reflected under their own names; bit strings
  are profiled as text, everything else unknown (enums, domains) through its text form.
- Write-back: COMMENT ON TABLE|VIEW|MATERIALIZED VIEW|FOREIGN TABLE|COLUMN, the text dollar-quoted
  with a tag chosen so it occurs nowhere in the text (nor straddles its end), so the text can never
  close the literal: whatever it holds, exactly one statement runs. Reads use bound parameters
  against pg_catalog. The caller's transaction and savepoints are real here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import ClassVar

import sqlalchemy as sa

from amx_core.engines.base import Engine, Fingerprints, quote_ident
from amx_core.engines.comments import RUN_AS_IS, Prepared, TargetMissing, WriteRefused, strip_nul
from amx_core.engines.types import teach_types
from amx_core.scope.targets import Target

MIN_SERVER_VERSION = (11,)
# As SQLAlchemy's table/view/materialized-view listings see them (partitions included, foreign tables not).
LISTED_RELKINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized_view"}
RELKINDS = {**LISTED_RELKINDS, "f": "foreign_table"}
UNKNOWN_TYPES = ("xml", "point", "line", "lseg", "box", "path", "polygon", "circle", "pg_lsn", "txid_snapshot")
_BIT_STRING = re.compile(r"^BIT\b", re.I)

FINGERPRINT_SQL = sa.text(
    r"""
WITH wanted AS (
  SELECT oid FROM pg_namespace WHERE nspname::text = ANY(:schemas)
), keys AS (
  SELECT con.conrelid, k.attnum,
         string_agg(con.contype::text || coalesce(':' || rn.nspname || '.' || rc.relname || '.' || ra.attname, ''),
                    ',' ORDER BY con.contype, rn.nspname, rc.relname, ra.attname) AS tags
  FROM pg_constraint con
  CROSS JOIN LATERAL unnest(con.conkey, coalesce(con.confkey, '{}'::int2[])) AS k(attnum, refnum)
  LEFT JOIN pg_class rc ON rc.oid = con.confrelid
  LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
  LEFT JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum
  WHERE con.contype IN ('p', 'f') AND con.connamespace IN (SELECT oid FROM wanted)
  GROUP BY con.conrelid, k.attnum
)
SELECT n.nspname AS schema_name, c.relname AS table_name, c.relkind::text AS relkind,
       count(a.attnum) AS column_count,
       md5(c.relkind::text || E'\n' || coalesce(td.description, '') || E'\n' || coalesce(sum(hashtextextended(
           a.attname || E'\t' || format_type(a.atttypid, a.atttypmod) || E'\t' || a.attnotnull::text || E'\t'
           || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || E'\t' || coalesce(keys.tags, '') || E'\t'
           || coalesce(cd.description, ''), 0))::text, '')) AS fingerprint
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description td ON td.objoid = c.oid AND td.classoid = 'pg_class'::regclass AND td.objsubid = 0
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_description cd ON cd.objoid = a.attrelid AND cd.classoid = 'pg_class'::regclass AND cd.objsubid = a.attnum
LEFT JOIN keys ON keys.conrelid = a.attrelid AND keys.attnum = a.attnum
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND c.relnamespace IN (SELECT oid FROM wanted)
GROUP BY n.nspname, c.relname, c.relkind, c.oid, td.description
"""
)


def dollar_tag(text: str) -> str:
    """A tag `$amx…$` such that the first occurrence of it in `text + tag` is the closing one."""
    n = 0
    while True:
        tag = f"$amx{n or ''}$"
        if (text + tag).find(tag) == len(text):
            return tag
        n += 1


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


class PostgresEngine(Engine):
    name = "postgresql"
    label = "PostgreSQL"
    dialects = ("postgresql",)
    connect_args: ClassVar[dict] = {"connect_timeout": 10}
    writer = PostgresWriter
    missing_database = re.compile(r'database "[^"]*" does not exist')
    auth_failed = re.compile(r'password authentication failed|role "[^"]*" does not exist|no password supplied')
    fast_fingerprints = True

    def databases(self, conn: sa.Connection, database: str) -> list[str]:
        rows = conn.exec_driver_sql(
            "SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn ORDER BY datname"
        ).scalars()
        return list(rows)

    def schemas(self, inspector: sa.Inspector, database: str) -> list[str]:
        return sorted(
            s for s in inspector.get_schema_names() if s not in self.system_schemas and not s.startswith("pg_")
        )

    def inspector(self, conn: sa.Connection) -> sa.Inspector:
        teach_types(conn.dialect, UNKNOWN_TYPES)
        return sa.inspect(conn)

    def fingerprints(self, conn: sa.Connection, schemas: list[str]) -> Fingerprints | None:
        version = conn.dialect.server_version_info or (0,)
        if tuple(version[:1]) < MIN_SERVER_VERSION:
            return None
        rows = conn.execute(FINGERPRINT_SQL, {"schemas": list(schemas)}).all()
        return {(r.schema_name, r.table_name): (LISTED_RELKINDS[r.relkind], r.fingerprint) for r in rows}

    def value_class(self, type_text: str) -> str:
        return "text" if _BIT_STRING.match(type_text or "") else super().value_class(type_text)

    def sample_expression(self, column: sa.ColumnClause, kind: str, type_text: str) -> sa.ColumnElement:
        if _BIT_STRING.match(type_text or ""):
            return sa.cast(column, sa.Text)
        return super().sample_expression(column, kind, type_text)


POSTGRESQL = PostgresEngine()
