"""The engine boundary: every dialect finds its engine, and each engine says what its errors mean."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from amx_core.engines.base import Engine
from amx_core.engines.registry import ENGINES, GENERIC, engine_for, engine_for_url


def test_every_dialect_finds_its_engine_and_others_get_the_generic_one():
    assert engine_for("postgresql").name == "postgresql"
    assert engine_for("mysql") is engine_for("mariadb") and engine_for("mariadb").name == "mysql"
    assert engine_for_url("sqlite:////tmp/x.db").single_database
    assert engine_for("oracle") is GENERIC and GENERIC.writer is None and not GENERIC.single_database
    claimed = [dialect for engine in ENGINES for dialect in engine.dialects]
    assert len(claimed) == len(set(claimed))  # one engine per dialect
    assert all(isinstance(engine, Engine) for engine in ENGINES)


def test_connect_failures_are_classified_per_engine():
    pg, my = engine_for("postgresql"), engine_for("mysql")
    assert pg.connect_failure('FATAL:  database "nope" does not exist').kind == "missing_database"
    refused = pg.connect_failure('FATAL:  password authentication failed for user "amx"')
    assert (refused.kind, refused.transient) == ("auth", False)
    assert my.connect_failure("(1049, \"Unknown database 'nope'\")").kind == "missing_database"
    assert not my.connect_failure("(1045, \"Access denied for user 'amx'\")").transient
    assert pg.connect_failure("connection refused").transient  # a server that is down may come back
    assert GENERIC.connect_failure('database "x" does not exist').kind == "other"


def test_profiling_expressions_differ_where_types_do():
    dialect = mysql.dialect()
    bit = engine_for("mysql").sample_expression(sa.column("flags"), "numeric", "BIT(3)")
    assert str(bit.compile(dialect=dialect)) == "flags + %s"
    assert engine_for("postgresql").value_class("BIT VARYING") == "text"
    assert GENERIC.value_class("BIT(3)") == "numeric"
    prefix = GENERIC.sample_expression(sa.column("tags"), "document", "TEXT[]")
    assert "CAST(tags AS TEXT)" in str(prefix.compile(dialect=postgresql.dialect()))
