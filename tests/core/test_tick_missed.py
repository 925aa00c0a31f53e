"""A machine asleep for three days, simulated with `amx-tick --now`: the missed policies of docs/ARCHITECTURE.md §5.7.

Hourly, daily and one-shot schedules were due from Monday 09:00 UTC; the next tick runs
Thursday 09:30. Every missed slot lands in the ledger once; `ask` shows one Missed, `run`
fires exactly one catch-up, `skip` moves on to the next slot (a one-shot is Cancelled).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import select
from tick_support import add_schedule, ok_analyze, profiles, utc  # noqa: F401 (fixture)

from amx_core.models import MissedSlot, Run
from amx_core.services.schedules import get_schedule
from amx_core.tick.entry import main as tick_main
from amx_core.tick.heartbeat import record_heartbeat

ASLEEP_FROM = utc(2027, 3, 1, 9, 0)
WAKE = utc(2027, 3, 4, 9, 30)
EXPECTED_SLOTS = {"hourly": 73, "daily": 4, "once": 1}  # 1 Mon 09:00 .. 4 Thu 09:00


pytestmark = pytest.mark.usefixtures("ok_analyze")


def _sleepy_store(store, policy: str) -> dict[str, int]:
    profiles(store)
    return {
        "hourly": add_schedule(store, "hourly", ASLEEP_FROM, cadence="0 * * * *", policy=policy),
        "daily": add_schedule(store, "daily", ASLEEP_FROM, cadence="0 9 * * *", policy=policy, tz="UTC"),
        "once": add_schedule(store, "once", ASLEEP_FROM, policy=policy),
    }


def _tick(capsys, now, *extra) -> dict:
    assert tick_main(["--now", now.isoformat(), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def _ledger(store) -> list[MissedSlot]:
    with store.session() as session:
        return list(session.exec(select(MissedSlot).order_by(MissedSlot.schedule_id, MissedSlot.slot_utc)).all())


def _runs(store) -> list[Run]:
    with store.session() as session:
        return list(session.exec(select(Run).order_by(Run.id)).all())


def _ledger_counts(store, ids) -> dict[str, int]:
    by_id = Counter(m.schedule_id for m in _ledger(store))
    return {name: by_id[sid] for name, sid in ids.items()}


def test_policy_ask_marks_missed_once_and_records_every_slot(store, capsys):
    ids = _sleepy_store(store, "ask")
    report = _tick(capsys, WAKE)
    assert sorted(report["missed"]) == sorted(ids.values())
    assert report["fired"] == [] and report["runs"] == []
    assert _ledger_counts(store, ids) == EXPECTED_SLOTS
    assert {m.action for m in _ledger(store)} == {"ask"}
    for sid in ids.values():
        assert get_schedule(store, sid).status == "missed"
    assert _runs(store) == []

    again = _tick(capsys, WAKE + timedelta(minutes=5))
    assert again["missed"] == [] and again["fired"] == []
    assert _ledger_counts(store, ids) == EXPECTED_SLOTS  # one Missed, not one per pass


def test_policy_run_fires_exactly_one_catch_up(store, capsys):
    ids = _sleepy_store(store, "run")
    report = _tick(capsys, WAKE)
    assert sorted(report["fired"]) == sorted(ids.values())
    runs = _runs(store)
    assert sorted((r.schedule_id, r.reason, r.status) for r in runs) == sorted(
        (sid, "catch-up", "completed") for sid in ids.values()
    )
    slots = {r.schedule_id: r.occurrence_utc for r in runs}
    assert slots[ids["hourly"]] == utc(2027, 3, 4, 9) and slots[ids["daily"]] == utc(2027, 3, 4, 9)
    assert slots[ids["once"]] == ASLEEP_FROM
    assert _ledger_counts(store, ids) == EXPECTED_SLOTS
    assert {m.action for m in _ledger(store)} == {"run"}

    hourly, daily, once = (get_schedule(store, ids[k]) for k in ("hourly", "daily", "once"))
    assert (hourly.status, hourly.next_fire_utc) == ("pending", utc(2027, 3, 4, 10))
    assert (daily.status, daily.next_fire_utc) == ("pending", utc(2027, 3, 5, 9))
    assert (once.status, once.next_fire_utc) == ("completed", None)

    again = _tick(capsys, WAKE + timedelta(minutes=5))
    assert again["fired"] == [] and len(_runs(store)) == 3  # not a flood


def test_policy_skip_moves_to_the_next_slot(store, capsys):
    ids = _sleepy_store(store, "skip")
    report = _tick(capsys, WAKE)
    assert report["fired"] == [] and sorted(report["missed"]) == sorted(ids.values())
    assert _runs(store) == []
    assert _ledger_counts(store, ids) == EXPECTED_SLOTS
    assert {m.action for m in _ledger(store)} == {"skip"}
    hourly, daily, once = (get_schedule(store, ids[k]) for k in ("hourly", "daily", "once"))
    assert (hourly.status, hourly.next_fire_utc) == ("pending", utc(2027, 3, 4, 10))
    assert (daily.status, daily.next_fire_utc) == ("pending", utc(2027, 3, 5, 9))
    assert (once.status, once.next_fire_utc) == ("cancelled", None)
    assert "skipped by policy" in once.last_error


def test_ledger_says_why_no_tick_ran_or_daemon_not_loaded(store, capsys):
    ids = _sleepy_store(store, "ask")
    record_heartbeat(store, at=ASLEEP_FROM - timedelta(minutes=1), duration_ms=3.0, host="h", pid=1)
    _tick(capsys, WAKE)
    assert {m.reason for m in _ledger(store)} == {"no tick ran"}
    assert {m.detected_at for m in _ledger(store)} == {WAKE}
    assert len(ids) == 3


def test_first_tick_ever_blames_the_daemon(store, capsys):
    _sleepy_store(store, "ask")
    _tick(capsys, WAKE)
    assert {m.reason for m in _ledger(store)} == {"daemon not loaded"}


def test_grace_window_is_ten_minutes(store, capsys):
    profiles(store)
    on_time = add_schedule(store, "nine-late", utc(2027, 3, 1, 9, 0), cadence="0 9 * * *")
    late = add_schedule(store, "eleven-late", utc(2027, 3, 1, 8, 58), cadence="58 8 * * *")
    report = _tick(capsys, utc(2027, 3, 1, 9, 9))
    assert report["fired"] == [on_time] and report["missed"] == [late]
    assert get_schedule(store, late).status == "missed"


def test_a_fresh_slot_after_a_sleep_fires_on_time_under_run(store, capsys):
    profiles(store)
    sid = add_schedule(store, "hourly", ASLEEP_FROM, cadence="0 * * * *", policy="run")
    _tick(capsys, utc(2027, 3, 1, 12, 5))  # 09:00, 10:00, 11:00 late; 12:00 within grace
    runs = _runs(store)
    assert [(r.reason, r.occurrence_utc) for r in runs] == [("time", utc(2027, 3, 1, 12))]
    assert len(_ledger(store)) == 3
    assert get_schedule(store, sid).next_fire_utc == utc(2027, 3, 1, 13)


def test_slots_passed_during_a_long_run_go_through_the_missed_logic(store, capsys):
    profiles(store)
    sid = add_schedule(store, "hourly", ASLEEP_FROM, cadence="0 * * * *", policy="skip")
    _tick(capsys, ASLEEP_FROM)
    with store.session() as session:  # pretend that run took 3.5 hours
        run = session.exec(select(Run)).one()
        run.ended_at = ASLEEP_FROM + timedelta(hours=3, minutes=30)
        session.add(run)
    assert get_schedule(store, sid).next_fire_utc == utc(2027, 3, 1, 10)
    _tick(capsys, ASLEEP_FROM + timedelta(hours=3, minutes=30))
    ledger = _ledger(store)
    assert [m.slot_utc.hour for m in ledger] == [10, 11, 12]
    assert {m.reason for m in ledger} == {"previous run still running"}
    assert get_schedule(store, sid).next_fire_utc == utc(2027, 3, 1, 13)
