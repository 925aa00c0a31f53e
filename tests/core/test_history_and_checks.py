"""`services.history` (runs and missed ledger, merged newest first) and `services.profile_checks` (connection tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from amx_core.models import MissedSlot, Run
from amx_core.services.history import schedule_history
from amx_core.services.profile_checks import check_db_profile, check_llm_profile
from amx_core.services.profiles import SecretSource, add_db_profile, add_llm_profile
from amx_core.services.schedules import ScheduleInput, create_schedule, delete_schedule

T = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


def _schedule(store, name):
    return create_schedule(
        store, ScheduleInput(name=name, at="2027-03-05 10:00", tz="UTC", db_profile="db", llm_profile="llm"), now=T
    )


def _seed(store):
    add_db_profile(store, name="db", url="sqlite:///nowhere.db")
    add_llm_profile(store, name="llm", provider="heuristic")
    first, second = _schedule(store, "first"), _schedule(store, "second")
    with store.write_session() as s:
        for hours, schedule in ((1, first), (3, first), (2, second)):
            s.add(
                Run(
                    schedule_id=schedule.id,
                    schedule_name=schedule.name,
                    reason="time",
                    status="completed",
                    started_at=T - timedelta(hours=hours),
                    ended_at=T - timedelta(hours=hours, minutes=-2),
                    log="line one\nline two\n",
                )
            )
        s.add(
            MissedSlot(
                schedule_id=first.id, slot_utc=T - timedelta(hours=2), detected_at=T, reason="no tick ran", action="ask"
            )
        )
    return first, second


def test_a_schedules_runs_and_missed_slots_merge_newest_first(store):
    first, _second = _seed(store)
    history = schedule_history(store, first.id)
    assert history.schedule_name == "first"
    assert [(e.kind, e.at) for e in history.entries] == [
        ("run", T - timedelta(hours=1)),
        ("missed", T - timedelta(hours=2)),
        ("run", T - timedelta(hours=3)),
    ]
    assert [e.key for e in history.entries][1] == f"missed-{history.missed[0].id}"
    assert history.runs[0].log_lines == () and history.running == ()  # the list carries no log
    assert history.missed[0].to_json()["reason"] == "no tick ran"
    assert len(schedule_history(store, first.id, limit=2).entries) == 2


def test_every_schedules_history_names_them_and_keeps_deleted_ones(store):
    first, second = _seed(store)
    delete_schedule(store, second.id)
    everything = schedule_history(store)
    assert everything.schedule_id is None and len(everything.entries) == 4
    assert {e.run.schedule_name for e in everything.entries if e.run} == {"first", "second"}
    assert everything.missed[0].schedule_name == "first"
    gone = schedule_history(store, second.id)
    assert gone.schedule_name == "second" and len(gone.runs) == 1  # runs outlive their schedule


def test_db_check_lists_databases_or_says_why_not(store, tmp_path, monkeypatch):
    import sqlite3

    path = tmp_path / "t.db"
    sqlite3.connect(path).close()
    add_db_profile(store, name="ok", url=f"sqlite:///{path}")
    add_db_profile(store, name="missing", url=f"sqlite:///{tmp_path / 'nope.db'}")
    add_db_profile(
        store, name="pg", url="postgresql+psycopg://amx@127.0.0.1:1/x", password=SecretSource(env="AMX_T_PW")
    )
    assert check_db_profile(store, "ok").to_json() == {
        "ok": True,
        "message": f"connected to sqlite:///{path}: 1 database",
        "details": ["database: main (the SQLite file)"],
    }
    missing = check_db_profile(store, "missing")
    assert not missing.ok and "no such file" in missing.message and not (tmp_path / "nope.db").exists()
    monkeypatch.delenv("AMX_T_PW", raising=False)
    unset = check_db_profile(store, "pg")
    assert not unset.ok and "env:AMX_T_PW is not set" in unset.message
    assert unset.details == ("url: postgresql+psycopg://amx@127.0.0.1:1/x", "password: env:AMX_T_PW (value hidden)")
    monkeypatch.setenv("AMX_T_PW", "pw-value-123")
    refused = check_db_profile(store, "pg")
    assert not refused.ok and "amx:***@127.0.0.1:1" in refused.message and "pw-value-123" not in refused.message
    assert check_db_profile(store, "unknown").message == "no DB profile named 'unknown'"


def test_llm_check_of_the_offline_provider_and_an_unknown_name(store):
    add_llm_profile(store, name="offline", provider="heuristic")
    result = check_llm_profile(store, "offline")
    assert result.ok and "offline" in result.message and result.details == ("provider: heuristic",)
    assert not check_llm_profile(store, "nope").ok
