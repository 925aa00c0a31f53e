"""MariaDB/MySQL: the server's schemas are the databases, profiling of its types, comments by ALTER TABLE.

- Databases are the server's schemas minus the system ones; inside a database the database
  itself is the single schema.
- Spatial types and INET4/INET6 (unknown to SQLAlchemy) are reflected under their own names;
  spatial values are binary to profiling, BIT is read as a number (`bit + 0`), not as bytes.
- Write-back: `mysql_comments` (table COMMENT, MODIFY COLUMN rebuilt from information_schema);
  views cannot hold comments, so theirs go to the local catalog.
"""

from __future__ import annotations

import re
from typing import ClassVar

import sqlalchemy as sa

from amx_core.engines.base import Engine
from amx_core.engines.mysql_comments import MySqlWriter, quote_ident
from amx_core.engines.types import teach_types

SYSTEM = frozenset({"information_schema", "mysql", "performance_schema", "sys"})
UNKNOWN_TYPES = (
    "geometry",
    "point",
    "linestring",
    "polygon",
    "multipoint",
    "multilinestring",
    "multipolygon",
    "geometrycollection",
    "inet4",
    "inet6",
)
_BIT = re.compile(r"^BIT\b", re.I)


class MySqlEngine(Engine):
    name = "mysql"
    label = "MySQL"
    dialects = ("mysql", "mariadb")
    connect_args: ClassVar[dict] = {"connect_timeout": 10}
    writer = MySqlWriter
    missing_database = re.compile(r"Unknown database")
    auth_failed = re.compile(r"Access denied for user")
    system_schemas = SYSTEM

    def databases(self, conn: sa.Connection, database: str) -> list[str]:
        return sorted(s for s in sa.inspect(conn).get_schema_names() if s.lower() not in SYSTEM)

    def schemas(self, inspector: sa.Inspector, database: str) -> list[str]:
        return [database]

    def inspector(self, conn: sa.Connection) -> sa.Inspector:
        teach_types(conn.dialect, UNKNOWN_TYPES)
        return sa.inspect(conn)

    def sample_expression(self, column: sa.ColumnClause, kind: str, type_text: str) -> sa.ColumnElement:
        if _BIT.match(type_text or ""):
            return column + sa.literal(0)  # a bit value as its number
        return super().sample_expression(column, kind, type_text)

    def quote(self, name: str) -> str:
        return quote_ident(name)


MYSQL = MySqlEngine()
