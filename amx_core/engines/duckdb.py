"""DuckDB: one database per file, introspection from its own catalog functions, sampled profiling, COMMENT ON.

- Connecting (through the `duckdb-engine` dialect): the file must exist (DuckDB would create it);
  catalog reads and profiling open it read-only, write-back read-write. DuckDB lets one process
  write a file, and inside a process all connections to a file must be opened alike, so a
  process-wide gate per file lets read-only connections share it and a writer have it alone.
  A file another process holds is a transient failure ("busy"): the tick tries again later.
- Introspection reads `duckdb_schemas()`, `duckdb_tables()`, `duckdb_views()`, `duckdb_columns()`
  and `duckdb_constraints()` of the file's database (the dialect's own inspector reads a
  PostgreSQL catalog DuckDB only imitates). Types are kept as DuckDB spells them (VARCHAR has no
  length there); keys are the primary and foreign keys DuckDB has; fingerprints are computed
  from the reflected columns.
- Profiling samples a base table larger than the sample with `USING SAMPLE reservoir(n ROWS)`
  (a uniform sample of the whole table, not its first rows); views and small tables take `LIMIT n`.
- Write-back: `COMMENT ON TABLE|VIEW|COLUMN` with the text as a standard string literal (quotes
  doubled; DuckDB reads backslashes literally), each statement in its own transaction, committed
  only once the text reads back exactly (DuckDB has no savepoints).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from amx_core.engines.base import Engine, Failure, quote_ident
from amx_core.engines.comments import RUN_AS_IS, Prepared, TargetMissing, WriteRefused, strip_nul
from amx_core.engines.sqlite import missing_database_file
from amx_core.engines.types import SpelledType
from amx_core.scope.targets import Target

GATE_TIMEOUT_SECONDS = 120.0
SYSTEM_SCHEMAS = ("information_schema", "pg_catalog")
BUSY = "the DuckDB file is in use (DuckDB lets one process write a file); AMX tries again on the next tick"
_BUSY_TEXTS = ("Could not set lock on file", "Conflicting lock", "different configuration than existing connections")
_IN_DB = "database_name = current_database()"

_SCHEMAS = sa.text(
    f"SELECT DISTINCT schema_name FROM duckdb_schemas() WHERE {_IN_DB} "
    "AND schema_name NOT IN ('information_schema', 'pg_catalog') ORDER BY schema_name"
)
_TABLES = sa.text(
    f"SELECT table_name, comment, estimated_size FROM duckdb_tables() WHERE {_IN_DB} AND schema_name = :schema "
    "AND NOT temporary"
)
_VIEWS = sa.text(
    f"SELECT view_name, comment FROM duckdb_views() WHERE {_IN_DB} AND schema_name = :schema "
    "AND NOT internal AND NOT temporary"
)
_COLUMNS = sa.text(
    "SELECT table_name, column_name, data_type, is_nullable, column_default, comment FROM duckdb_columns() "
    f"WHERE {_IN_DB} AND schema_name = :schema ORDER BY table_name, column_index"
)
_CONSTRAINTS = sa.text(
    "SELECT table_name, constraint_type, constraint_column_names, referenced_table, referenced_column_names "
    f"FROM duckdb_constraints() WHERE {_IN_DB} AND schema_name = :schema "
    "AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') ORDER BY table_name, constraint_index"
)
_CHECKS = sa.text(
    "SELECT constraint_name, expression, constraint_text FROM duckdb_constraints() "
    f"WHERE {_IN_DB} AND schema_name = :schema AND table_name = :table AND constraint_type = 'CHECK'"
)
_TABLE_COMMENT = sa.text(
    f"SELECT comment FROM duckdb_tables() WHERE {_IN_DB} AND schema_name = :schema AND table_name = :table"
)
_VIEW_COMMENT = sa.text(
    f"SELECT comment FROM duckdb_views() WHERE {_IN_DB} AND schema_name = :schema AND view_name = :table "
    "AND NOT internal"
)
_COLUMN_COMMENT = sa.text(
    f"SELECT comment FROM duckdb_columns() WHERE {_IN_DB} AND schema_name = :schema AND table_name = :table "
    "AND column_name = :column"
)
COMMENT_ON = {"table": "TABLE", "view": "VIEW"}


class _FileGate:
    """Connections of this process to one DuckDB file: any number read-only, or one read-write alone.
    A waiting writer goes first, so readers that keep coming cannot starve it."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    def enter(self, read_only: bool, timeout: float) -> bool:
        """Wait (at most `timeout` seconds) for this kind of connection to be allowed; False when it was not."""
        with self._changed:
            if read_only:
                if not self._changed.wait_for(lambda: not self._writing and not self._writers_waiting, timeout):
                    return False
                self._readers += 1
                return True
            self._writers_waiting += 1
            try:
                if not self._changed.wait_for(lambda: not self._writing and not self._readers, timeout):
                    return False
                self._writing = True
                return True
            finally:
                self._writers_waiting -= 1
                self._changed.notify_all()

    def leave(self, read_only: bool) -> None:
        with self._changed:
            if read_only:
                self._readers -= 1
            else:
                self._writing = False
            self._changed.notify_all()


