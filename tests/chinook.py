"""Chinook (tests/data/chinook) loaded into a SQLite copy, a fresh PostgreSQL database, a fresh MariaDB one
and a new DuckDB file (from the PostgreSQL script: DuckDB speaks its SQL).

Import the fixtures into a test module (`from chinook import chinook_pg  # noqa: F401`); each returns a
SQLAlchemy URL without password. The scripts create and switch to their own "Chinook" database; that
preamble is cut so the data lands in the per-test database of the `pg_url` / `mysql_url` fixtures.
Each script is sent in one round trip (one multi-statement batch), which loads in well under a second.
"""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa

CHINOOK_DIR = Path(__file__).resolve().parent / "data" / "chinook"

# Shapes every test may rely on (the same in the three dialects).
TABLES = (
    "album",
    "artist",
    "customer",
    "employee",
    "genre",
    "invoice",
    "invoice_line",
    "media_type",
    "playlist",
    "playlist_track",
    "track",
)
TABLE_COUNT = 11
COLUMN_COUNT = 64
PG_SCHEMA = "public"
SQLITE_SCHEMA = "main"
DUCKDB_SCHEMA = "main"
SNAKE_CASE = ("postgresql", "duckdb")  # the dialects loaded from the PostgreSQL script

# The statement each script runs right before the tables (everything up to it is dropped).
_SWITCH_DATABASE = {"Chinook_PostgreSql.sql": "\\c chinook;", "Chinook_MySql.sql": "USE `Chinook`;"}


@cache
def chinook_script(name: str) -> str:
    """The script's body from its first CREATE TABLE on, without the DROP/CREATE/USE DATABASE preamble."""
    text = (CHINOOK_DIR / name).read_text(encoding="utf-8")
    marker = _SWITCH_DATABASE[name]
    head, found, body = text.partition(marker)
    if not found:
        raise AssertionError(f"{name}: expected {marker!r} before the tables")
    return body


def load_postgres(url: str) -> None:
    """Run the PostgreSQL script in one batch (psycopg's simple-query path takes many statements at once)."""
    import psycopg

    parsed = sa.engine.make_url(url)
    with psycopg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
    ) as conn:
        conn.execute(chinook_script("Chinook_PostgreSql.sql"))


def load_mysql(url: str) -> None:
    """Run the MySQL script in one batch with the multi-statements client flag."""
    import pymysql
    from pymysql.constants import CLIENT

    parsed = sa.engine.make_url(url)
    conn = pymysql.connect(
        host=parsed.host,
        port=parsed.port or 3306,
        user=parsed.username,
        password=parsed.password or "",
        database=parsed.database,
        client_flag=CLIENT.MULTI_STATEMENTS,
        autocommit=True,
        charset="utf8mb4",
    )
    try:
        with conn.cursor() as cur:
            cur.execute(chinook_script("Chinook_MySql.sql"))
            while cur.nextset():
                pass
    finally:
        conn.close()


def _duckdb_statements() -> list[str]:
    """The PostgreSQL script as DuckDB takes it: foreign keys inside CREATE TABLE (DuckDB cannot add them
    later), tables created parents first, no indexes (DuckDB would refuse ALTER TABLE on an indexed table),
    and a self-referencing table's rows inserted one by one (DuckDB checks a statement's keys before it)."""
    body = re.sub(r"/\*.*?\*/", "", chinook_script("Chinook_PostgreSql.sql"), flags=re.S)
    creates: dict[str, str] = {}
    fks: dict[str, list[str]] = {}
    inserts: list[str] = []
    for statement in (s.strip() for s in re.split(r";\s*\n", body)):
        if fk := re.match(r"ALTER TABLE (\w+) ADD CONSTRAINT (\w+)\s+(FOREIGN KEY .*?) ON DELETE", statement, re.S):
            fks.setdefault(fk.group(1), []).append(f"CONSTRAINT {fk.group(2)} {fk.group(3)}")
        elif create := re.match(r"CREATE TABLE (\w+)", statement):
            creates[create.group(1)] = statement
        elif statement.startswith("INSERT"):
            inserts.append(statement)
    ordered: list[str] = []
    while len(ordered) < len(creates):
        for name in creates:
            parents = {re.search(r"REFERENCES (\w+)", fk).group(1) for fk in fks.get(name, [])} - {name}
            if name not in ordered and parents <= set(ordered):
                ordered.append(name)
    statements = [
        creates[n].rstrip().rstrip(")") + "".join(f",\n    {fk}" for fk in fks.get(n, [])) + "\n)" for n in ordered
    ]
    for insert in inserts:
        table = re.match(r"INSERT INTO (\w+)", insert).group(1)
        if any(f"REFERENCES {table} " in fk for fk in fks.get(table, [])):
            head, _values, rows = insert.partition("VALUES")
            statements += [f"{head} VALUES ({row.strip().strip('()')})" for row in re.split(r"\),\s*\n\s*\(", rows)]
        else:
            statements.append(insert)
    return statements


