"""The idle pass: heartbeat plus one indexed query through the raw driver, no ORM/LLM/TUI imports."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import timedelta

import pytest
from tick_support import add_schedule, profiles, utc

from amx_core import config
from amx_core.tick.entry import main as tick_main
from amx_core.tick.heartbeat import read_heartbeat
from amx_core.tick.logfile import append_line, format_line

T = utc(2027, 3, 1, 9, 0)
HEAVY = ("sqlalchemy", "sqlmodel", "httpx", "textual", "alembic")
PROBE = f"""
import json, sys
from amx_core.tick.entry import main
code = main(sys.argv[1:])
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))
print(json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
"""


def _tick_process(*args: str) -> tuple[dict, dict]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    return json.loads(done.stdout), json.loads(done.stderr.strip().splitlines()[-1])


def test_idle_tick_imports_no_orm_http_or_tui(store):
    profiles(store)
    add_schedule(store, "later", T + timedelta(days=1), cadence="0 9 * * *")
    report, seen = _tick_process("--now", T.isoformat(), "--json")
    assert seen == {"code": 0, "heavy": []}
    assert report["idle"] is True and report["fired"] == []
    beat = read_heartbeat(store, now=T, simulated=True)  # `--now`: the simulated row, never the real one
    assert beat.last_tick_at == T and beat.pid and beat.host and beat.duration_ms is not None
    assert read_heartbeat(store, now=T) is None


def test_busy_tick_loads_the_core_and_fires(store):
    profiles(store)
    sid = add_schedule(store, "due", T, kind="cache_refresh")
    report, seen = _tick_process("--now", T.isoformat(), "--json")
    assert report["idle"] is False and report["fired"] == [sid]
    assert "sqlalchemy" in seen["heavy"]  # the check above is not vacuous


@pytest.mark.postgres
def test_idle_tick_on_postgresql_uses_psycopg_only(pg_store):
    profiles(pg_store)
    add_schedule(pg_store, "later", T + timedelta(days=1))
    report, seen = _tick_process("--now", T.isoformat(), "--json")
    assert seen == {"code": 0, "heavy": []} and report["idle"] is True
    assert read_heartbeat(pg_store, now=T, simulated=True).last_tick_at == T
    assert read_heartbeat(pg_store, now=T) is None


def _probe(store, at):
    from amx_core.tick.fastpath import probe
    from amx_core.tick.storeurl import driver_target

    return probe(driver_target(store.url), at, lease_seconds=300).busy


def test_fast_path_sees_dead_runs(store):
    from amx_core.tick.claims import claim_run_now

    profiles(store)
    sid = add_schedule(store, "s", T + timedelta(days=1))
    claim_run_now(store, sid, T, host="h", pid=1)
    assert _probe(store, T + timedelta(minutes=1)) is False
    assert _probe(store, T + timedelta(minutes=6)) is True


def test_fast_path_sees_running_schedules_without_runs(store):
    from amx_core.models import Schedule

    profiles(store)
    sid = add_schedule(store, "s", T + timedelta(days=1), status="running")
    with store.session() as session:
        row = session.get(Schedule, sid)
        row.running_since = T
        session.add(row)
    assert _probe(store, T + timedelta(minutes=1)) is False
    assert _probe(store, T + timedelta(minutes=6)) is True


def test_fast_path_sees_change_checks_due(any_store):
    store = any_store
    from amx_core.models import CatalogState

    profiles(store)  # a SQLite profile: its catalog key is ''
    add_schedule(store, "watcher", None, trigger="change")
    assert _probe(store, T) is True  # never checked
    with store.session() as session:
        session.add(CatalogState(profile_id=1, database="", next_check_utc=T + timedelta(minutes=15)))
    assert _probe(store, T) is False
    assert _probe(store, T + timedelta(minutes=15)) is True


def test_first_tick_creates_the_store(amx_home, capsys):
    assert tick_main(["--now", T.isoformat(), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["fired"] == []
    assert (amx_home / "amx.db").exists()


def test_bad_now_is_bad_input(amx_home, capsys):
    assert tick_main(["--now", "yesterday"]) == 2
    assert capsys.readouterr().err.startswith("error: now: 'yesterday' is not an ISO-8601 instant")


def test_every_pass_logs_one_private_line(store, capsys):
    profiles(store)
    tick_main(["--now", T.isoformat()])
    tick_main(["--now", T.isoformat()])
    log = config.tick_log_path()
    lines = [line for line in log.read_text().splitlines() if "event=pass" in line]
    assert len(lines) == 2 and all("idle=true" in line and "now=2027-03-01T09:00:00+00:00" in line for line in lines)
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600


def test_log_lines_quote_and_rotate(tmp_path):
    line = format_line("run", {"error": 'LLM said "no"\nthen died', "n": 3, "ids": (1, 2)}, at=T)
    assert line == 'ts=2027-03-01T09:00:00.000+00:00 event=run error="LLM said \\"no\\"\\nthen died" n=3 ids=1,2\n'
    path = tmp_path / "logs" / "tick.log"
    for _ in range(10):
        append_line(path, "x" * 40 + "\n", max_bytes=100, backups=2)
    assert sorted(p.name for p in path.parent.iterdir()) == ["tick.log", "tick.log.1", "tick.log.2"]
    assert all(p.stat().st_size <= 123 for p in path.parent.iterdir())
