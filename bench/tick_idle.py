"""Benchmark of the tick: the idle pass against a bare interpreter, and the tick's own cost per fired schedule.

1. Idle pass, SQLite: `python -m amx_core.tick.entry` (what the daemon runs) on a store whose
   schedules are all in the future, against `python -c "import sqlite3"`, whole processes paired
   and interleaved in the same run (bench/processes.py). Median wall time and peak RSS as
   ratios, with 10 and with 10,000 schedules. Targets: <= 1.5x wall, <= 1.5x memory.
2. Idle pass, PostgreSQL store (`--pg`): the same against
   `python -c "import psycopg; psycopg.connect(URI)"`. Target: <= 1.2x wall.
3. Claim + bookkeeping per fired schedule, with the real `cache_refresh` executor: one
   in-process pass (2 workers, as the daemon runs) over N due schedules, each refreshing the
   catalog of a small real SQLite target database (3 tables). The executor is wrapped in a
   timer, so each run's own time is measured inside the worker thread; the tick's overhead is

       (busy pass - idle pass - sum(executor times) / workers) / N

   i.e. the pass's wall time that is not the executors' work spread over the pool: claims,
   run and occurrence rows, settlement, re-arm, the sink, log lines, and any wait for the
   store's write lock. Each round re-arms the same schedules one day later; the median of the
   rounds (after one warm-up round) is reported. Targets: <= 5 ms SQLite, <= 8 ms PostgreSQL.

Run: .venv/bin/python bench/tick_idle.py [--rounds 7] [--fired 500] [--pg URL]
(`--pg` names a PostgreSQL server database the bench may create and drop databases beside, e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/postgres)
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from processes import paired  # bench/ is the script's own folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
TARGET_WALL, TARGET_PG_WALL, TARGET_MEMORY = 1.5, 1.2, 1.5
TARGET_FIRE_MS = {"sqlite": 5.0, "postgresql": 8.0}
WORKERS = 2


def _use_store(home: Path, url: str | None = None):
    os.environ["AMX_HOME"] = str(home)
    if url:
        os.environ["AMX_STORE_URL"] = url
    else:
        os.environ.pop("AMX_STORE_URL", None)
    from amx_core.store import open_store, reset_stores

    reset_stores()
    return open_store()


def _tick_env(home: Path, url: str | None) -> dict:
    env = dict(os.environ, AMX_HOME=str(home))
    env.pop("AMX_STORE_URL", None)
    if url:
        env["AMX_STORE_URL"] = url
    return env


def _tick_command() -> list[str]:
    return [sys.executable, "-m", "amx_core.tick.entry", "--now", NOW.isoformat()]


def idle_ratios(count: int, rounds: int) -> dict:
    from tick_support import bulk_schedules, profiles

    home = Path(tempfile.mkdtemp(prefix="amx-bench-idle-"))
    store = _use_store(home)
    profiles(store)
    bulk_schedules(store, count, NOW + timedelta(days=1))
    store.dispose()
    env = _tick_env(home, None)
    result = paired({"base": ([sys.executable, "-c", "import sqlite3"], env), "tick": (_tick_command(), env)}, rounds)
    return {
        "schedules": count,
        "tick_ms": result.wall["tick"] * 1000,
        "base_ms": result.wall["base"] * 1000,
        "wall_ratio": result.ratio("tick", "base"),
        "tick_rss_mib": result.rss["tick"] / 1024,
        "base_rss_mib": result.rss["base"] / 1024,
        "memory_ratio": result.memory_ratio("tick", "base"),
    }


class _Database:
    """A fresh PostgreSQL database beside the one `admin_url` names, dropped on exit."""

    def __init__(self, admin_url: str) -> None:
        import sqlalchemy as sa

        self.admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.name = f"amx_bench_{uuid.uuid4().hex[:10]}"
        self.url = sa.engine.make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> str:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {self.name}")
        return self.url

    def __exit__(self, *_exc) -> None:
        from amx_core.store import reset_stores

        reset_stores()
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        self.admin.dispose()


def idle_pg(admin_url: str, rounds: int) -> dict:
    from tick_support import bulk_schedules, profiles

    with _Database(admin_url) as url:
        home = Path(tempfile.mkdtemp(prefix="amx-bench-idle-pg-"))
        store = _use_store(home, url)
        profiles(store)
        bulk_schedules(store, 10, NOW + timedelta(days=1))
        store.dispose()
        libpq = "postgresql://" + url.split("://", 1)[1]
        baseline = [sys.executable, "-c", f"import psycopg; psycopg.connect({libpq!r})"]
        env = _tick_env(home, url)
        result = paired({"base": (baseline, env), "tick": (_tick_command(), env)}, rounds)
    return {
        "tick_ms": result.wall["tick"] * 1000,
        "base_ms": result.wall["base"] * 1000,
        "wall_ratio": result.ratio("tick", "base"),
    }


def _target_database(folder: Path) -> Path:
    """The database the cache_refresh schedules read: three small tables."""
    path = folder / "target.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT)")
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total NUMERIC, placed TEXT)")
        conn.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, order_id INTEGER, sku TEXT, qty INTEGER)")
    conn.close()
    return path


class _TimedExecutor:
    """The real cache_refresh executor, its own wall time recorded from inside the worker thread."""

    def __init__(self) -> None:
        from amx_core.catalog.executor import run_cache_refresh

        self.run = run_cache_refresh
        self.times: list[float] = []
        self.lock = threading.Lock()

    def __call__(self, ctx):
        started = time.perf_counter()
        try:
            return self.run(ctx)
        finally:
            with self.lock:
                self.times.append(time.perf_counter() - started)

    def take(self) -> float:
        with self.lock:
            total, self.times = sum(self.times), []
        return total


def _rearm(store, at: datetime) -> None:
    from amx_core.tick.statements import SCHEDULE

    with store.write_session() as session:
        session.connection().execute(SCHEDULE.update().values(status="pending", next_fire_utc=at, last_error=None))


def fire_overhead(count: int, rounds: int, url: str | None = None) -> dict:
    from tick_support import bulk_schedules, profiles

    from amx_core.models import DbProfile
    from amx_core.tick import registry
    from amx_core.tick.passes import run_pass
    from amx_core.tick.settings import TickSettings

    home = Path(tempfile.mkdtemp(prefix="amx-bench-fire-"))
    store = _use_store(home, url)
    profiles(store)
    with store.session() as session:
        target = DbProfile(name="target", url=f"sqlite:///{_target_database(home)}")
        session.add(target)
        session.flush()
        target_id = target.id
    bulk_schedules(store, count, NOW, kind="cache_refresh", db_profile_id=target_id)
    executor = _TimedExecutor()
    registry.register("cache_refresh", executor)
    settings = TickSettings(workers=WORKERS)
    per_fire: list[float] = []
    executor_ms: list[float] = []
    try:
        for round_ in range(rounds + 1):  # round 0 warms up (first refresh, caches)
            at = NOW + timedelta(days=round_)
            _rearm(store, at)
            started = time.perf_counter()
            run_pass(store, now=at - timedelta(minutes=30), settings=settings)
            idle = time.perf_counter() - started
            executor.take()
            started = time.perf_counter()
            report = run_pass(store, now=at + timedelta(seconds=30), settings=settings)
            busy = time.perf_counter() - started
            executors = executor.take()
            assert len(report.fired) == count and not report.errors, report
            if round_:
                per_fire.append((busy - idle - executors / WORKERS) / count * 1000)
                executor_ms.append(executors / count * 1000)
    finally:
        registry.unregister("cache_refresh")
    return {
        "backend": store.dialect,
        "fired": count,
        "rounds": rounds,
        "per_fire_ms": statistics.median(per_fire),
        "spread": (min(per_fire), max(per_fire)),
        "executor_ms": statistics.median(executor_ms),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--fired", type=int, default=500)
    parser.add_argument("--pg", help="a PostgreSQL database URL; the bench creates and drops databases beside it")
    parser.add_argument("--only", choices=("idle", "fire"), help="run one half of the bench")
    args = parser.parse_args()
    verdicts = []
    print(f"cores: {os.cpu_count()}")

    if args.only != "fire":
        print(f'idle pass vs `python -c "import sqlite3"` (median of {args.rounds}, paired, interleaved)')
        heads = ("tick ms", "base ms", "wall x", "tick MiB", "base MiB", "mem x")
        print(f"{'schedules':>10} " + " ".join(f"{head:>9}" for head in heads))
        for count in (10, 10_000):
            r = idle_ratios(count, args.rounds)
            print(
                f"{r['schedules']:>10} {r['tick_ms']:>9.1f} {r['base_ms']:>9.1f} {r['wall_ratio']:>7.2f} "
                f"{r['tick_rss_mib']:>9.1f} {r['base_rss_mib']:>9.1f} {r['memory_ratio']:>6.2f}"
            )
            verdicts.append(r["wall_ratio"] <= TARGET_WALL and r["memory_ratio"] <= TARGET_MEMORY)
        print(f"targets: wall <= {TARGET_WALL}x, memory <= {TARGET_MEMORY}x")
        if args.pg:
            r = idle_pg(args.pg, args.rounds)
            print(
                f"idle pass, PostgreSQL store: {r['tick_ms']:.1f} ms vs import psycopg + connect "
                f"{r['base_ms']:.1f} ms: {r['wall_ratio']:.2f}x (target <= {TARGET_PG_WALL}x)"
            )
            verdicts.append(r["wall_ratio"] <= TARGET_PG_WALL)

    if args.only != "idle":
        runs = [fire_overhead(args.fired, args.rounds)]
        if args.pg:
            with _Database(args.pg) as url:
                runs.append(fire_overhead(args.fired, args.rounds, url))
        for r in runs:
            low, high = r["spread"]
            print(
                f"claim+bookkeeping ({r['backend']}, cache_refresh, {r['fired']} fired, median of {r['rounds']}): "
                f"{r['per_fire_ms']:.2f} ms per fired schedule ({low:.2f}-{high:.2f}; executor itself "
                f"{r['executor_ms']:.2f} ms) (target <= {TARGET_FIRE_MS[r['backend']]} ms)"
            )
            verdicts.append(r["per_fire_ms"] <= TARGET_FIRE_MS[r["backend"]])
    print("verdict:", "all targets met" if all(verdicts) else "target missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
