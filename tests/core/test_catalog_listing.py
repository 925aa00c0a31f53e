"""The lazy ScopeTree API: pages from the cache with a fixed number of queries, branches read on demand."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from chinook import TABLE_COUNT

from amx_core.catalog.listing import ensure_branch, list_children, list_databases
from amx_core.catalog.refresh import refresh_catalog
from amx_core.errors import NotFoundError, ValidationError
from amx_core.models import CatalogColumn, CatalogSchema, CatalogState, CatalogTable
from amx_core.services.profiles import add_db_profile

T0 = datetime(2031, 5, 1, 8, 0, tzinfo=UTC)
WIDE = 2000


@contextmanager
def counting(store):
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)


def _cache_rows(store) -> int:
    with store.session() as s:
        return s.connection().execute(sa.select(sa.func.count()).select_from(CatalogTable.__table__)).scalar_one()


@pytest.fixture
def wide(store, tmp_path):
    """A cached schema `big` of 2,000 tables (3 columns each), written straight into the cache tables."""
    profile = add_db_profile(store, name="wide", url=f"sqlite:///{tmp_path / 'unused.sqlite'}")
    with store.session() as s:
        conn = s.connection()
        conn.execute(
            sa.insert(CatalogState.__table__).values(
                profile_id=profile.id, database="", refreshed_at=T0, fingerprint="x"
            )
        )
        conn.execute(
            sa.insert(CatalogSchema.__table__).values(
                profile_id=profile.id, database="", name="big", table_count=WIDE, refreshed_at=T0
            )
        )
        rows = [
            {
                "profile_id": profile.id,
                "database": "",
                "schema_name": "big",
                "name": f"t{i:04d}",
                "kind": "table",
                "column_count": 3,
            }
            for i in range(WIDE)
        ]
        ids = (
            conn.execute(
                sa.insert(CatalogTable.__table__).returning(CatalogTable.__table__.c.id, sort_by_parameter_order=True),
                rows,
            )
            .scalars()
            .all()
        )
        conn.execute(
            sa.insert(CatalogColumn.__table__),
            [
                {
                    "table_id": i,
                    "position": p,
                    "name": f"c{p}",
                    "type": "INTEGER",
                    "nullable": True,
                    "primary_key": p == 1,
                }
                for i in ids
                for p in (1, 2, 3)
            ],
        )
    return profile


def test_a_page_of_a_2000_table_schema_costs_a_fixed_few_queries(store, wide):
    with counting(store) as first:
        page = list_children(store, "wide", None, ("big",), limit=200)
    assert page.total == WIDE and len(page.items) == 200 and page.has_more
    assert page.items[0].name == "t0000" and page.items[0].child_count == 3 and page.items[0].kind == "table"
    with counting(store) as last:
        tail = list_children(store, "wide", None, ("big",), offset=1990, limit=200)
    assert [n.name for n in tail.items] == [f"t{i}" for i in range(1990, 2000)] and not tail.has_more
    assert len(first) == len(last) <= 8  # no per-row queries (BEGINs included), whatever the size or offset


def test_columns_and_schemas_pages(store, wide):
    schemas = list_children(store, "wide", None, ())
    assert [(n.name, n.child_count) for n in schemas.items] == [("big", WIDE)]
    columns = list_children(store, "wide", None, ("big", "t0042"))
    assert [(n.name, n.detail) for n in columns.items] == [("c1", "INTEGER PK"), ("c2", "INTEGER"), ("c3", "INTEGER")]
    assert columns.total == 3


def test_root_listing_reads_only_the_schema_list(chinook_sqlite, store):
    add_db_profile(store, name="chinook", url=chinook_sqlite)
    root = list_children(store, "chinook", "", ())
    assert [(n.name, n.child_count) for n in root.items] == [("main", None)]  # not read yet
    assert _cache_rows(store) == 0
    one = list_children(store, "chinook", "main", ("main", "Album"))
    assert [n.name for n in one.items] == ["AlbumId", "Title", "ArtistId"]
    assert _cache_rows(store) == 1  # only that table was read
    tables = list_children(store, "chinook", None, ("main",))
    assert tables.total == TABLE_COUNT
    assert list_children(store, "chinook", None, ()).items[0].child_count == TABLE_COUNT


def test_ensure_branch_refreshes_only_when_missing(chinook_sqlite, store):
    add_db_profile(store, name="chinook", url=chinook_sqlite)
    assert ensure_branch(store, "chinook", None, ("main",)) is True
    assert ensure_branch(store, "chinook", None, ("main",)) is False
    assert ensure_branch(store, "chinook", None, ("main", "Track", "Name")) is False
    assert list_children(store, "chinook", None, ("main", "Track", "Name")).total == 0


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (("sales",), "path: schema sales does not exist in database main"),
        (("main", "Orders"), "path: table main.Orders does not exist in database main"),
        (("main", "Album", "Price"), "path: column main.Album.Price does not exist in database main"),
    ],
)
def test_a_path_that_does_not_exist_is_bad_input_and_changes_nothing(chinook_sqlite, store, path, message):
    add_db_profile(store, name="chinook", url=chinook_sqlite)
    refresh_catalog(store, "chinook", now=T0)
    before = _cache_rows(store)
    with pytest.raises(NotFoundError) as err:
        list_children(store, "chinook", None, path)
    assert err.value.message == message and err.value.field == "path"
    assert _cache_rows(store) == before


def test_uncached_branch_without_ensure_is_empty(chinook_sqlite, store):
    add_db_profile(store, name="chinook", url=chinook_sqlite)
    assert list_children(store, "chinook", None, ("main",), ensure=False).total == 0


def test_bad_paging_and_names(store, wide):
    with pytest.raises(ValidationError, match="limit"):
        list_children(store, "wide", None, ("big",), limit=0)
    with pytest.raises(ValidationError, match="offset"):
        list_children(store, "wide", None, ("big",), offset=-1)
    with pytest.raises(NotFoundError, match="profile: no DB profile named 'nope'"):
        list_children(store, "nope", None, ())
    with pytest.raises(ValidationError, match="database"):
        list_children(store, "wide", "other", ())


def test_databases_fall_back_to_the_cache_when_unreachable(store, wide, tmp_path):
    assert list_databases(store, "wide") == [""]
    add_db_profile(store, name="down", url="postgresql+psycopg://amx@127.0.0.1:9/app")
    with pytest.raises(Exception, match="cannot connect to postgresql\\+psycopg://amx@127.0.0.1:9"):
        list_databases(store, "down")
