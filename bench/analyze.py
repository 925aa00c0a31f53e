"""Benchmark of the analyze run as a user waits for it: `amx schedule run-now` against its concurrency ideal.

A loopback OpenAI-compatible server (bench/replay_server.py, in its own process like a real server)
answers every request 200 ms after it arrived, with replies of a real model's length. Two shapes of
1,000 columns, 50 tables x 20 columns and 100 tables x 10 columns, each table holding ROWS rows (so
profiling its sample costs what it costs), are described by a whole `amx schedule run-now` process
(review `auto`, concurrency 4, one request per table) on a fresh copy of a prepared store each time.

Baseline: the concurrency ideal, the fewest rounds of 4 requests that can carry them all (ceil(requests / 4))
x 200 ms, from the requests the server counted in the same run: 50 requests need 13 rounds, 2.6 s, whatever
the client does (12.5 rounds cannot happen).
Two ratios per shape: the run as the run row records it (started -> ended; the target) and the whole process's
wall time (interpreter start, imports and store opening included; reported). Rounds interleave the shapes;
medians of ROUNDS rounds after one warm-up each. Run: .venv/bin/python bench/analyze.py [ROUNDS]

AMX_BENCH_BEFORE=DIR (a checkout of an earlier commit, e.g. `git archive REV | tar -x -C DIR`) adds
that code's runs, interleaved with this one's on the same stores, as "before" rows (PYTHONPATH=DIR).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from processes import measure  # noqa: E402

SHAPES = ((50, 20), (100, 10))
ROWS = 10_000
CONCURRENCY, DELAY = 4, 0.2
TARGET_RATIO = 1.15
ROUNDS = 7
AMX = str(Path(sys.executable).with_name("amx"))


def build_database(path: Path, tables: int, columns: int) -> None:
    """`tables` tables of `columns` columns (an id, then amounts and short codes) and ROWS rows each."""
    conn = sqlite3.connect(path)
    for t in range(tables):
        cols = ", ".join(
            f"c{c:02d}_{'amount' if c % 3 else 'code'} {'NUMERIC' if c % 3 else 'TEXT'}" for c in range(1, columns)
        )
        conn.execute(f"CREATE TABLE t{t:03d}_items (id INTEGER PRIMARY KEY, {cols})")
        marks = ", ".join("?" for _ in range(columns))
        conn.executemany(
            f"INSERT INTO t{t:03d}_items VALUES ({marks})",
            [(r, *[(r * c) % 9973 if c % 3 else f"K-{r % 17}" for c in range(1, columns)]) for r in range(ROWS)],
        )
    conn.commit()
    conn.close()


@dataclass
class Shape:
    """One shape's prepared store (copied before every run) and what its runs measured with one code tree."""

    tables: int
    columns: int
    template: Path
    walls: list[float]
    spans: list[float]
    requests: list[int]
    code: str = ""  # PYTHONPATH of an earlier tree ("": this one)

    @property
    def label(self) -> str:
        return f"{self.tables} tables x {self.columns} columns" + (" (before)" if self.code else "")


def prepare(tmp: Path, tables: int, columns: int, url: str) -> Shape:
    """The source database and a store holding its DB profile, the loopback LLM profile and the schedule."""
    from amx_core.services.profiles import add_db_profile, add_llm_profile
    from amx_core.services.schedules import ScheduleInput, create_schedule
    from amx_core.store import open_store

    folder = tmp / f"{tables}x{columns}"
    folder.mkdir()
    db = folder / "source.sqlite"
    build_database(db, tables, columns)
    home = folder / "template"
    home.mkdir()
    store = open_store(f"sqlite:///{home / 'amx.db'}")
    add_db_profile(store, name="bench", url=f"sqlite:///{db}")
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
    create_schedule(
        store,
        ScheduleInput(
            name="bench", at="2099-01-01 00:00", tz="UTC", db_profile="bench", llm_profile="loopback", review="auto"
        ),
    )
    store.engine.dispose()
    return Shape(tables, columns, home, [], [], [])


