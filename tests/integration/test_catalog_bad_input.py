"""Bad input against the real servers: clear errors, the right exit class, passwords masked, the cache unchanged."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from amx_core.catalog.connect import CatalogConnectError
from amx_core.catalog.listing import list_children, list_databases
from amx_core.catalog.refresh import refresh_catalog
from amx_core.errors import NotFoundError
from amx_core.models import CatalogChange, CatalogColumn, CatalogSchema, CatalogState, CatalogTable
from amx_core.services.profiles import SecretSource, add_db_profile

SECRET = "n0t-the-Passw0rd"


def cache_dump(store) -> list:
    with store.session() as s:
        conn = s.connection()
        return [
            conn.execute(sa.select(model.__table__).order_by(model.__table__.c.id)).all()
            for model in (CatalogState, CatalogSchema, CatalogTable, CatalogColumn, CatalogChange)
        ]


def _server_url(url: str) -> str:
    """The URL without its database part."""
    return url.rsplit("/", 1)[0]


@pytest.fixture
def pg_cached(chinook_pg, store):
    add_db_profile(store, name="pg", url=chinook_pg)
    refresh_catalog(store, "pg")
    return chinook_pg


def test_unknown_profile(store):
    with pytest.raises(NotFoundError) as err:
        refresh_catalog(store, "nope")
    assert (err.value.field, err.value.exit_code) == ("profile", 2)


def test_database_that_does_not_exist_pg(pg_cached, store):
    before = cache_dump(store)
    with pytest.raises(NotFoundError) as err:
        refresh_catalog(store, "pg", database="no_such_db")
    assert err.value.exit_code == 2 and err.value.field == "database"
    assert "database 'no_such_db' does not exist on postgresql+psycopg://postgres@127.0.0.1" in err.value.message
    with pytest.raises(NotFoundError):
        list_children(store, "pg", "no_such_db", ())
    assert cache_dump(store) == before


def test_database_that_does_not_exist_mariadb(chinook_mysql, store):
    add_db_profile(store, name="my", url=chinook_mysql)
    with pytest.raises(NotFoundError) as err:
        refresh_catalog(store, "my", database="no_such_db")
    assert err.value.field == "database" and "does not exist" in err.value.message
    assert cache_dump(store)[2] == []


def test_wrong_password_mariadb_is_masked(chinook_mysql, store, monkeypatch):
    monkeypatch.setenv("AMX_TEST_MY_PW", SECRET)
    add_db_profile(store, name="my", url=chinook_mysql, password=SecretSource(env="AMX_TEST_MY_PW"))
    with pytest.raises(CatalogConnectError) as err:
        refresh_catalog(store, "my")
    message = err.value.message
    assert err.value.exit_code == 1 and not err.value.transient
    assert "authentication failed" in message and "Access denied" in message
    assert SECRET not in message and "root:***@127.0.0.1" in message
    assert cache_dump(store)[0] == []


def test_unknown_role_pg(pg_cached, store):
    before = cache_dump(store)
    url = sa.engine.make_url(pg_cached).set(username="amx_no_such_role")
    add_db_profile(store, name="ghost", url=url.render_as_string(hide_password=False))
    with pytest.raises(CatalogConnectError, match="authentication failed: .*amx_no_such_role"):
        refresh_catalog(store, "ghost")
    assert cache_dump(store) == before


def test_unreachable_server(pg_cached, store, monkeypatch):
    before = cache_dump(store)
    monkeypatch.setenv("AMX_TEST_PG_PW", SECRET)
    add_db_profile(
        store, name="down", url="postgresql+psycopg://amx@127.0.0.1:9/app", password=SecretSource(env="AMX_TEST_PG_PW")
    )
    with pytest.raises(CatalogConnectError) as err:
        refresh_catalog(store, "down")
    assert err.value.transient and err.value.message.startswith(
        "cannot connect to postgresql+psycopg://amx:***@127.0.0.1:9/app: "
    )
    assert SECRET not in err.value.message
    assert cache_dump(store) == before


def test_path_that_does_not_exist(pg_cached, store):
    before = cache_dump(store)
    with pytest.raises(NotFoundError) as err:
        refresh_catalog(store, "pg", scope=["public.orders"])
    assert (
        err.value.message
        == f"scope: table public.orders does not exist in database {sa.engine.make_url(pg_cached).database}"
    )
    with pytest.raises(NotFoundError, match="path: schema sales does not exist"):
        list_children(store, "pg", None, ("sales",))
    assert cache_dump(store) == before


def test_profile_without_a_database_lists_then_requires_one(pg_cached, store):
    add_db_profile(store, name="server", url=_server_url(pg_cached))
    assert sa.engine.make_url(pg_cached).database in list_databases(store, "server")
    with pytest.raises(Exception, match="database: profile 'server' names no database"):
        refresh_catalog(store, "server")
    report = refresh_catalog(store, "server", database=sa.engine.make_url(pg_cached).database)
    assert report.tables == 11