def load_duckdb(path) -> str:
    """Create a DuckDB file at `path` holding Chinook; returns its URL."""
    import duckdb

    conn = duckdb.connect(str(path))
    try:
        for statement in _duckdb_statements():
            conn.execute(statement)
    finally:
        conn.close()
    return f"duckdb:///{path}"


def copy_sqlite(folder) -> str:
    target = folder / "chinook.sqlite"
    shutil.copyfile(CHINOOK_DIR / "Chinook_Sqlite.sqlite", target)
    return f"sqlite:///{target}"


@pytest.fixture
def chinook_sqlite(tmp_path) -> str:
    """URL of a private copy of the Chinook SQLite file."""
    return copy_sqlite(tmp_path)


@pytest.fixture
def chinook_duckdb(tmp_path) -> str:
    """URL of a new DuckDB file holding Chinook (schema main, snake_case names as the PostgreSQL script)."""
    return load_duckdb(tmp_path / "chinook.duckdb")


@pytest.fixture
def chinook_pg(pg_url) -> str:
    """URL of a fresh PostgreSQL database holding Chinook (schema public, snake_case names)."""
    load_postgres(pg_url)
    return pg_url


@pytest.fixture
def chinook_mysql(mysql_url) -> str:
    """URL of a fresh MariaDB database holding Chinook (PascalCase names; the database is the schema)."""
    load_mysql(mysql_url)
    return mysql_url


def normalized(name: str) -> str:
    """`InvoiceLine` and `invoice_line` both -> `invoiceline`: compare names across dialects."""
    return name.replace("_", "").lower()


def pascal(snake: str) -> str:
    """`invoice_line` -> `InvoiceLine`, `artist_id` -> `ArtistId` (the SQLite and MySQL scripts' spelling)."""
    return "".join(part.capitalize() for part in snake.split("_"))


def execute_sql(url: str, *statements: str) -> None:
    """Run DDL/DML statements in one transaction on a throwaway engine."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


class ChinookDb:
    """One loaded Chinook: its URL, dialect, schema, its spelling of names, and DDL helpers for change tests."""

    def __init__(self, dialect: str, url: str) -> None:
        self.dialect = dialect
        self.url = url
        self.schema = {"sqlite": SQLITE_SCHEMA, "postgresql": PG_SCHEMA, "duckdb": DUCKDB_SCHEMA}.get(
            dialect
        ) or sa.engine.make_url(url).database

    def name(self, snake: str) -> str:
        """A table or column name as this dialect's script spells it, from its snake_case form."""
        return snake if self.dialect in SNAKE_CASE else pascal(snake)

    def quote(self, snake: str) -> str:
        return sa.create_engine(self.url).dialect.identifier_preparer.quote(self.name(snake))

    def execute(self, *statements: str) -> None:
        execute_sql(self.url, *statements)

    def add_column(self, table: str, column: str, type_: str) -> None:
        self.execute(f"ALTER TABLE {self.quote(table)} ADD COLUMN {self.quote(column)} {type_}")

    def drop_table(self, table: str) -> None:
        self.execute(f"DROP TABLE {self.quote(table)}")

    def change_type(self, table: str, column: str, old_type: str, new_type: str) -> None:
        """Change a NOT NULL column's type, keeping everything else (SQLite: the documented table rebuild)."""
        t, c = self.quote(table), self.quote(column)
        if self.dialect in SNAKE_CASE:
            self.execute(f"ALTER TABLE {t} ALTER COLUMN {c} TYPE {new_type}")
        elif self.dialect == "sqlite":
            self._sqlite_rebuild(table, column, old_type, new_type)
        else:
            self.execute(f"ALTER TABLE {t} MODIFY {c} {new_type} NOT NULL")

    def _sqlite_rebuild(self, table: str, column: str, old_type: str, new_type: str) -> None:
        engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        name = self.name(table)
        try:
            with engine.begin() as conn:
                sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).scalar_one()
                old = f"[{self.name(column)}] {old_type}"
                if old not in sql:
                    raise AssertionError(f"{old!r} not in {sql!r}")
                new_sql = sql.replace(old, f"[{self.name(column)}] {new_type}").replace(f"[{name}]", f"[{name}_new]", 1)
                conn.exec_driver_sql(new_sql)
                conn.exec_driver_sql(f"INSERT INTO [{name}_new] SELECT * FROM [{name}]")
                conn.exec_driver_sql(f"DROP TABLE [{name}]")
                conn.exec_driver_sql(f"ALTER TABLE [{name}_new] RENAME TO [{name}]")
        finally:
            engine.dispose()


DIALECT_FIXTURES = {
    "sqlite": "chinook_sqlite",
    "postgresql": "chinook_pg",
    "mariadb": "chinook_mysql",
    "duckdb": "chinook_duckdb",
}


@pytest.fixture(params=sorted(DIALECT_FIXTURES))
def chinook_db(request) -> ChinookDb:
    """Chinook in each of SQLite, PostgreSQL, MariaDB and DuckDB in turn (also import the fixtures it uses)."""
    return ChinookDb(request.param, request.getfixturevalue(DIALECT_FIXTURES[request.param]))
