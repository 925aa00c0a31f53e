"""What differs per dialect: how databases and schemas are listed, and whether a fast fingerprint query exists.

- PostgreSQL: databases are the server's non-template databases; schemas exclude the system ones;
  fingerprints come from one pg_catalog query (see pg_fingerprints).
- MySQL/MariaDB: databases are the server's schemas minus the system ones; inside a database the
  database itself is the single schema.
- SQLite: one database (key ""), schemas as SQLite names them ("main", plus attached ones).
- Anything else: the connected database, and whatever schemas its inspector reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from amx_core.catalog.connect import CatalogTarget
from amx_core.catalog.pg_fingerprints import pg_fingerprints

Fingerprints = Callable[[sa.Connection, list[str]], "dict[tuple[str, str], tuple[str, str]] | None"]

MYSQL_SYSTEM = frozenset({"information_schema", "mysql", "performance_schema", "sys"})
PG_SYSTEM = frozenset({"information_schema"})


def _pg_databases(conn: sa.Connection, _target: CatalogTarget) -> list[str]:
    rows = conn.exec_driver_sql(
        "SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn ORDER BY datname"
    ).scalars()
    return list(rows)


def _pg_schemas(inspector: sa.Inspector, _target: CatalogTarget) -> list[str]:
    return sorted(s for s in inspector.get_schema_names() if s not in PG_SYSTEM and not s.startswith("pg_"))


def _mysql_databases(conn: sa.Connection, _target: CatalogTarget) -> list[str]:
    return sorted(s for s in sa.inspect(conn).get_schema_names() if s.lower() not in MYSQL_SYSTEM)


def _single_schema(_inspector: sa.Inspector, target: CatalogTarget) -> list[str]:
    return [target.database]


def _sqlite_databases(_conn: sa.Connection, _target: CatalogTarget) -> list[str]:
    return [""]


def _connected_database(conn: sa.Connection, target: CatalogTarget) -> list[str]:
    return [target.database or (conn.engine.url.database or "")]


def _inspector_schemas(inspector: sa.Inspector, _target: CatalogTarget) -> list[str]:
    return sorted(s for s in inspector.get_schema_names() if s.lower() != "information_schema")


@dataclass(frozen=True)
class DialectOps:
    databases: Callable[[sa.Connection, CatalogTarget], list[str]]
    schemas: Callable[[sa.Inspector, CatalogTarget], list[str]]
    fingerprints: Fingerprints | None = None


DIALECTS: dict[str, DialectOps] = {
    "postgresql": DialectOps(_pg_databases, _pg_schemas, pg_fingerprints),
    "mysql": DialectOps(_mysql_databases, _single_schema),
    "mariadb": DialectOps(_mysql_databases, _single_schema),
    "sqlite": DialectOps(_sqlite_databases, _inspector_schemas),
}
GENERIC = DialectOps(_connected_database, _inspector_schemas)


def ops_for(dialect: str) -> DialectOps:
    return DIALECTS.get(dialect, GENERIC)
