"""`amx-tick --dry-run` claims nothing and says what would fire, miss, retry, coalesce or recover, and why."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select
from tick_support import Scripted, add_schedule, clean_registry, profiles, transient, utc  # noqa: F401 (fixture)

from amx_core.models import MissedSlot, Occurrence, Run, Schedule, TickHeartbeat
from amx_core.tick import registry
from amx_core.tick.claims import claim_run_now
from amx_core.tick.entry import main as tick_main
from amx_core.tick.passes import run_pass

T = utc(2027, 3, 4, 9, 30)


pytestmark = pytest.mark.usefixtures("clean_registry")


def _snapshot(store):
    with store.session() as session:
        return {
            model.__name__: sorted(repr(sorted(row.model_dump().items())) for row in session.exec(select(model)).all())
            for model in (Schedule, Run, Occurrence, MissedSlot, TickHeartbeat)
        }


def test_dry_run_writes_nothing_and_explains(store, capsys):
    profiles(store)
    registry.register("analyze", Scripted(transient("LLM 503")))
    retried = add_schedule(store, "retried", utc(2027, 3, 4, 9, 20), cadence="20 9 * * *")
    run_pass(store, now=utc(2027, 3, 4, 9, 20))  # its time run fails transiently: a retry is planned
    due = add_schedule(store, "due", utc(2027, 3, 4, 9, 25), cadence="25 9 * * *")
    asked = add_schedule(store, "asked", utc(2027, 3, 1, 9), cadence="0 9 * * *")
    caught = add_schedule(store, "caught", utc(2027, 3, 1, 9), cadence="0 * * * *", policy="run")
    skipped = add_schedule(store, "skipped", utc(2027, 3, 1, 9), policy="skip")
    stale = add_schedule(store, "stale", utc(2027, 3, 5, 9, 0), cadence="0 9 * * *")
    claim_run_now(store, stale, utc(2027, 3, 4, 9, 0), host="h", pid=1)  # its runner never comes back
    before = _snapshot(store)

    assert tick_main(["--now", (T + timedelta(hours=1)).isoformat(), "--dry-run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert _snapshot(store) == before

    actions = {(item["schedule_id"], item["action"]) for item in report["plan"]}
    assert (due, "fire") not in actions  # 10:25 is past 09:25 + grace: it is missed now
    assert {
        (asked, "miss"),
        (caught, "catch-up"),
        (caught, "coalesce"),
        (skipped, "cancel"),
        (stale, "recover"),
        (retried, "retry"),
    } <= actions
    assert stale in report["recovered"] and retried in report["retrying"]
    assert report["dry_run"] is True and report["runs"] == []
    why = {item["schedule_id"]: item["why"] for item in report["plan"] if item["action"] == "coalesce"}
    assert "coalesced into this one fire" in why[caught]


def test_dry_run_human_output_names_each_schedule(store, capsys):
    profiles(store)
    add_schedule(store, "nightly", utc(2027, 3, 4, 9, 25))
    assert tick_main(["--now", T.isoformat(), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("dry run 2027-03-04T09:30:00+00:00: 1 fired")
    assert "fire" in out and "#1 nightly: due at 2027-03-04T09:25:00+00:00" in out
