"""Benchmark of the tick: the idle pass against a bare interpreter, and the cost of claiming and settling.

1. Idle pass: `python -m amx_core.tick.entry` (what the daemon runs) on a store whose schedules
   are all in the future, against `python -c "import sqlite3"` measured in the same run,
   interleaved. Median wall time and peak RSS (os.wait4) as ratios, with 10 and with 10,000
   schedules in the store. Targets: <= 2.5x wall, <= 1.5x memory, not growing with the store.
2. Claim + bookkeeping per fired schedule: one in-process pass over N due schedules with a
   no-op executor registered here only (claim, occurrence, run row, executor call, settlement,
   re-arm, log line), minus an idle in-process pass. Target: < 10 ms per fired schedule.

Run: .venv/bin/python bench/tick_idle.py [--rounds 15] [--fired 300] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from processes import measure as _measure  # bench/ is the script's own folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
TARGET_WALL, TARGET_MEMORY, TARGET_FIRE_MS = 2.5, 1.5, 10.0


def _store_with(home: Path, count: int, url: str | None = None):
    os.environ["AMX_HOME"] = str(home)
    if url:
        os.environ["AMX_STORE_URL"] = url
    else:
        os.environ.pop("AMX_STORE_URL", None)
    from tick_support import bulk_schedules, profiles

    from amx_core.store import open_store, reset_stores

    reset_stores()
    store = open_store()
    profiles(store)
    return store, bulk_schedules


def idle_ratios(count: int, rounds: int) -> dict:
    home = Path(tempfile.mkdtemp(prefix="amx-bench-idle-"))
    store, bulk = _store_with(home, count)
    bulk(store, count, NOW + timedelta(days=1))
    store.dispose()
    env = dict(os.environ, AMX_HOME=str(home))
    env.pop("AMX_STORE_URL", None)
    tick = [sys.executable, "-m", "amx_core.tick.entry", "--now", NOW.isoformat()]
    baseline = [sys.executable, "-c", "import sqlite3"]
    _measure(tick, env)  # warm the page cache and the bytecode cache
    walls: dict[str, list[float]] = {"tick": [], "base": []}
    rss: dict[str, list[int]] = {"tick": [], "base": []}
    for _ in range(rounds):
        for name, command in (("base", baseline), ("tick", tick)):
            wall, peak = _measure(command, env)
            walls[name].append(wall)
            rss[name].append(peak)
    tick_wall, base_wall = statistics.median(walls["tick"]), statistics.median(walls["base"])
    tick_rss, base_rss = max(rss["tick"]), max(rss["base"])
    return {
        "schedules": count,
        "tick_ms": tick_wall * 1000,
        "base_ms": base_wall * 1000,
        "wall_ratio": tick_wall / base_wall,
        "tick_rss_mib": tick_rss / 1024,
        "base_rss_mib": base_rss / 1024,
        "memory_ratio": tick_rss / base_rss,
    }


def fire_overhead(count: int, url: str | None = None) -> dict:
    from amx_core.execution.context import RunOutcome
    from amx_core.tick import registry
    from amx_core.tick.passes import run_pass
    from amx_core.tick.settings import TickSettings

    home = Path(tempfile.mkdtemp(prefix="amx-bench-fire-"))
    store, bulk = _store_with(home, count, url)
    registry.register("analyze", lambda ctx: RunOutcome(ok=True))  # no-op: only the tick's own work is timed
    bulk(store, count, NOW)
    settings = TickSettings(workers=2)
    run_pass(store, now=NOW - timedelta(hours=1), settings=settings)  # warm-up, nothing due
    started = time.perf_counter()
    run_pass(store, now=NOW - timedelta(minutes=59), settings=settings)
    idle = time.perf_counter() - started
    started = time.perf_counter()
    report = run_pass(store, now=NOW + timedelta(seconds=30), settings=settings)
    busy = time.perf_counter() - started
    assert len(report.fired) == count, report
    return {"fired": count, "pass_s": busy, "per_fire_ms": (busy - idle) / count * 1000, "backend": store.dialect}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--fired", type=int, default=300)
    parser.add_argument("--pg", help="also measure claim overhead on this PostgreSQL store URL (an empty database)")
    args = parser.parse_args()

    print(f'idle pass vs `python -c "import sqlite3"` (median of {args.rounds}, interleaved)')
    print(f"{'schedules':>10} {'tick ms':>9} {'base ms':>9} {'wall x':>7} {'tick MiB':>9} {'base MiB':>9} {'mem x':>6}")
    verdicts = []
    for count in (10, 10_000):
        r = idle_ratios(count, args.rounds)
        print(
            f"{r['schedules']:>10} {r['tick_ms']:>9.1f} {r['base_ms']:>9.1f} {r['wall_ratio']:>7.2f} "
            f"{r['tick_rss_mib']:>9.1f} {r['base_rss_mib']:>9.1f} {r['memory_ratio']:>6.2f}"
        )
        verdicts.append(r["wall_ratio"] <= TARGET_WALL and r["memory_ratio"] <= TARGET_MEMORY)
    print(f"targets: wall <= {TARGET_WALL}x, memory <= {TARGET_MEMORY}x")

    runs = [fire_overhead(args.fired)]
    if args.pg:
        runs.append(fire_overhead(args.fired, args.pg))
    for r in runs:
        print(
            f"claim+bookkeeping ({r['backend']}): {r['fired']} fired in {r['pass_s']:.2f} s, "
            f"{r['per_fire_ms']:.2f} ms per fired schedule (target < {TARGET_FIRE_MS} ms)"
        )
        verdicts.append(r["per_fire_ms"] < TARGET_FIRE_MS)
    print("verdict:", "all targets met" if all(verdicts) else "target missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