def run_span(home: Path) -> float:
    """Seconds from the run row's start to its end (the last run of the store in `home`)."""
    conn = sqlite3.connect(home / "amx.db")
    try:
        started, ended, status = conn.execute(
            "SELECT started_at, ended_at, status FROM run ORDER BY id DESC"
        ).fetchone()
    finally:
        conn.close()
    if status != "completed":
        raise SystemExit(f"the run ended {status}")
    from datetime import datetime

    return (datetime.fromisoformat(str(ended)) - datetime.fromisoformat(str(started))).total_seconds()


def run_once(shape: Shape, tmp: Path, server: subprocess.Popen, index: int, counted: bool) -> None:
    """One whole `amx schedule run-now` on a fresh copy of the shape's store."""
    home = tmp / f"{shape.tables}x{shape.columns}" / f"run{index}{'b' if shape.code else ''}"
    shutil.copytree(shape.template, home)
    env = {**os.environ, "AMX_HOME": str(home)}
    env.pop("AMX_STORE_URL", None)
    if shape.code:
        env["PYTHONPATH"] = shape.code
    before = ask(server)["requests"]
    wall, _ = measure([AMX, "schedule", "run-now", "bench"], env)
    requests = ask(server)["requests"] - before
    if counted:
        shape.walls.append(wall)
        shape.spans.append(run_span(home))
        shape.requests.append(requests)
    shutil.rmtree(home)


def ask(server: subprocess.Popen) -> dict:
    """The server's counters so far."""
    assert server.stdin is not None and server.stdout is not None
    server.stdin.write("\n")
    server.stdin.flush()
    return json.loads(server.stdout.readline())


def report(shape: Shape) -> bool:
    requests = statistics.median(shape.requests)
    rounds = math.ceil(requests / CONCURRENCY)
    ideal = rounds * DELAY
    wall, span = statistics.median(shape.walls), statistics.median(shape.spans)
    print(
        f"{shape.label} x {ROWS:,} rows, {requests:.0f} requests; ideal {rounds} rounds of {CONCURRENCY} x {DELAY} s = "
        f"{ideal:.3f} s; medians of {len(shape.walls)} runs"
    )
    # the target is the run as its row records it; the process wall adds interpreter start, imports and store
    # opening (the CLI's own figures, bench/cli.py), shown so a reader sees what the command costs in all
    for name, value, runs, judged in (
        ("run (started -> ended)", span, shape.spans, True),
        ("run-now process wall", wall, shape.walls, False),
    ):
        ratio = value / ideal
        verdict = f"target <= {TARGET_RATIO}: {'ok' if ratio <= TARGET_RATIO else 'OVER'}" if judged else "reported"
        spread = [v / ideal for v in runs]
        print(f"  {name:24} {value:6.3f} s = {ratio:.3f}x ideal (runs {min(spread):.2f}-{max(spread):.2f}x; {verdict})")
    return span / ideal <= TARGET_RATIO


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    print(f"{os.cpu_count()} cores; loopback LLM answering in {DELAY * 1000:.0f} ms, concurrency {CONCURRENCY}")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        os.environ["AMX_HOME"] = str(tmp / "home")
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "replay_server.py"), str(DELAY)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            shapes = [prepare(tmp, tables, columns, url) for tables, columns in SHAPES]
            before = os.environ.get("AMX_BENCH_BEFORE")
            if before:
                shapes = [
                    arm for s in shapes for arm in (s, Shape(s.tables, s.columns, s.template, [], [], [], before))
                ]
            for shape in shapes:
                run_once(shape, tmp, server, 0, counted=False)  # warm the page and bytecode caches
            for index in range(1, rounds + 1):
                for shape in shapes:
                    run_once(shape, tmp, server, index, counted=True)
            in_flight = ask(server)["max_in_flight"]
        finally:
            server.communicate("", timeout=30)
        ok = all([report(shape) or bool(shape.code) for shape in shapes])
        print(f"most requests in flight at once: {in_flight} (limit {CONCURRENCY})")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
