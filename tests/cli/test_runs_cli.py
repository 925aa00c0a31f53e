"""`amx runs list|show` and `amx schedule run-now` end to end, with their --json shapes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from tick_support import Scripted, add_schedule, profiles, register_ok, utc

from amx_core.execution.context import RunOutcome
from amx_core.tick import registry
from amx_core.tick.claims import claim_run_now

T = utc(2027, 3, 1, 9, 0)
RUN_KEYS = {
    "id",
    "schedule_id",
    "schedule_name",
    "kind",
    "reason",
    "status",
    "attempt",
    "occurrence_utc",
    "started_at",
    "ended_at",
    "heartbeat_at",
    "retry_at",
    "duration_seconds",
    "host",
    "pid",
    "counts",
    "tokens",
    "error",
    "cancel_requested_at",
}


@pytest.fixture
def amx(store, cli_call):
    profiles(store)
    call = cli_call
    yield call
    registry.unregister("analyze")


def test_run_now_then_runs_list_and_show(store, amx):
    register_ok()
    sid = add_schedule(store, "nightly", utc(2027, 3, 2, 2), cadence="0 2 * * *")
    out = amx("schedule", "run-now", "nightly", "--now", T.isoformat()).output
    assert "progress: 1/1 tables" in out and "ok run-now" in out and out.strip().endswith("run 1 completed")

    listed = json.loads(amx("runs", "list", "--json").output)
    assert len(listed) == 1 and RUN_KEYS <= set(listed[0]) and "log" not in listed[0]
    assert listed[0]["reason"] == "run-now" and listed[0]["schedule_id"] == sid
    assert listed[0]["counts"]["tables_done"] == 1 and listed[0]["tokens"] == {"in": 0, "out": 0}

    shown = json.loads(amx("runs", "show", "1", "--json").output)
    assert shown["status"] == "completed" and shown["log"][0].endswith("ok run-now")
    text = amx("runs", "show", "1").output
    assert "reason" in text and "run-now" in text and "log:" in text

    table = amx("runs", "list", "--schedule", "nightly").output.splitlines()
    assert table[0].split()[:4] == ["ID", "SCHEDULE", "REASON", "STATUS"] and "1 nightly" in table[1]
    assert json.loads(amx("runs", "list", "--schedule", str(sid + 1), "--json").output) == []


def test_run_now_refused_while_running(store, amx):
    sid = add_schedule(store, "nightly", utc(2027, 3, 2, 2))
    claim_run_now(store, sid, T, host="h", pid=1)
    result = amx("schedule", "run-now", str(sid), code=2)
    assert "already running since 2027-03-01T09:00:00+00:00" in result.output


def test_failed_run_now_exits_1_and_shows_error(store, amx):
    registry.register("analyze", Scripted(RunOutcome(ok=False, error="scope entity public.gone no longer exists")))
    add_schedule(store, "nightly", utc(2027, 3, 2, 2))
    result = amx("schedule", "run-now", "nightly", "--json", "--now", T.isoformat(), code=1)
    body = json.loads(result.output)
    assert body["run"]["status"] == "failed" and body["run"]["error"].startswith("scope entity public.gone")


def test_runs_cancel_records_the_request_and_refuses_runs_that_are_not_running(store, amx):
    sid = add_schedule(store, "nightly", utc(2027, 3, 2, 2))
    claim = claim_run_now(store, sid, T, host="h", pid=1)
    body = json.loads(amx("runs", "cancel", str(claim.run_id), "--json").output)
    assert RUN_KEYS <= set(body) and body["status"] == "running" and body["cancel_requested_at"]
    again = json.loads(amx("runs", "cancel", str(claim.run_id), "--json").output)
    assert again["cancel_requested_at"] == body["cancel_requested_at"]  # asking twice keeps the first request
    text = amx("runs", "cancel", str(claim.run_id)).output
    assert text.startswith(f"run {claim.run_id} (nightly): cancel requested")

    from amx_core.tick.settle import CANCELLED, Outcome, finish_run

    finish_run(store, claim, Outcome(status=CANCELLED, error="cancelled"), T, grace=timedelta(minutes=10), policy=None)
    refused = amx("runs", "cancel", str(claim.run_id), code=2)
    assert (
        refused.output.strip()
        == f"error: run: run {claim.run_id} is cancelled, not running; only a running run can be cancelled"
    )
    assert "run: no run with id 42" in amx("runs", "cancel", "42", code=2).output
    assert amx("runs", "show", str(claim.run_id), "--json").output.count('"cancel_requested_at": "20') == 1


def test_unknown_run_is_bad_input(amx):
    result = amx("runs", "show", "42", code=2)
    assert "run: no run with id 42" in result.output


def test_startup_notice_lists_missed_schedules(store, monkeypatch, capsys):
    from amx_cli.startup import startup_notice

    profiles(store)
    add_schedule(store, "asleep", utc(2020, 1, 1))
    monkeypatch.delenv("AMX_NO_STARTUP_CHECK", raising=False)
    startup_notice()  # stderr is not a terminal here: scripts get a quiet stderr
    assert capsys.readouterr().err == ""
    startup_notice(force=True)
    err = capsys.readouterr().err
    assert err.startswith("amx: 1 missed schedule(s) (#1 asleep)")
    monkeypatch.setenv("AMX_NO_STARTUP_CHECK", "1")
    startup_notice(force=True)
    assert capsys.readouterr().err == ""


def test_a_second_run_over_a_described_scope_counts_what_it_skipped(cli_call, chinook_sqlite):  # noqa: F811
    amx = cli_call
    amx("profile", "db", "add", "chinook", "--url", chinook_sqlite)
    amx("profile", "llm", "add", "offline", "--provider", "heuristic")
    add = ["schedule", "add", "--name", "genres", "--at", "2027-03-02 02:00", "--tz", "UTC", "--review", "manual"]
    amx(*add, "--db-profile", "chinook", "--llm-profile", "offline", "--scope", "main.Genre", "--scope", "main.Artist")
    amx("schedule", "run-now", "genres", "--now", T.isoformat())
    ids = [str(s["id"]) for s in json.loads(amx("review", "list", "--json").output)]
    accept_all = ["review", "accept", *ids[:3]]
    amx(*accept_all)
    amx("review", "apply")
    amx("schedule", "run-now", "genres", "--now", utc(2027, 3, 1, 10, 0).isoformat())
    second = json.loads(amx("runs", "show", "2", "--json").output)
    assert second["status"] == "completed" and second["tokens"] == {"in": 0, "out": 0}
    counts = second["counts"]
    assert (counts["tables_planned"], counts["columns_planned"]) == (0, 0)
    assert (counts["skipped_described"], counts["skipped_unchanged"], counts["skipped_pending"]) == (3, 0, 3)
    assert "skipped 3 described by a person, 0 unchanged, 3 waiting for review" in " ".join(
        amx("runs", "show", "2").output.split()
    )
