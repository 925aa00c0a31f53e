"""Schedule services on both store backends: lifecycle, state machine, versions, time rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from amx_core.errors import ConflictError, NotFoundError, ValidationError
from amx_core.services import schedules as svc
from amx_core.services.profiles import add_db_profile, add_llm_profile
from amx_core.services.schedules import ScheduleInput

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def ready(any_store):
    add_db_profile(any_store, name="shop", url="postgresql://amx@db.example/shop")
    add_llm_profile(any_store, name="offline", provider="heuristic")
    return any_store


def _create(store, **kw):
    base = dict(name="nightly", at="2026-12-01 02:00", tz="Europe/Berlin", db_profile="shop", llm_profile="offline")
    base.update(kw)
    # db.example is no real server: these schedules are saved offline (the catalog checks: test_schedule_verify.py)
    return svc.create_schedule(store, ScheduleInput(**base), now=NOW, verify=False)


def test_create_one_shot_stores_utc_and_zone(ready):
    view = _create(ready, scope=("public.users", "public.orders", "sales"))
    assert view.status == "pending"
    assert view.fire_at_utc == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert view.next_fire_utc == view.fire_at_utc
    assert view.next_fire_local.isoformat() == "2026-12-01T02:00:00+01:00"
    assert view.scope == ("public.users", "public.orders", "sales")
    assert view.scope_summary == "public.users, public.orders +1"
    assert view.version == 1
    again = svc.get_schedule(ready, view.id)
    assert again == view


def test_scope_mix_is_stored_losslessly(ready):
    view = _create(ready, scope=('"my.schema"', "public.orders", 'odd."Table ""x"""'))
    assert svc.get_schedule(ready, view.id).scope == ('"my.schema"', "public.orders", 'odd."Table ""x"""')


def test_past_and_gap_times_are_rejected(ready):
    with pytest.raises(ValidationError) as past:
        _create(ready, at="2026-11-01 09:00")
    assert past.value.field == "at" and "past" in past.value.message
    with pytest.raises(ValidationError) as gap:
        _create(ready, at="2027-03-28 02:30")
    assert gap.value.field == "at" and "does not exist" in gap.value.message


def test_ambiguous_time_takes_first_occurrence(ready):
    view = _create(ready, at="2027-10-31 02:30")
    assert view.fire_at_utc == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # still CEST (+02:00)


def test_recurring_next_fire_follows_cadence(ready):
    view = _create(ready, cron="0 2 * * *")
    assert view.next_fire_utc == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert view.cadence_text and "02:00" in view.cadence_text


def test_pause_resume_and_noop(ready):
    view = _create(ready, cron="0 2 * * *")
    paused = svc.pause_schedule(ready, view.id, now=NOW)
    assert paused.status == "paused" and paused.version == 2
    again = svc.pause_schedule(ready, view.id, now=NOW)
    assert again.version == 2  # no-op
    resumed = svc.resume_schedule(ready, view.id, now=NOW)
    assert resumed.status == "pending" and resumed.next_fire_utc == view.next_fire_utc


def test_resume_after_time_passed(ready):
    one_shot = _create(ready, name="once")
    recurring = _create(ready, name="daily", cron="0 2 * * *")
    for v in (one_shot, recurring):
        svc.pause_schedule(ready, v.id, now=NOW)
    later = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert svc.resume_schedule(ready, one_shot.id, now=later).status == "missed"
    r = svc.resume_schedule(ready, recurring.id, now=later)
    assert r.status == "pending"
    assert r.next_fire_utc == datetime(2026, 12, 4, 1, 0, tzinfo=UTC)
    from sqlmodel import select

    from amx_core.models import MissedSlot

    with ready.session() as s:
        slots = s.exec(select(MissedSlot).where(MissedSlot.schedule_id == recurring.id)).all()
        assert sorted(x.slot_utc.day for x in slots) == [1, 2, 3]
        assert {x.reason for x in slots} == {"paused"}


def test_skip_missed_one_shot_and_recurring(ready):
    once = _create(ready, name="once")
    daily = _create(ready, name="daily", cron="0 2 * * *")
    for v in (once, daily):
        svc.pause_schedule(ready, v.id, now=NOW)
    later = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    svc.resume_schedule(ready, once.id, now=later)
    assert svc.skip_schedule(ready, once.id, now=later).status == "cancelled"
    with pytest.raises(ConflictError):
        svc.skip_schedule(ready, daily.id, now=later)  # pending, not missed


