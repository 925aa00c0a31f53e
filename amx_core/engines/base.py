"""What a target database engine provides, with the behaviour of any SQLAlchemy dialect as the default.

One subclass per engine (postgresql, mysql, sqlite, duckdb) overrides what differs there:
connecting (arguments, a file that must exist, read-only opening), what a driver error means
(missing database, refused login, busy file; transient or permanent), introspection (databases,
schemas, an inspector, a fingerprint query), profiling (value classes and sample expressions per
type, the sampled statement), identifier quoting, and write-back (the comment writer, or None: the
AMX local catalog keeps the descriptions). The registry finds an engine by SQLAlchemy dialect name;
a dialect no engine claims gets this class as is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import sqlalchemy as sa

from amx_core.engines.comments import WriterClass
from amx_core.engines.types import LONG_TEXT, MONEY, value_class

TEXT_PREFIX = 256  # characters of a long text (or of a structured value's text form) a sample reads

Fingerprints = dict[tuple[str, str], tuple[str, str]]  # (schema, table) -> (kind, fingerprint)


def quote_ident(name: str) -> str:
    """An identifier quoted the SQL-standard way (PostgreSQL, SQLite, DuckDB): in double quotes, doubled inside."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Failure:
    """What a driver error means: `kind` is 'missing_database', 'auth', 'busy' or 'other';
    `transient` says whether trying again later may help; `hint` says it in words, when there is more to say."""

    kind: str
    transient: bool
    hint: str = ""


class Engine:
    """Any SQLAlchemy dialect: the inspector for introspection, a LIMIT-ed sample, the local catalog for comments."""

    name: ClassVar[str] = "generic"
    label: ClassVar[str] = "database"  # as a sentence names it: "a SQLite profile has one database"
    dialects: ClassVar[tuple[str, ...]] = ()  # SQLAlchemy backend names this engine serves
    single_database: ClassVar[bool] = False  # one database per file, cached under the key "" (SQLite, DuckDB)
    read_only_opening: ClassVar[bool] = False  # does open(read_only=True) open differently (DuckDB)?
    connect_args: ClassVar[dict[str, Any]] = {}
    writer: ClassVar[WriterClass | None] = None  # None: descriptions go to the AMX local catalog
    missing_database: ClassVar[re.Pattern | None] = None  # a connect error naming a database the server lacks
    auth_failed: ClassVar[re.Pattern | None] = None  # a connect error refusing the login
    system_schemas: ClassVar[frozenset[str]] = frozenset({"information_schema"})

    # -- connecting ---------------------------------------------------------------------------------

    def missing_file(self, url: sa.engine.URL) -> bool:
        """Does the URL name a database file that is not there (for engines that would create it)?"""
        return False

    def open(self, url: str | sa.engine.URL, *, read_only: bool = False, pool_size: int | None = None) -> sa.Engine:
        """An engine for `url`: one connection per use (NullPool) unless `pool_size` asks for a pool.
        `read_only` asks for a read-only opening where the engine has one (DuckDB)."""
        options: dict[str, Any] = {"connect_args": dict(self.connect_args)}
        if pool_size is None:
            options["poolclass"] = sa.pool.NullPool
        else:
            options.update(pool_size=max(1, pool_size), max_overflow=2, pool_pre_ping=True)
        return sa.create_engine(url, **options)

    def connect_failure(self, text: str) -> Failure:
        """What a failure to connect means, from the driver's (password-free) message."""
        if self.missing_database is not None and self.missing_database.search(text):
            return Failure("missing_database", transient=False)
        if self.auth_failed is not None and self.auth_failed.search(text):
            return Failure("auth", transient=False, hint="authentication failed")
        return Failure("other", transient=True)

    def work_failure(self, exc: sa.exc.DBAPIError) -> Failure:
        """What a driver error while reading means: a dropped connection or an operational error may pass."""
        transient = bool(getattr(exc, "connection_invalidated", False)) or isinstance(exc, sa.exc.OperationalError)
        return Failure("other", transient=transient)

    # -- introspection ------------------------------------------------------------------------------

    def databases(self, conn: sa.Connection, database: str) -> list[str]:
        """The databases a profile can name (connected to its own URL); `database` is the one it names."""
        return [database or (conn.engine.url.database or "")]

    def schemas(self, inspector: sa.Inspector, database: str) -> list[str]:
        """The schemas of the connected database that hold user objects, sorted."""
        return sorted(s for s in inspector.get_schema_names() if s.lower() not in self.system_schemas)

    def inspector(self, conn: sa.Connection) -> sa.Inspector:
        """The inspector the catalog reflects tables through (multi-table calls, SQLAlchemy's shapes)."""
        return sa.inspect(conn)

    fast_fingerprints: ClassVar[bool] = False  # does `fingerprints` ask the server (one query for a whole schema)?

    def fingerprints(self, conn: sa.Connection, schemas: list[str]) -> Fingerprints | None:
        """Every relation's (kind, fingerprint) in `schemas` from one query, or None when the server cannot say
        (then they are computed from the reflected columns)."""
        return None

    # -- profiling ----------------------------------------------------------------------------------

    def value_class(self, type_text: str) -> str:
        """The profiling value class of a type (amx_core.engines.types); engines refine it for their types."""
        return value_class(type_text)

    def sample_expression(self, column: sa.ColumnClause, kind: str, type_text: str) -> sa.ColumnElement:
        """What the sample reads of a column of `kind`: whether it is null, a prefix of its text, or its value."""
        if kind == "binary":
            return sa.case((column.is_(None), 1), else_=0)
        if kind in ("document", "other"):  # any type has a text form; arrays and documents have no substr
            return sa.func.substr(sa.cast(column, sa.Text), 1, TEXT_PREFIX)
        if kind == "text" and LONG_TEXT.search((type_text or "").strip()):
            return sa.func.substr(column, 1, TEXT_PREFIX)
        if kind == "numeric" and MONEY.search(type_text or ""):
            return sa.cast(column, sa.Numeric)
        return column

    def sample_statement(
        self, conn: sa.Connection, schema: str | None, table: str, selected: Sequence[sa.ColumnElement], rows: int
    ) -> sa.Executable:
        """One bounded SELECT of `selected` (built on unqualified columns) from the table."""
        return sa.select(*selected).select_from(sa.table(table, schema=schema)).limit(max(1, rows))

    # -- write-back ---------------------------------------------------------------------------------

    def quote(self, name: str) -> str:
        """An identifier quoted for this engine's SQL text."""
        return quote_ident(name)
