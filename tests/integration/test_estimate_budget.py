"""`amx schedule estimate` plans a Chinook run exactly as the run then goes (tables and requests equal; tokens,
billed by the loopback server with its own count, within 25 %), and `--max-tokens` stops a run before it
passes its budget, keeping what it described."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from analyze_support import add_profiles
from llm_server import realistic_openai

from amx_core.tick.passes import run_pass

PATH = "/chat/completions"


@pytest.fixture(params=["sqlite", "postgresql"])
def chinook(request):
    return request.param, request.getfixturevalue("chinook_sqlite" if request.param == "sqlite" else "chinook_pg")


def _schedule(cli_call, *extra: str) -> int:
    added = cli_call(
        "schedule",
        "add",
        "--name",
        "nightly",
        "--at",
        "2031-01-01 03:00",
        "--tz",
        "UTC",
        "--db-profile",
        "db",
        "--llm-profile",
        "llm",
        "--review",
        "auto",
        *extra,
        "--json",
    )
    return json.loads(added.stdout)["id"]


def _within(estimate: int, actual: int, share: float = 0.25) -> bool:
    return abs(estimate - actual) <= share * actual


def test_the_estimate_is_what_the_run_then_does(chinook, store, cli_call, llm_server):
    _, url = chinook
    add_profiles(store, url, llm="openai", base_url=llm_server.url, concurrency=2, columns_per_request=5)
    llm_server.respond(PATH, realistic_openai())
    cli_call("profile", "llm", "edit", "llm", "--price-in", "2.5", "--price-out", "10")
    schedule_id = _schedule(cli_call)

    estimate = json.loads(cli_call("schedule", "estimate", str(schedule_id), "--json").stdout)
    assert not llm_server.requests  # the estimate asks no model
    assert (estimate["tables_in_scope"], estimate["tables"], estimate["columns"]) == (11, 11, 64)
    expected_cost = estimate["tokens"]["in"] * 2.5 / 1e6 + estimate["tokens"]["out"] * 10 / 1e6
    assert estimate["cost"] == pytest.approx(expected_cost, abs=1e-6)

    run = json.loads(cli_call("schedule", "run-now", str(schedule_id), "--json").stdout)
    shown = json.loads(cli_call("runs", "show", str(run["run_id"]), "--json").stdout)
    assert shown["status"] == "completed"
    assert estimate["requests"] == len(llm_server.requests) > 11  # wide tables take several requests
    assert estimate["tables"] == shown["counts"]["tables_planned"] == shown["counts"]["tables_done"]
    assert _within(estimate["tokens"]["in"], shown["tokens"]["in"]), (estimate["tokens"], shown["tokens"])
    assert _within(estimate["tokens"]["out"], shown["tokens"]["out"]), (estimate["tokens"], shown["tokens"])

    again = json.loads(cli_call("schedule", "estimate", str(schedule_id), "--json").stdout)
    assert (again["tables"], again["requests"], again["tokens"]) == (0, 0, {"in": 0, "out": 0})
    assert again["skipped"]["skipped_unchanged"] == 11 + 64


def test_max_tokens_stops_the_run_before_it_passes_the_budget(chinook_sqlite, store, cli_call, llm_server):
    add_profiles(store, chinook_sqlite, llm="openai", base_url=llm_server.url, concurrency=2)
    llm_server.respond(PATH, realistic_openai())
    schedule_id = _schedule(cli_call)
    estimate = json.loads(cli_call("schedule", "estimate", str(schedule_id), "--json").stdout)
    budget = (estimate["tokens"]["in"] + estimate["tokens"]["out"]) // 3
    cli_call("schedule", "edit", str(schedule_id), "--max-tokens", str(budget))
    covered = json.loads(cli_call("schedule", "estimate", str(schedule_id), "--json").stdout)
    assert covered["max_tokens"] == budget and 0 < covered["requests_within_budget"] < covered["requests"]

    run = json.loads(cli_call("schedule", "run-now", str(schedule_id), "--json", code=1).stdout)  # not complete
    shown = json.loads(cli_call("runs", "show", str(run["run_id"]), "--json").stdout)
    assert shown["status"] == run["run"]["status"] == "stopped"
    assert "budget" in shown["error"] and "what was described is kept" in shown["error"]
    spent = shown["tokens"]["in"] + shown["tokens"]["out"]
    assert 0 < spent <= budget
    assert 0 < len(llm_server.requests) < estimate["requests"]
    assert shown["counts"]["columns_applied"] > 0  # what it described is kept (and, under auto, written)
    assert any("token budget" in line for line in shown["log"])
    schedule = json.loads(cli_call("schedule", "show", str(schedule_id), "--json").stdout)
    assert schedule["status"] == "pending"  # a run-now is an extra run: the schedule keeps its plan

    listed = json.loads(cli_call("runs", "list", "--status", "stopped", "--json").stdout)
    assert [r["id"] for r in listed] == [run["run_id"]]

    report = run_pass(store, now=datetime(2031, 1, 1, 3, 0, 30, tzinfo=UTC))  # the one-shot's own fire
    fired = json.loads(cli_call("runs", "show", str(report.runs[0]), "--json").stdout)
    assert fired["status"] == "stopped" and fired["counts"]["skipped_unchanged"] > 0  # goes on where it stopped
    schedule = json.loads(cli_call("schedule", "show", str(schedule_id), "--json").stdout)
    assert schedule["status"] == "completed" and "budget" in schedule["last_error"]
