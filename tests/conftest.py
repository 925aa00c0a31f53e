"""Shared fixtures: a private AMX_HOME per test, the store, and per-test databases on the real servers."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from ci import missing
from hypothesis import settings

# `pytest --hypothesis-profile=fuzz-long` runs the CLI fuzz tests (tests/cli/test_fuzz_cli.py) with thousands
# of fresh examples instead of the suite's fixed, bounded sample.
settings.register_profile("fuzz-long", max_examples=3000, deadline=None)

PG_ADMIN_URL = os.environ.get("AMX_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MYSQL_ADMIN_URL = os.environ.get("AMX_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/")


def server_missing(what: str, exc: Exception) -> None:
    """Fail in CI (a missing server is a defect there), skip with the reason elsewhere."""
    missing(f"{what} is not reachable: {type(exc).__name__}: {exc}")


@pytest.fixture
def amx_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "amx home"
    monkeypatch.setenv("AMX_HOME", str(home))
    monkeypatch.delenv("AMX_STORE_URL", raising=False)
    from amx_core.store import reset_stores

    reset_stores()
    yield home
    reset_stores()


@pytest.fixture
def store(amx_home):
    from amx_core.store import open_store

    return open_store()


def _admin_engine(url: str):
    import sqlalchemy as sa

    return sa.create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for this test, dropped afterwards."""
    import sqlalchemy as sa

    name = f"amx_t_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(PG_ADMIN_URL)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - any connection failure means no server
        admin.dispose()
        server_missing("PostgreSQL on 127.0.0.1:5432", exc)
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    from amx_core.store import reset_stores

    reset_stores()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def mysql_url():
    """A fresh MariaDB database (schema) for this test, dropped afterwards."""
    import sqlalchemy as sa

    name = f"amx_t_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(MYSQL_ADMIN_URL)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        server_missing("MariaDB on 127.0.0.1:3306", exc)
    url = sa.engine.make_url(MYSQL_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
    admin.dispose()


@pytest.fixture
def pg_store(pg_url, amx_home, monkeypatch):
    """The AMX store itself on PostgreSQL (teams share one queue there)."""
    from amx_core.store import open_store

    monkeypatch.setenv("AMX_STORE_URL", pg_url)
    return open_store()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, amx_home, monkeypatch):
    """Run a service test against both store backends."""
    from amx_core.store import open_store

    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        monkeypatch.setenv("AMX_STORE_URL", url)
    return open_store()


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_store(request, cli_call, monkeypatch):
    """The store `cli_call` works on, once on SQLite and once on PostgreSQL."""
    from amx_core.store import open_store

    if request.param == "postgresql":
        monkeypatch.setenv("AMX_STORE_URL", request.getfixturevalue("pg_url"))
    return open_store()


@pytest.fixture
def cli_call(amx_home, monkeypatch):
    """Invoke `amx` in-process: `cli_call(*args, code=0)` asserts the exit code and returns the result."""
    from click.testing import CliRunner

    from amx_cli.main import build_cli

    monkeypatch.setenv("AMX_NO_STARTUP_CHECK", "1")
    runner, cli = CliRunner(), build_cli()

    def call(*args, code=0, input=None):
        result = runner.invoke(cli, list(args), input=input)
        assert result.exit_code == code, (args, result.output)
        return result

    return call


# Shared fixtures defined beside their helpers: the loopback LLM replay server and the Chinook loaders.
from chinook import chinook_db, chinook_duckdb, chinook_mysql, chinook_pg, chinook_sqlite  # noqa: E402,F401
from llm_server import llm_server  # noqa: E402,F401
