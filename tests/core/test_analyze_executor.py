"""The analyze executor on Chinook in SQLite with the heuristic provider: auto, manual, missing-only, scope."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from analyze_support import add_profiles, make_schedule, start_run
from chinook import COLUMN_COUNT, TABLE_COUNT
from sqlmodel import select

from amx_core.analyze.executor import run_analyze
from amx_core.execution.context import RunCancelled
from amx_core.models import LocalComment, WrittenMark
from amx_core.services.review import list_suggestions


def _local(store) -> dict[str, str]:
    with store.session() as s:
        return {r.target: r.text for r in s.exec(select(LocalComment))}


def _run(store, **kw):
    handle = start_run(store, make_schedule(store, **kw))
    return handle, run_analyze(handle.ctx)


@pytest.fixture
def chinook_store(store, chinook_sqlite):  # noqa: F811
    add_profiles(store, chinook_sqlite, concurrency=1)
    return store


def test_auto_applies_what_passes_the_policy_and_queues_the_rest(chinook_store):
    handle, outcome = _run(chinook_store, review="auto")
    assert outcome.ok, outcome
    counts = handle.sink.counts
    assert counts["tables_planned"] == counts["tables_done"] == TABLE_COUNT
    assert counts["columns_planned"] == counts["columns_described"] == COLUMN_COUNT
    assert counts["columns_applied"] + counts["columns_queued"] == COLUMN_COUNT
    assert counts["columns_applied"] > 40 and counts["columns_failed"] == 0
    views = list_suggestions(chinook_store, run_id=handle.run_id)
    assert len(views) == TABLE_COUNT + COLUMN_COUNT
    local = _local(chinook_store)
    for v in views:
        if v.state == "auto_applied":
            assert local[v.target] == v.proposed and v.applied_sql.startswith("-- AMX local catalog")
            assert v.band in ("medium", "high") and not v.flags
        else:
            assert v.state == "pending" and v.target not in local and v.note.startswith("queued: ")
    with chinook_store.session() as s:
        assert len(s.exec(select(WrittenMark)).all()) == len(local)
    assert "heuristic" in views[0].reason.lower()


def test_manual_writes_nothing(chinook_store):
    handle, outcome = _run(chinook_store, review="manual")
    assert outcome.ok and handle.sink.counts["columns_queued"] == COLUMN_COUNT
    assert handle.sink.counts["columns_applied"] == 0
    assert _local(chinook_store) == {}
    assert {v.state for v in list_suggestions(chinook_store, run_id=handle.run_id)} == {"pending"}


def test_parents_are_described_before_children(chinook_store):
    handle, _ = _run(chinook_store, review="manual")
    order = [line.split(":")[0] for line in handle.sink.lines[1:]]
    for child, parent in [
        ("main.Album", "main.Artist"),
        ("main.Track", "main.Album"),
        ("main.InvoiceLine", "main.Invoice"),
        ("main.Invoice", "main.Customer"),
        ("main.Customer", "main.Employee"),
    ]:
        assert order.index(parent) < order.index(child)


def test_missing_only_asks_only_what_is_missing_or_changed_and_never_replaces_a_persons_text(
    chinook_store, chinook_sqlite
):
    handle, _ = _run(chinook_store, review="auto", name="first")
    first = _local(chinook_store)
    states = {v.target: v.state for v in list_suggestions(chinook_store, run_id=handle.run_id)}
    person = "main.Artist.Name"
    assert states[person] == "auto_applied"
    with chinook_store.session() as s:
        row = s.exec(select(LocalComment).where(LocalComment.target == person)).one()
        row.text = "The artist's stage name, as printed on the sleeve."
        s.add(row)
    handle, outcome = _run(chinook_store, review="auto", name="second", scope=["main.Artist"])
    assert outcome.ok and "nothing to describe" in outcome.note
    assert list_suggestions(chinook_store, run_id=handle.run_id) == []  # nothing unchanged is asked again
    others = [states["main.Artist"], states["main.Artist.ArtistId"]]
    counts = handle.sink.counts
    assert (counts["skipped_described"], counts["skipped_unchanged"], counts["skipped_pending"]) == (
        1,
        others.count("auto_applied"),
        others.count("pending"),
    )
    assert counts["tables_planned"] == 0 and counts["tokens_in"] == 0
    with sa.create_engine(chinook_sqlite).begin() as conn:
        conn.exec_driver_sql("ALTER TABLE Artist ADD COLUMN Country VARCHAR(40)")
    handle, outcome = _run(chinook_store, review="auto", name="third", scope=["main.Artist"])
    assert [v.target for v in list_suggestions(chinook_store, run_id=handle.run_id)] == ["main.Artist.Country"]
    assert handle.sink.counts["columns_planned"] == 1
    assert _local(chinook_store)[person] == "The artist's stage name, as printed on the sleeve."
    handle, outcome = _run(chinook_store, review="auto", name="fourth", scope=["main.Artist"], missing_only=False)
    views = {v.target: v for v in list_suggestions(chinook_store, run_id=handle.run_id)}
    assert views[person].state == "pending" and views[person].note == "queued: a person wrote the current text"
    assert views[person].current == "The artist's stage name, as printed on the sleeve."
    assert _local(chinook_store)[person] == "The artist's stage name, as printed on the sleeve."
    assert views["main.Artist.ArtistId"].current == first["main.Artist.ArtistId"]  # AMX's own: asked again
    assert _local(chinook_store)["main.Artist.ArtistId"] == first["main.Artist.ArtistId"]


def test_column_scope_describes_only_those_columns(chinook_store):
    handle, outcome = _run(chinook_store, scope=["main.Album.Title", "main.Track.Composer"])
    assert outcome.ok
    assert [v.target for v in list_suggestions(chinook_store, run_id=handle.run_id)] in (
        ["main.Album.Title", "main.Track.Composer"],
        ["main.Track.Composer", "main.Album.Title"],
    )
    assert handle.sink.counts["columns_planned"] == 2


def test_a_missing_scope_entity_fails_the_run_naming_it(chinook_store):
    handle, outcome = _run(chinook_store, scope=["main.Album", "main.Nope"], verify=False)  # saved offline
    assert not outcome.ok and "Nope" in outcome.error
    assert list_suggestions(chinook_store, run_id=handle.run_id) == []


def test_nothing_to_do_is_a_success(chinook_store):
    _run(chinook_store, review="auto", name="first", scope=["main.Genre"])
    with chinook_store.session() as s:
        for row in s.exec(select(WrittenMark)):
            s.delete(row)  # now the texts count as a person's
    handle, outcome = _run(chinook_store, review="auto", name="second", scope=["main.Genre"])
    assert outcome.ok and "nothing to describe" in outcome.note
    assert handle.sink.counts.get("tables_planned", 0) == 0


def test_a_cancelled_run_stops_before_describing(chinook_store):
    handle = start_run(chinook_store, make_schedule(chinook_store))
    handle.ctx.cancel_event.set()
    with pytest.raises(RunCancelled):
        run_analyze(handle.ctx)
    assert list_suggestions(chinook_store, run_id=handle.run_id) == []


def test_an_unreachable_database_is_a_transient_failure(store):
    from amx_core.execution.context import TransientError

    add_profiles(store, "postgresql+psycopg://nobody@127.0.0.1:1/nowhere")
    handle = start_run(store, make_schedule(store))
    with pytest.raises(TransientError) as err:
        run_analyze(handle.ctx)
    assert "127.0.0.1:1" in str(err.value)
