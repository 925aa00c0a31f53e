"""Chinook in SQLite, PostgreSQL, MariaDB and DuckDB: the cached tree matches the database, and each DDL
change shows up as exactly the right change event (and a refresh with no change records none)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from chinook import COLUMN_COUNT, TABLE_COUNT, TABLES

from amx_core.catalog.changes import list_changes
from amx_core.catalog.listing import list_children, list_databases
from amx_core.catalog.refresh import refresh_catalog
from amx_core.scope.paths import format_path
from amx_core.services.profiles import add_db_profile

T0 = datetime(2031, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def db(chinook_db, store):
    add_db_profile(store, name="chinook", url=chinook_db.url)
    return chinook_db


def _events(report) -> list[tuple[str, str]]:
    return sorted((c.kind, c.path) for c in report.changes)


def test_cached_tree_matches_the_database(db, store):
    report = refresh_catalog(store, "chinook", now=T0)
    assert (report.tables, report.columns) == (TABLE_COUNT, COLUMN_COUNT)
    assert report.baseline and report.changes == ()
    assert report.fast_path is (db.dialect == "postgresql")

    schemas = list_children(store, "chinook", None, ())
    assert db.schema in [n.name for n in schemas.items]
    tables = list_children(store, "chinook", None, (db.schema,))
    assert tables.total == TABLE_COUNT
    assert [n.name for n in tables.items] == sorted(db.name(t) for t in TABLES)
    assert {n.kind for n in tables.items} == {"table"}
    assert sum(n.child_count for n in tables.items) == COLUMN_COUNT

    album = {n.name: n for n in list_children(store, "chinook", None, (db.schema, db.name("album"))).items}
    assert list(album) == [db.name(c) for c in ("album_id", "title", "artist_id")]
    assert "PK" in album[db.name("album_id")].detail
    varchar = "VARCHAR" if db.dialect == "duckdb" else "VARCHAR(160)"  # DuckDB keeps no length
    assert varchar in album[db.name("title")].detail and "NOT NULL" in album[db.name("title")].detail
    fk = format_path((db.schema, db.name("artist"), db.name("artist_id")))
    assert album[db.name("artist_id")].detail.endswith(f"FK -> {fk}")
    invoice = {n.name: n for n in list_children(store, "chinook", None, (db.schema, db.name("invoice"))).items}
    assert "(10,2)" in invoice[db.name("total")].detail.replace(" ", "")
    customer = {n.name: n for n in list_children(store, "chinook", None, (db.schema, db.name("customer"))).items}
    assert "NOT NULL" not in customer[db.name("company")].detail


def test_each_change_is_exactly_one_event_and_no_change_records_none(db, store):
    refresh_catalog(store, "chinook", now=T0)
    unchanged = refresh_catalog(store, "chinook", now=T0 + timedelta(minutes=1))
    assert unchanged.changes == () and not unchanged.baseline
    if db.dialect == "postgresql":
        assert unchanged.reflected == 0  # the fingerprint query alone proved nothing changed

    s = db.schema
    db.add_column("artist", "country", "VARCHAR(40)")
    added = refresh_catalog(store, "chinook", now=T0 + timedelta(hours=1))
    assert _events(added) == [("column_added", format_path((s, db.name("artist"), db.name("country"))))]

    db.drop_table("playlist_track")
    dropped = refresh_catalog(store, "chinook", now=T0 + timedelta(hours=2))
    assert _events(dropped) == [("table_removed", format_path((s, db.name("playlist_track"))))]

    old_type = {"sqlite": "INTEGER", "postgresql": "integer", "mariadb": "INT", "duckdb": "INTEGER"}[db.dialect]
    db.change_type("invoice_line", "quantity", old_type, "BIGINT")
    retyped = refresh_catalog(store, "chinook", now=T0 + timedelta(hours=3))
    assert _events(retyped) == [("type_changed", format_path((s, db.name("invoice_line"), db.name("quantity"))))]
    assert "BIGINT" in retyped.changes[0].detail.split(" -> ")[1]

    again = refresh_catalog(store, "chinook", now=T0 + timedelta(hours=4))
    assert again.changes == ()
    assert (again.tables, again.columns) == (TABLE_COUNT - 1, COLUMN_COUNT + 1 - 2)

    history = list_changes(store, "chinook")
    assert [c.kind for c in history] == ["column_added", "table_removed", "type_changed"]
    assert [c.at for c in history] == [T0 + timedelta(hours=h) for h in (1, 2, 3)]
    assert [c.kind for c in list_changes(store, "chinook", since=T0 + timedelta(hours=2))] == ["type_changed"]


def test_scoped_refresh_touches_only_its_branch(db, store):
    refresh_catalog(store, "chinook", now=T0)
    s = db.schema
    db.add_column("artist", "country", "VARCHAR(40)")
    db.add_column("genre", "origin", "VARCHAR(40)")
    scoped = refresh_catalog(store, "chinook", scope=[format_path((s, db.name("artist")))], now=T0 + timedelta(hours=1))
    assert _events(scoped) == [("column_added", format_path((s, db.name("artist"), db.name("country"))))]
    assert (scoped.tables, scoped.columns) == (1, 3)
    genre = list_children(store, "chinook", None, (s, db.name("genre")))
    assert db.name("origin") not in [n.name for n in genre.items]  # outside the scope: untouched
    full = refresh_catalog(store, "chinook", now=T0 + timedelta(hours=2))
    assert _events(full) == [("column_added", format_path((s, db.name("genre"), db.name("origin"))))]


def test_a_new_table_in_a_known_schema_is_an_event(db, store):
    refresh_catalog(store, "chinook", now=T0)
    db.execute(f"CREATE TABLE {db.quote('review')} ({db.quote('review_id')} INTEGER NOT NULL PRIMARY KEY)")
    report = refresh_catalog(store, "chinook", scope=[db.schema], now=T0 + timedelta(hours=1))
    assert _events(report) == [("table_added", format_path((db.schema, db.name("review"))))]
    assert report.tables == TABLE_COUNT + 1


def test_databases_are_listed(db, store):
    names = list_databases(store, "chinook")
    expected = "" if db.dialect in ("sqlite", "duckdb") else db.url.rsplit("/", 1)[1]
    assert expected in names


def test_the_cache_works_on_both_store_backends(chinook_sqlite, any_store):  # noqa: F811
    from chinook import ChinookDb

    store = any_store
    add_db_profile(store, name="chinook", url=chinook_sqlite)
    assert refresh_catalog(store, "chinook", now=T0).tables == TABLE_COUNT
    ChinookDb("sqlite", chinook_sqlite).add_column("artist", "country", "TEXT")
    report = refresh_catalog(store, "chinook", now=T0 + timedelta(hours=1))
    assert _events(report) == [("column_added", "main.Artist.Country")]
    assert refresh_catalog(store, "chinook", now=T0 + timedelta(hours=2)).changes == ()
    assert list_children(store, "chinook", None, ("main",)).total == TABLE_COUNT
    assert [c.at for c in list_changes(store, "chinook")] == [T0 + timedelta(hours=1)]


def test_views_are_listed_with_their_kind(db, store):
    db.execute(f"CREATE VIEW {db.quote('album_title')} AS SELECT {db.quote('title')} FROM {db.quote('album')}")
    if db.dialect == "postgresql":
        db.execute("CREATE MATERIALIZED VIEW album_count AS SELECT count(*) AS n FROM album")
    refresh_catalog(store, "chinook", now=T0)
    kinds = {n.name: n.kind for n in list_children(store, "chinook", None, (db.schema,)).items}
    assert kinds[db.name("album_title")] == "view"
    assert kinds[db.name("album")] == "table"
    if db.dialect == "postgresql":
        assert kinds["album_count"] == "materialized_view"
        assert [n.name for n in list_children(store, "chinook", None, (db.schema, "album_count")).items] == ["n"]


@pytest.mark.parametrize("chinook_db", ["postgresql", "mariadb"], indirect=True)
def test_nullability_change_and_comments(db, store):
    refresh_catalog(store, "chinook", now=T0)
    artist, name = db.quote("artist"), db.quote("name")
    if db.dialect == "postgresql":
        db.execute(f"ALTER TABLE {artist} ALTER COLUMN {name} SET NOT NULL")
    else:
        db.execute(f"ALTER TABLE {artist} MODIFY {name} NVARCHAR(120) NOT NULL")
    report = refresh_catalog(store, "chinook", now=T0 + timedelta(hours=1))
    path = format_path((db.schema, db.name("artist"), db.name("name")))
    assert [(c.kind, c.path, c.detail) for c in report.changes] == [("nullability_changed", path, "NULL -> NOT NULL")]
    if db.dialect == "postgresql":
        db.execute("COMMENT ON COLUMN artist.name IS 'Who made the album'")
        db.execute("COMMENT ON TABLE artist IS 'Performers'")
        commented = refresh_catalog(store, "chinook", now=T0 + timedelta(hours=2))
        assert commented.changes == () and commented.reflected == 1  # a comment re-reads the table, no event
        table = next(n for n in list_children(store, "chinook", None, (db.schema,)).items if n.name == "artist")
        assert table.comment == "Performers"
        column = next(n for n in list_children(store, "chinook", None, (db.schema, "artist")).items if n.name == "name")
        assert column.comment == "Who made the album"
