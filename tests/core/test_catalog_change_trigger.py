"""Change-triggered schedules: a throttle with a settle period (docs/ARCHITECTURE.md §5.9; time moved, not slept)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from chinook import ChinookDb

from amx_core.catalog.changes import changes_in_scope
from amx_core.catalog.polling import catalog_due, poll_due_catalogs
from amx_core.catalog.refresh import refresh_catalog
from amx_core.catalog.watermark import change_fire_time
from amx_core.models import Schedule
from amx_core.services.profiles import add_db_profile
from amx_core.services.schedules import ScheduleInput, create_schedule, get_schedule, pause_schedule

T0 = datetime(2031, 5, 1, 8, 0, tzinfo=UTC)
STEP = timedelta(minutes=15)
H = timedelta(hours=1)


@pytest.fixture
def db(chinook_sqlite, store) -> ChinookDb:
    add_db_profile(store, name="chinook", url=chinook_sqlite)
    return ChinookDb("sqlite", chinook_sqlite)


def _change_schedule(store, name="watch", scope=("main",), cap=6.0) -> int:
    view = create_schedule(
        store,
        ScheduleInput(
            name=name, trigger="change", cap_hours=cap, db_profile="chinook", kind="cache_refresh", scope=scope
        ),
        now=T0,
    )
    return view.id


def _fire_like_the_tick(store, schedule_id: int, now: datetime) -> None:
    """What the tick does to a change schedule it claimed at `now` and ran to completion (docs/ARCHITECTURE.md §5.9):
    the run consumed every change event the catalog held (its watermark)."""
    table = Schedule.__table__
    with store.session() as s:
        newest = s.connection().execute(sa.text("SELECT max(id) FROM catalog_change")).scalar() or 0
        s.connection().execute(
            sa.update(table)
            .where(table.c.id == schedule_id)
            .values(
                change_seen_utc=None, next_fire_utc=None, last_fire_utc=now, status="pending", change_watermark=newest
            )
        )


def _run_clock(store, db, schedule_id, start, end, ddl_at: dict) -> list[datetime]:
    """Advance in 15-minute steps: apply the DDL due at each step, poll, and fire when due; return the fire times."""
    fires = []
    now = start
    while now <= end:
        if now in ddl_at:
            ddl_at[now]()
        poll_due_catalogs(store, now)
        due = get_schedule(store, schedule_id).next_fire_utc
        if due is not None and due <= now:
            fires.append(now)
            _fire_like_the_tick(store, schedule_id, now)
        now += STEP
    return fires


def test_six_hour_cap_throttles_changes_after_a_fire_and_settles_the_first(db, store):
    sid = _change_schedule(store)
    ddl = {
        T0 + 1 * H: lambda: db.add_column("artist", "country", "TEXT"),
        T0 + 2 * H: lambda: db.add_column("genre", "origin", "TEXT"),
        T0 + 3 * H: lambda: db.drop_table("playlist_track"),
    }
    fires = _run_clock(store, db, sid, T0, T0 + 14 * H, ddl)
    # the first change after a quiet period fires once it settled (15 min); the next two wait for the cap
    # after that fire and are covered by one run
    assert fires == [T0 + 1 * H + STEP, T0 + 7 * H + STEP]
    after = get_schedule(store, sid)
    assert after.next_fire_utc is None and after.last_fire_utc == T0 + 7 * H + STEP  # waits for the next change

    later = {T0 + 15 * H: lambda: db.add_column("album", "label", "TEXT")}
    assert _run_clock(store, db, sid, T0 + 15 * H, T0 + 15 * H, later) == []
    armed = get_schedule(store, sid)
    assert armed.next_fire_utc == T0 + 15 * H + STEP  # the cap since the last fire is over: settle only


def test_the_first_poll_is_a_baseline_and_polls_follow_the_interval(db, store):
    sid = _change_schedule(store)
    assert catalog_due(store, T0)
    first = poll_due_catalogs(store, T0)
    assert first.refreshed == ("chinook/main",) and first.changes == 0 and first.armed == ()
    assert not catalog_due(store, T0 + 5 * timedelta(minutes=1))
    db.add_column("artist", "country", "TEXT")
    early = poll_due_catalogs(store, T0 + timedelta(minutes=5))
    assert early.refreshed == ()  # not due yet: the change waits for the next check
    assert get_schedule(store, sid).next_fire_utc is None
    assert catalog_due(store, T0 + STEP)
    due = poll_due_catalogs(store, T0 + STEP)
    assert due.changes == 1 and due.armed == (sid,)
    assert get_schedule(store, sid).next_fire_utc == T0 + STEP + STEP  # seen at T0+15min, settled 15 min later


def test_changes_outside_the_scope_do_not_arm(db, store):
    sid = _change_schedule(store, scope=("main.Artist",))
    poll_due_catalogs(store, T0)
    db.add_column("genre", "origin", "TEXT")
    refresh_catalog(store, "chinook", now=T0 + H)  # someone refreshes the whole catalog and sees it
    poll_due_catalogs(store, T0 + H)
    assert changes_in_scope(store, sid, T0) == []
    assert get_schedule(store, sid).next_fire_utc is None
    db.add_column("artist", "country", "TEXT")
    report = poll_due_catalogs(store, T0 + 2 * H)
    assert report.armed == (sid,)
    assert [(c.kind, c.path) for c in changes_in_scope(store, sid, T0)] == [("column_added", "main.Artist.Country")]


def test_dropping_a_scoped_table_concerns_a_column_scope(db, store):
    sid = _change_schedule(store, scope=("main.PlaylistTrack.TrackId",))
    poll_due_catalogs(store, T0)
    db.drop_table("playlist_track")
    poll_due_catalogs(store, T0 + H)
    assert [(c.kind, c.path) for c in changes_in_scope(store, sid, T0)] == [("table_removed", "main.PlaylistTrack")]


def test_paused_schedules_are_not_armed(db, store):
    sid = _change_schedule(store)
    poll_due_catalogs(store, T0)
    pause_schedule(store, sid, now=T0)
    db.add_column("artist", "country", "TEXT")
    report = poll_due_catalogs(store, T0 + H)
    assert report.refreshed == () and report.armed == ()  # nobody watches while paused


def test_a_failing_catalog_is_reported_and_checked_again_after_the_interval(db, store, tmp_path):
    add_db_profile(store, name="gone", url=f"sqlite:///{tmp_path / 'missing.sqlite'}")
    create_schedule(
        store, ScheduleInput(name="w2", trigger="change", cap_hours=1, db_profile="gone", kind="cache_refresh"), now=T0
    )
    report = poll_due_catalogs(store, T0)
    assert len(report.errors) == 1 and "no such file" in report.errors[0]
    assert poll_due_catalogs(store, T0 + timedelta(minutes=1)).errors == ()


@pytest.mark.parametrize(
    ("seen_h", "last_h", "cap", "settle_min", "expected_h"),
    [
        (1, None, 6, 15, 1.25),  # first change ever: it settles, then fires
        (10, 7, 6, 15, 13),  # a change 3 h after a fire waits for the cap
        (14, 7, 6, 15, 14.25),  # a change after the cap ran out only settles
        (5, 7, 6, 15, 13),  # a change still pending from before a fire waits a whole cap after that fire
        (3, None, 0.5, 0, 3),  # settle 0: the first tick after it was seen
    ],
)
def test_change_fire_time(seen_h, last_h, cap, settle_min, expected_h):
    seen = T0 + seen_h * H
    last = T0 + last_h * H if last_h is not None else None
    assert change_fire_time(seen, last, cap, settle_min) == T0 + timedelta(hours=expected_h)