_GATES: dict[str, _FileGate] = {}
_GATES_LOCK = threading.Lock()


def _gate(path: str) -> _FileGate:
    with _GATES_LOCK:
        return _GATES.setdefault(str(Path(path).resolve()), _FileGate())


def _guard(engine: sa.Engine, path: str, read_only: bool) -> None:
    """Open every connection of `engine` through the file's gate, and leave the gate once it is closed
    (after the close, so the next connection cannot find the file still open the other way)."""
    gate = _gate(path)
    dialect = engine.dialect
    close = dialect.do_close
    inside: set[int] = set()
    lock = threading.Lock()

    @sa.event.listens_for(engine, "do_connect")
    def _enter(dialect, record, cargs, cparams):
        if not gate.enter(read_only, GATE_TIMEOUT_SECONDS):
            import duckdb  # loaded already: the dialect is about to connect with it

            raise duckdb.IOException(f"Could not set lock on file {path}: busy in this process")
        try:
            connection = dialect.connect(*cargs, **cparams)
        except BaseException:
            gate.leave(read_only)
            raise
        with lock:
            inside.add(id(connection))
        return connection

    def _close_and_leave(dbapi_connection) -> None:
        try:
            close(dbapi_connection)
        finally:
            with lock:
                entered = id(dbapi_connection) in inside
                inside.discard(id(dbapi_connection))
            if entered:
                gate.leave(read_only)

    dialect.do_close = _close_and_leave  # type: ignore[method-assign]


def literal(text: str) -> str:
    """A standard SQL string literal: single quotes doubled, nothing else escaped (DuckDB reads `\\` as is)."""
    return "'" + text.replace("'", "''") + "'"


