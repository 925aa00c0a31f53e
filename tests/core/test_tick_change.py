"""Change-triggered schedules: the catalog poll arms them (next_fire_utc); the tick fires them once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tick_support import add_schedule, ok_analyze, profiles, utc  # noqa: F401 (fixture)

from amx_core.models import CatalogChange, CatalogState, Schedule
from amx_core.services.runs import list_runs
from amx_core.services.schedules import get_schedule
from amx_core.tick.passes import run_pass

T = utc(2027, 3, 1, 9, 0)
pytestmark = pytest.mark.usefixtures("ok_analyze")


def test_armed_change_schedule_fires_once_and_waits_for_the_next_change(store):
    profiles(store)
    sid = add_schedule(store, "on-change", None, trigger="change")
    seen = T - timedelta(minutes=15)
    with store.session() as session:
        session.add(CatalogState(profile_id=1, database="", next_check_utc=T + timedelta(hours=12)))  # no refresh due
        session.add(CatalogChange(profile_id=1, database="", kind="column_added", path="main.orders.note", at=seen))
        row = session.get(Schedule, sid)
        row.change_seen_utc, row.next_fire_utc = seen, T  # armed by the poll: settled 15 minutes after the change
        session.add(row)

    report = run_pass(store, now=T + timedelta(hours=3))  # late, but a change fire is never "missed"
    assert report.fired == (sid,) and report.missed == () and report.errors == ()
    assert [(r.reason, r.occurrence_utc) for r in list_runs(store, schedule_id=sid)] == [("change", T)]
    view = get_schedule(store, sid)
    assert (view.status, view.next_fire_utc, view.last_fire_utc) == ("pending", None, T)
    with store.session() as session:
        row = session.get(Schedule, sid)
        assert row.change_seen_utc is None and row.change_watermark == 1  # the run consumed the change
    assert run_pass(store, now=T + timedelta(hours=3, minutes=1)).fired == ()
