"""Codes the schema declares (enum types, CHECK ... IN lists) are read on SQLite, PostgreSQL and MariaDB,
and a description may name them: they are facts of the schema, not values of a sample."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from analyze_support import add_profiles, make_schedule, start_run
from chinook import execute_sql

from amx_core.analyze.codes import check_codes, declared_codes, enum_codes
from amx_core.analyze.executor import run_analyze
from amx_core.catalog.reflect import type_text
from amx_core.services.review import list_suggestions

COLUMNS = ("id", "status", "kind", "qty", "note")


@pytest.mark.parametrize(
    "sqltext, expected",
    [
        ("status IN ('new', 'paid', 'shipped')", ("status", ("new", "paid", "shipped"))),
        ("`status` in ('new','it''s')", ("status", ("new", "it's"))),
        (
            "((status)::text = ANY ((ARRAY['new'::character varying, 'paid'::character varying])::text[]))",
            ("status", ("new", "paid")),
        ),
        ("(kind = 'a') OR (kind = 'b')", ("kind", ("a", "b"))),
        ("qty IN (1, 2, 3)", ("qty", ("1", "2", "3"))),
        ("status NOT IN ('gone')", None),
        ("qty > 0", None),
        ("status IN ('a') AND kind IN ('b')", None),
        ("note <> 'x'", None),
    ],
)
def test_check_constraint_texts(sqltext, expected):
    assert check_codes(sqltext, COLUMNS) == expected


def test_enum_type_text():
    assert enum_codes("ENUM('new','paid','it''s')") == ("new", "paid", "it's")
    assert enum_codes("VARCHAR(10)") == ()


def _codes(url: str, table: str, schema: str | None) -> dict[str, tuple[str, ...]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            columns = [
                (c["name"], type_text(c["type"], conn.dialect))
                for c in sa.inspect(conn).get_columns(table, schema=schema)
            ]
            return declared_codes(conn, schema, table, columns)
    finally:
        engine.dispose()


def test_sqlite_check_constraint(tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    execute_sql(
        url, "CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT NOT NULL CHECK (status IN ('new', 'paid')))"
    )
    assert _codes(url, "orders", None) == {"status": ("new", "paid")}


def test_postgresql_enum_type_and_check_constraint(pg_url):
    execute_sql(
        pg_url,
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE TABLE person (id serial PRIMARY KEY, mood mood, "
        "status varchar(10) CHECK (status IN ('new', 'paid')), age int CHECK (age > 0))",
    )
    assert _codes(pg_url, "person", "public") == {"mood": ("sad", "ok", "happy"), "status": ("new", "paid")}


def test_mariadb_enum_type_and_check_constraint(mysql_url):
    execute_sql(
        mysql_url,
        "CREATE TABLE person (id int PRIMARY KEY, mood ENUM('sad','ok','happy'), "
        "status varchar(10) CHECK (status IN ('new', 'paid')))",
    )
    schema = sa.engine.make_url(mysql_url).database
    assert _codes(mysql_url, "person", schema) == {"mood": ("sad", "ok", "happy"), "status": ("new", "paid")}


def test_declared_codes_are_named_in_the_description_and_not_flagged(store, tmp_path):
    """The sample holds exactly the declared codes; naming them is stating the schema, not the sample."""
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    execute_sql(
        url,
        "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, "
        "status_cd TEXT NOT NULL CHECK (status_cd IN ('placed', 'paid', 'shipped')))",
        *(f"INSERT INTO orders VALUES ({i}, '{('placed', 'paid', 'shipped')[i % 3]}')" for i in range(1, 31)),
    )
    add_profiles(store, url)
    handle = start_run(store, make_schedule(store, review="auto"))
    assert run_analyze(handle.ctx).ok
    view = {v.target: v for v in list_suggestions(store, run_id=handle.run_id)}["main.orders.status_cd"]
    assert view.proposed == "Status of the order: one of 'placed', 'paid' or 'shipped'."
    assert view.flags == () and view.state == "auto_applied"