class DuckDbInspector:
    """The calls the catalog's reflection makes, answered from DuckDB's catalog functions in SQLAlchemy's shapes."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect
        self._read: dict[str, dict[str, Any]] = {}

    def get_schema_names(self) -> list[str]:
        return list(self.conn.execute(_SCHEMAS).scalars())

    def get_table_names(self, schema: str | None = None) -> list[str]:
        return sorted(self._schema(schema or "main")["tables"])

    def get_view_names(self, schema: str | None = None) -> list[str]:
        return sorted(self._schema(schema or "main")["views"])

    def get_check_constraints(self, table: str, schema: str | None = None) -> list[dict[str, Any]]:
        rows = self.conn.execute(_CHECKS, {"schema": schema or "main", "table": table})
        return [{"name": r.constraint_name, "sqltext": r.expression or r.constraint_text} for r in rows]

    def get_materialized_view_names(self, schema: str | None = None) -> list[str]:
        raise NotImplementedError("DuckDB has no materialized views")

    def _schema(self, schema: str) -> dict[str, Any]:
        """Everything about one schema, read once per inspector in five queries."""
        if schema not in self._read:
            params = {"schema": schema}
            tables = {r.table_name: r.comment for r in self.conn.execute(_TABLES, params)}
            views = {r.view_name: r.comment for r in self.conn.execute(_VIEWS, params)}
            columns: dict[str, list[dict[str, Any]]] = {}
            for r in self.conn.execute(_COLUMNS, params):
                columns.setdefault(r.table_name, []).append(
                    {
                        "name": r.column_name,
                        "type": SpelledType(r.data_type),
                        "nullable": bool(r.is_nullable),
                        "default": r.column_default,
                        "comment": r.comment,
                    }
                )
            pks: dict[str, list[str]] = {}
            fks: dict[str, list[dict[str, Any]]] = {}
            for r in self.conn.execute(_CONSTRAINTS, params):
                if r.constraint_type == "PRIMARY KEY":
                    pks[r.table_name] = list(r.constraint_column_names)
                else:
                    fks.setdefault(r.table_name, []).append(
                        {
                            "constrained_columns": list(r.constraint_column_names),
                            "referred_schema": schema,
                            "referred_table": r.referenced_table,
                            "referred_columns": list(r.referenced_column_names or ()),
                        }
                    )
            self._read[schema] = {"tables": tables, "views": views, "columns": columns, "pks": pks, "fks": fks}
        return self._read[schema]

    def _multi(self, schema: str, names: Sequence[str] | None, make) -> dict:
        read = self._schema(schema)
        relations = {**read["views"], **read["tables"]}
        wanted = relations if names is None else [n for n in names if n in relations]
        return {(schema, name): make(read, name, relations[name]) for name in wanted}

    def get_multi_columns(self, schema: str, filter_names=None, **_kw) -> dict:
        return self._multi(schema, filter_names, lambda read, name, _c: read["columns"].get(name, []))

    def get_multi_pk_constraint(self, schema: str, filter_names=None, **_kw) -> dict:
        return self._multi(
            schema, filter_names, lambda read, name, _c: {"constrained_columns": read["pks"].get(name, [])}
        )

    def get_multi_foreign_keys(self, schema: str, filter_names=None, **_kw) -> dict:
        return self._multi(schema, filter_names, lambda read, name, _c: read["fks"].get(name, []))

    def get_multi_table_comment(self, schema: str, filter_names=None, **_kw) -> dict:
        return self._multi(schema, filter_names, lambda _read, _name, comment: {"text": comment})


class DuckDbWriter:
    """Writes on one read-write connection: each statement commits once it reads back, else rolls back."""

    name = "duckdb"
    HOLDS = frozenset(COMMENT_ON)

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def transaction(self) -> AbstractContextManager:
        return nullcontext()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A transaction of its own per statement (DuckDB has no savepoints)."""
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    def table_kind(self, schema: str, table: str) -> str | None:
        params = {"schema": schema, "table": table}
        if self.conn.execute(_TABLE_COMMENT, params).first() is not None:
            return "table"
        if self.conn.execute(_VIEW_COMMENT, params).first() is not None:
            return "view"
        return None

    def holds(self, kind: str) -> bool:
        return kind in self.HOLDS

    def read(self, target: Target) -> str | None:
        params = {"schema": target.schema, "table": target.table, "column": target.column}
        if target.column is not None:
            row = self.conn.execute(_COLUMN_COMMENT, params).first()
            if row is None:
                raise TargetMissing(f"column {target.path} no longer exists")
            return row[0] or None
        row = self.conn.execute(_TABLE_COMMENT, params).first() or self.conn.execute(_VIEW_COMMENT, params).first()
        if row is None:
            raise TargetMissing(f"{target.schema}.{target.table} no longer exists")
        return row[0] or None

    def prepare(self, target: Target, text: str) -> Prepared:
        cleaned, notes = strip_nul(text)
        return Prepared(cleaned, notes)

    def write(self, target: Target, kind: str, text: str) -> str:
        if kind not in COMMENT_ON:
            raise WriteRefused(f"a {kind} cannot hold a comment in DuckDB")
        relation = f"{quote_ident(target.schema)}.{quote_ident(target.table)}"
        if target.column is not None:
            sql = f"COMMENT ON COLUMN {relation}.{quote_ident(target.column)} IS {literal(text)}"
        else:
            sql = f"COMMENT ON {COMMENT_ON[kind]} {relation} IS {literal(text)}"
        self.conn.exec_driver_sql(sql, execution_options=RUN_AS_IS)
        if (self.read(target) or "") != text:
            raise WriteRefused("the text read back differs from the text written; rolled back")
        return sql


