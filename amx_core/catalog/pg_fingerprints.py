"""PostgreSQL fast path: one pg_catalog query gives every table's kind and a fingerprint of its definition.

Per column it hashes name, formatted type, NOT NULL, default, primary-key and foreign-key targets
and comment; the per-table fingerprint is an order-independent sum of those hashes (so the server
aggregates with a hash, not a sort) folded with the relation kind and table comment through md5.
An unchanged check is this query plus a read of the cached fingerprints; only tables whose
fingerprint moved are reflected again. Needs PostgreSQL 11+ (hashtextextended).
"""

from __future__ import annotations

import sqlalchemy as sa

MIN_SERVER_VERSION = (11,)

# As SQLAlchemy's table/view/materialized-view listings see them (partitions included, foreign tables not).
RELKINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized_view"}

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


def pg_fingerprints(conn: sa.Connection, schemas: list[str]) -> dict[tuple[str, str], tuple[str, str]] | None:
    """{(schema, table): (kind, fingerprint)} for every relation of `schemas`; None when the server is too old."""
    version = conn.dialect.server_version_info or (0,)
    if tuple(version[:1]) < MIN_SERVER_VERSION:
        return None
    rows = conn.execute(FINGERPRINT_SQL, {"schemas": list(schemas)}).all()
    return {(r.schema_name, r.table_name): (RELKINDS[r.relkind], r.fingerprint) for r in rows}
