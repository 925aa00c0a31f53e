"""SQLite: one database per file (cached under the key ""), schemas as SQLite names them, the local catalog.

A file that does not exist is an error, not a new empty database. SQLite cannot hold comments, so
descriptions go to the AMX local catalog.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from amx_core.engines.base import Engine


def missing_database_file(url: sa.engine.URL) -> bool:
    """A file URL (not memory, not a `file:` URI) whose file is not there."""
    name = url.database or ""
    return bool(name) and name != ":memory:" and not name.startswith("file:") and not Path(name).exists()


class SqliteEngine(Engine):
    name = "sqlite"
    label = "SQLite"
    dialects = ("sqlite",)
    single_database = True

    def missing_file(self, url: sa.engine.URL) -> bool:
        return missing_database_file(url)

    def databases(self, conn: sa.Connection, database: str) -> list[str]:
        return [""]


SQLITE = SqliteEngine()