class DuckDbEngine(Engine):
    name = "duckdb"
    label = "DuckDB"
    dialects = ("duckdb",)
    single_database = True
    read_only_opening = True
    writer = DuckDbWriter
    system_schemas = frozenset(SYSTEM_SCHEMAS)

    def missing_file(self, url: sa.engine.URL) -> bool:
        return missing_database_file(url)

    def open(self, url: str | sa.engine.URL, *, read_only: bool = False, pool_size: int | None = None) -> sa.Engine:
        """One connection per use (the file is opened and closed with it), through the file's gate."""
        parsed = sa.engine.make_url(url)
        path = parsed.database or ":memory:"
        memory = path == ":memory:"
        engine = sa.create_engine(
            parsed, poolclass=sa.pool.NullPool, connect_args={"read_only": read_only and not memory}
        )
        if not memory:
            _guard(engine, path, read_only)
        return engine

    def _failure(self, text: str, transient: bool) -> Failure:
        if any(marker in text for marker in _BUSY_TEXTS):
            return Failure("busy", transient=True, hint=BUSY)
        return Failure("other", transient=transient)

    def connect_failure(self, text: str) -> Failure:
        return self._failure(text, transient=True)

    def work_failure(self, exc: sa.exc.DBAPIError) -> Failure:
        return self._failure(str(getattr(exc, "orig", exc)), super().work_failure(exc).transient)

    def databases(self, conn: sa.Connection, database: str) -> list[str]:
        return [""]

    def schemas(self, inspector: sa.Inspector, database: str) -> list[str]:
        return sorted(inspector.get_schema_names())

    def inspector(self, conn: sa.Connection) -> sa.Inspector:
        return DuckDbInspector(conn)  # type: ignore[return-value]  # the calls the reflection makes, not all

    def value_class(self, type_text: str) -> str:
        return "text" if (type_text or "").upper() == "BIT" else super().value_class(type_text)

    def sample_expression(self, column: sa.ColumnClause, kind: str, type_text: str) -> sa.ColumnElement:
        if (type_text or "").upper() == "BIT":
            return sa.cast(column, sa.Text)
        return super().sample_expression(column, kind, type_text)

    def sample_statement(
        self, conn: sa.Connection, schema: str | None, table: str, selected: Sequence[sa.ColumnElement], rows: int
    ) -> sa.Executable:
        """The relation quoted here (the dialect reads a dotted schema as database.schema), sampled when large."""
        rows = max(1, rows)
        size = conn.execute(_TABLES_SIZE, {"schema": schema or "main", "table": table}).scalar()
        sample = f" USING SAMPLE reservoir({rows} ROWS) REPEATABLE (7)" if size is not None and size > rows else ""
        columns = ", ".join(
            str(c.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})) for c in selected
        )
        relation = f"{quote_ident(schema or 'main')}.{quote_ident(table)}"
        return sa.text(f"SELECT {columns} FROM {relation}{sample} LIMIT {rows}")


_TABLES_SIZE = sa.text(
    f"SELECT estimated_size FROM duckdb_tables() WHERE {_IN_DB} AND schema_name = :schema AND table_name = :table"
)

DUCKDB = DuckDbEngine()
