"""Benchmark of the analyze run: LLM request concurrency against its ideal, and heuristic throughput.

1. A loopback OpenAI-compatible server (bench/replay_server.py, in its own process like a
   real server) answers every request after 200 ms; 50 tables x 20
   columns (one request per table) run with max_concurrency 4. Baseline, measured in the
   same run from the request count: requests / 4 x 200 ms. Target: ratio <= 1.25.
2. The heuristic provider on the same scope: columns described per second.

Both runs use review `auto`, so scope resolution (a live catalog refresh), profiling, saving
suggestions and writing the local catalog are inside the measured time; module imports and
the HTTP client are warmed first (a one-off per process, not part of a run). Run: .venv/bin/python bench/analyze.py
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

TABLES, COLUMNS, ROWS = 50, 20, 50
CONCURRENCY, DELAY = 4, 0.2
TARGET_RATIO = 1.25
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def build_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    for t in range(TABLES):
        cols = ", ".join(
            f"c{c:02d}_{'amount' if c % 3 else 'code'} {'NUMERIC' if c % 3 else 'TEXT'}" for c in range(1, COLUMNS)
        )
        conn.execute(f"CREATE TABLE t{t:02d}_items (id INTEGER PRIMARY KEY, {cols})")
        marks = ", ".join("?" for _ in range(COLUMNS))
        conn.executemany(
            f"INSERT INTO t{t:02d}_items VALUES ({marks})",
            [(r, *[(r * c) % 97 if c % 3 else f"K-{r % 7}" for c in range(1, COLUMNS)]) for r in range(ROWS)],
        )
    conn.commit()
    conn.close()


class Sink:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def update(self, **counts: int) -> None:
        self.counts.update(counts)

    def log(self, line: str) -> None:
        pass


def run_once(store, llm_name: str, schedule_name: str, *, missing_only: bool = True):
    from amx_core.analyze.executor import run_analyze
    from amx_core.execution.context import RunContext
    from amx_core.models import Run
    from amx_core.services.schedules import ScheduleInput, create_schedule

    schedule = create_schedule(
        store,
        ScheduleInput(
            name=schedule_name,
            at="2026-03-02 11:00",
            tz="UTC",
            db_profile="bench",
            llm_profile=llm_name,
            review="auto",
            missing_only=missing_only,
        ),
        now=NOW,
    )
    with store.session() as s:
        run = Run(schedule_id=schedule.id, reason="run-now", started_at=NOW)
        s.add(run)
        s.flush()
        run_id = run.id
    sink = Sink()
    ctx = RunContext(store=store, run_id=run_id, schedule=schedule, reason="run-now", now=NOW, sink=sink)
    started = time.perf_counter()
    outcome = run_analyze(ctx)
    elapsed = time.perf_counter() - started
    if not outcome.ok:
        raise SystemExit(f"run failed: {outcome.error}")
    return elapsed, sink.counts


def warm_up() -> None:
    """Import what a run imports lazily and create the shared HTTP client."""
    import amx_core.analyze.executor  # noqa: F401
    import amx_core.catalog.resolve  # noqa: F401
    import amx_core.llm.providers.heuristic  # noqa: F401
    import amx_core.llm.providers.openai  # noqa: F401
    from amx_core.llm.client import shared_client

    shared_client()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["AMX_HOME"] = str(Path(tmp) / "home")
        os.environ.pop("AMX_STORE_URL", None)
        from amx_core.services.profiles import add_db_profile, add_llm_profile
        from amx_core.store import open_store

        db = Path(tmp) / "wide.sqlite"
        build_database(db)
        store = open_store()
        warm_up()
        add_db_profile(store, name="bench", url=f"sqlite:///{db}")
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "replay_server.py"), str(DELAY)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            url = server.stdout.readline().strip()
            add_llm_profile(
                store,
                name="loopback",
                provider="openai",
                model="bench",
                base_url=url,
                max_concurrency=CONCURRENCY,
                timeout_seconds=30,
                columns_per_request=40,
            )
            add_llm_profile(store, name="offline", provider="heuristic")
            elapsed, counts = run_once(store, "loopback", "loopback run")
        finally:
            seen = json.loads(server.communicate("", timeout=30)[0])
        requests = seen["requests"]
        ideal = requests / CONCURRENCY * DELAY
        rounds = math.ceil(requests / CONCURRENCY) * DELAY
        ratio = elapsed / ideal
        print(
            f"loopback LLM, {TABLES} tables x {COLUMNS} columns, "
            f"concurrency {CONCURRENCY}, {DELAY * 1000:.0f} ms per reply"
        )
        print(f"  requests {requests}, columns described {counts['columns_described']}")
        print(
            f"  elapsed {elapsed:.3f} s; baseline requests/{CONCURRENCY} x {DELAY} s = {ideal:.3f} s "
            f"(whole rounds {rounds:.3f} s)"
        )
        print(f"  ratio {ratio:.3f} (target <= {TARGET_RATIO}): {'ok' if ratio <= TARGET_RATIO else 'OVER'}")
        # --all-columns: the scope is described already, and a missing-only run would ask nothing
        elapsed, counts = run_once(store, "offline", "heuristic run", missing_only=False)
        columns = counts["columns_described"]
        print(
            f"heuristic provider, same scope (--all-columns): {columns} columns in {elapsed:.3f} s "
            f"= {columns / elapsed:,.0f} columns/s "
            f"({counts['columns_applied']} applied to the local catalog)"
        )
        elapsed, counts = run_once(store, "offline", "repeat run")
        print(
            f"missing-only repeat over the unchanged scope: {counts['tables_planned']} tables asked, "
            f"{counts['skipped_unchanged']} objects unchanged, {counts['skipped_described']} a person's, "
            f"in {elapsed:.3f} s"
        )
        return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