def test_edit_bumps_version_and_refuses_stale(ready):
    view = _create(ready)
    edited = svc.edit_schedule(ready, view.id, ScheduleInput(name="renamed"), expected_version=1, now=NOW)
    assert edited.name == "renamed" and edited.version == 2
    with pytest.raises(ConflictError) as stale:
        svc.edit_schedule(ready, view.id, ScheduleInput(review="auto"), expected_version=1, now=NOW)
    assert stale.value.field == "version"
    assert svc.get_schedule(ready, view.id).review == "manual"


def test_statistics_are_off_by_default_and_an_analyze_schedules_choice(ready):
    view = _create(ready)
    assert view.with_statistics is False and view.to_json()["with_statistics"] is False
    on = svc.edit_schedule(ready, view.id, ScheduleInput(with_statistics=True), now=NOW)
    assert on.with_statistics is True and on.to_json()["with_statistics"] is True and on.version == 2
    kept = svc.edit_schedule(ready, view.id, ScheduleInput(review="auto"), now=NOW)
    assert kept.with_statistics is True
    assert svc.edit_schedule(ready, view.id, ScheduleInput(with_statistics="no"), now=NOW).with_statistics is False
    assert _create(ready, name="dated", with_statistics="yes").with_statistics is True
    with pytest.raises(ValidationError) as bad:
        _create(ready, name="unsure", with_statistics="maybe")
    assert bad.value.field == "with-statistics" and str(bad.value) == "with-statistics: 'maybe' is not yes or no"
    with pytest.raises(ValidationError) as refresh:
        _create(ready, name="refresh", kind="cache_refresh", with_statistics=True)
    assert refresh.value.field == "with-statistics"
    assert svc.edit_schedule(ready, view.id, ScheduleInput(kind="cache_refresh"), now=NOW).with_statistics is False
    assert [v.name for v in svc.list_schedules(ready)] == ["dated", "nightly"]


def test_edit_zone_keeps_wall_time(ready):
    view = _create(ready)
    moved = svc.edit_schedule(ready, view.id, ScheduleInput(tz="America/New_York"), now=NOW)
    assert moved.next_fire_local.strftime("%Y-%m-%d %H:%M") == "2026-12-01 02:00"
    assert moved.next_fire_utc == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


def test_edit_refused_while_running(ready):
    view = _create(ready)
    from amx_core.models import Schedule

    with ready.session() as s:
        row = s.get(Schedule, view.id)
        row.status = "running"
        row.running_since = NOW
    with pytest.raises(ConflictError) as info:
        svc.edit_schedule(ready, view.id, ScheduleInput(name="x"), now=NOW)
    assert "running since" in info.value.message
    with pytest.raises(ConflictError):
        svc.delete_schedule(ready, view.id)


def test_change_trigger_needs_cap(ready):
    with pytest.raises(ValidationError) as info:
        svc.create_schedule(
            ready, ScheduleInput(name="c", trigger="change", db_profile="shop", llm_profile="offline"), now=NOW
        )
    assert info.value.field == "cap-hours"
    view = svc.create_schedule(
        ready,
        ScheduleInput(name="c", trigger="change", cap_hours="6", db_profile="shop", llm_profile="offline"),
        now=NOW,
    )
    assert view.cap_hours == 6 and view.next_fire_utc is None and view.fire_at_utc is None


def test_list_filters_and_counts(ready):
    a = _create(ready, name="a")
    b = _create(ready, name="b")
    _create(ready, name="c")
    svc.pause_schedule(ready, b.id, now=NOW)
    svc.cancel_schedule(ready, a.id, now=NOW)
    assert [v.name for v in svc.list_schedules(ready, statuses=("paused",))] == ["b"]
    assert {v.name for v in svc.list_schedules(ready, statuses=("pending", "cancelled"))} == {"a", "c"}
    counts = svc.status_counts(ready)
    assert counts["pending"] == 1 and counts["paused"] == 1 and counts["cancelled"] == 1


def test_delete_keeps_history_and_unknown_id(ready):
    view = _create(ready)
    svc.delete_schedule(ready, view.id)
    with pytest.raises(NotFoundError):
        svc.get_schedule(ready, view.id)


def test_duplicate_name_refused(ready):
    _create(ready)
    with pytest.raises(ConflictError) as info:
        _create(ready)
    assert info.value.field == "name"


def test_preview_lists_local_and_utc():
    fires = svc.preview("0 9 * * 1-5", "Asia/Kolkata", start=NOW, count=3)
    assert [f.local.strftime("%a %H:%M") for f in fires] == ["Fri 09:00", "Mon 09:00", "Tue 09:00"]
    assert fires[0].utc == datetime(2026, 11, 27, 3, 30, tzinfo=UTC)
