"""Scope resolution at fire time (live) and the cache_refresh executor, on a Chinook SQLite copy."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from chinook import COLUMN_COUNT, TABLE_COUNT, ChinookDb

from amx_core.catalog.changes import list_changes
from amx_core.catalog.executor import run_cache_refresh
from amx_core.catalog.refresh import refresh_catalog
from amx_core.catalog.resolve import resolve_scope
from amx_core.errors import ActionError, ValidationError
from amx_core.execution.context import RunCancelled, RunContext, TransientError
from amx_core.services.profiles import add_db_profile
from amx_core.services.schedules import ScheduleInput, create_schedule

T0 = datetime(2031, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def db(chinook_sqlite, store) -> ChinookDb:
    add_db_profile(store, name="chinook", url=chinook_sqlite)
    return ChinookDb("sqlite", chinook_sqlite)


def test_whole_schema_scope_includes_a_table_created_since_the_last_refresh(db, store):
    refresh_catalog(store, "chinook", now=T0)
    db.execute("CREATE TABLE Review (ReviewId INTEGER PRIMARY KEY, Body TEXT NOT NULL)")
    resolved = resolve_scope(store, "chinook", None, ["main"])
    names = [t.name for t in resolved.tables]
    assert "Review" in names and len(names) == TABLE_COUNT + 1
    review = next(t for t in resolved.tables if t.name == "Review")
    assert [(c.name, c.nullable, c.primary_key) for c in review.columns] == [
        ("ReviewId", True, True),
        ("Body", False, False),
    ]
    assert review.selected is None


def test_no_scope_is_the_whole_database_and_works_without_a_prior_refresh(db, store):
    resolved = resolve_scope(store, "chinook", None, [])
    assert len(resolved.tables) == TABLE_COUNT and resolved.column_count == COLUMN_COUNT


def test_table_and_column_paths_resolve_to_those_only(db, store):
    resolved = resolve_scope(store, "chinook", None, ["main.Album", "main.Track.Name", "main.Track.Composer"])
    by_name = {t.name: t for t in resolved.tables}
    assert set(by_name) == {"Album", "Track"}
    assert by_name["Album"].selected is None and len(by_name["Album"].columns_in_scope) == 3
    assert by_name["Track"].selected == ("Composer", "Name")
    assert [c.name for c in by_name["Track"].columns_in_scope] == ["Name", "Composer"]
    assert by_name["Track"].columns[2].fk_target == "main.Album.AlbumId"


def test_a_scoped_table_that_is_gone_fails_naming_it_and_records_the_removal(db, store):
    refresh_catalog(store, "chinook", now=T0)
    db.drop_table("playlist_track")
    with pytest.raises(ActionError) as err:
        resolve_scope(store, "chinook", None, ["main.PlaylistTrack", "main.Album"], now=T0)
    assert err.value.message == "scope: table main.PlaylistTrack does not exist in database main"
    assert [(c.kind, c.path) for c in list_changes(store, "chinook")] == [("table_removed", "main.PlaylistTrack")]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("main.orders", "scope: table main.orders does not exist in database main"),
        ("sales", "scope: schema sales does not exist in database main"),
        ("main.Album.Price", "scope: column main.Album.Price does not exist in database main"),
    ],
)
def test_a_scoped_entity_that_never_existed_fails_naming_it(db, store, path, message):
    with pytest.raises(ActionError) as err:
        resolve_scope(store, "chinook", None, [path])
    assert err.value.message == message


class Sink:
    def __init__(self) -> None:
        self.updates: list[dict] = []
        self.lines: list[str] = []

    def update(self, **counts: int) -> None:
        self.updates.append(counts)

    def log(self, line: str) -> None:
        self.lines.append(line)


def _context(store, schedule, sink) -> RunContext:
    return RunContext(
        store=store, run_id=1, schedule=schedule, reason="time", now=T0, sink=sink, cancel_event=threading.Event()
    )


def _refresh_schedule(store, scope=(), profile="chinook", verify=True):
    return create_schedule(
        store,
        ScheduleInput(
            name=f"refresh {profile} {','.join(scope) or 'all'}",
            at="2031-06-01 09:00",
            tz="UTC",
            db_profile=profile,
            kind="cache_refresh",
            scope=scope,
        ),
        now=T0,
        verify=verify,
    )


def test_executor_refreshes_the_scope_with_progress(db, store):
    sink = Sink()
    outcome = run_cache_refresh(_context(store, _refresh_schedule(store, ("main",)), sink))
    assert outcome.ok, outcome.error
    assert sink.updates[0] == {"tables_planned": TABLE_COUNT, "tables_done": 0}
    assert sink.updates[-1] == {"tables_planned": TABLE_COUNT, "tables_done": TABLE_COUNT}
    assert f"{TABLE_COUNT} tables, {COLUMN_COUNT} columns" in outcome.note


def test_executor_logs_changes_and_fails_clearly(db, store):
    schedule = _refresh_schedule(store, ("main",))
    run_cache_refresh(_context(store, schedule, Sink()))
    db.add_column("artist", "country", "TEXT")
    sink = Sink()
    assert run_cache_refresh(_context(store, schedule, sink)).ok
    assert "column_added main.Artist.Country (TEXT)" in sink.lines

    db.drop_table("artist")
    missing = _refresh_schedule(store, ("main.Nope",), verify=False)  # saved offline: the run finds it missing
    outcome = run_cache_refresh(_context(store, missing, Sink()))
    assert outcome == type(outcome)(ok=False, error="scope: table main.Nope does not exist in database main")


def test_executor_cancel_and_transient_errors(db, store):
    ctx = _context(store, _refresh_schedule(store), Sink())
    ctx.cancel_event.set()
    with pytest.raises(RunCancelled):
        run_cache_refresh(ctx)
    add_db_profile(store, name="down", url="postgresql+psycopg://amx@127.0.0.1:9/nowhere")
    with pytest.raises(TransientError, match="cannot connect to"):
        run_cache_refresh(_context(store, _refresh_schedule(store, profile="down"), Sink()))


def test_bad_scope_syntax_is_bad_input(db, store):
    with pytest.raises(ValidationError) as err:
        resolve_scope(store, "chinook", None, ['main."unclosed'])
    assert err.value.field == "scope"
