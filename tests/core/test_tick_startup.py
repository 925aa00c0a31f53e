"""The startup check of `amx`/`amx-tui`: reports missed schedules and recovered runs, fires nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from tick_support import add_schedule, ok_analyze, profiles, utc  # noqa: F401 (fixture)

from amx_core.models import MissedSlot, Run
from amx_core.services.schedules import get_schedule
from amx_core.services.startup import startup_report
from amx_core.tick.claims import claim_run_now
from amx_core.tick.passes import run_pass

T = utc(2027, 3, 4, 9, 30)


pytestmark = pytest.mark.usefixtures("ok_analyze")


def _runs(store):
    with store.session() as session:
        return list(session.exec(select(Run)).all())


def test_startup_reports_missed_and_recovered_without_firing(store):
    profiles(store)
    asked = add_schedule(store, "asked", utc(2027, 3, 1, 9), cadence="0 9 * * *")
    caught = add_schedule(store, "caught", utc(2027, 3, 1, 9), cadence="0 9 * * *", policy="run")
    dying = add_schedule(store, "dying", utc(2027, 3, 5, 9), cadence="0 9 * * *")
    claim = claim_run_now(store, dying, utc(2027, 3, 4, 9), host="h", pid=1)

    report = startup_report(store, T)
    assert [v.id for v in report.missed] == [asked]
    assert report.recovered == [claim.run_id]
    assert [r.status for r in _runs(store)] == ["failed"]  # the recovered one; nothing fired
    with store.session() as session:
        assert len(session.exec(select(MissedSlot).where(MissedSlot.schedule_id == caught)).all()) == 4
    notice = report.notice()
    assert notice.startswith("amx: 1 missed schedule(s) (#1 asked)") and f"run {claim.run_id}" in notice

    assert get_schedule(store, caught).status == "pending"  # its one catch-up is armed for the tick
    fired = run_pass(store, now=T + timedelta(minutes=1))
    assert fired.fired == (caught,)
    assert [r.reason for r in _runs(store) if r.schedule_id == caught] == ["catch-up"]


def test_quiet_startup_says_nothing(store):
    profiles(store)
    add_schedule(store, "later", utc(2027, 3, 5, 9))
    report = startup_report(store, T)
    assert report.missed == [] and report.recovered == [] and report.notice() is None
