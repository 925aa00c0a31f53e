"""Benchmark of `amx` as a user waits for it: whole processes, each ratio against a baseline in the same run.

1. `amx --help` / `python -c "import click"`. Target: < 2x.
2. `amx schedule list` on an empty store / `python -c "import sqlmodel"`. Target: <= 1.3x.
3. `amx schedule list` and `amx schedule list --json` with 10,000 schedules / the same command on the empty
   store. Target: <= 1.3x; the peak memory of the 10,000 `--json` run close to the empty store's.

Every command runs once per round, interleaved (bench/processes.py `paired`); a ratio is the median of the
rounds' ratios (the ratio of the medians is printed beside it). Stores are SQLite in a private AMX_HOME.

Run: .venv/bin/python bench/cli.py [--rounds 9] [--schedules 10000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from processes import paired  # bench/ is the script's own folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

FIRE = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
TARGETS = {"help": 2.0, "empty": 1.3, "table": 1.3, "json": 1.3}


def _store(count: int) -> dict[str, str]:
    """A private AMX_HOME holding a store with two profiles and `count` schedules; its environment."""
    home = Path(tempfile.mkdtemp(prefix="amx-bench-cli-"))
    env = dict(os.environ, AMX_HOME=str(home), AMX_NO_STARTUP_CHECK="1")
    env.pop("AMX_STORE_URL", None)
    os.environ.update(AMX_HOME=str(home))
    os.environ.pop("AMX_STORE_URL", None)
    from tick_support import bulk_schedules, profiles

    from amx_core.store import open_store, reset_stores

    reset_stores()
    store = open_store()
    profiles(store)
    if count:
        bulk_schedules(store, count, FIRE + timedelta(days=1))
    reset_stores()
    return env


def _amx() -> list[str]:
    script = Path(sys.executable).with_name("amx")
    return [str(script)] if script.exists() else [sys.executable, "-m", "amx_cli.main"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--schedules", type=int, default=10_000)
    args = parser.parse_args()

    empty, full = _store(0), _store(args.schedules)
    amx, python = _amx(), sys.executable
    commands = {
        "import click": ([python, "-c", "import click"], empty),
        "amx --help": ([*amx, "--help"], empty),
        "import sqlmodel": ([python, "-c", "import sqlmodel"], empty),
        "list, empty": ([*amx, "schedule", "list"], empty),
        "--json, empty": ([*amx, "schedule", "list", "--json"], empty),
        f"list, {args.schedules:,}": ([*amx, "schedule", "list"], full),
        f"--json, {args.schedules:,}": ([*amx, "schedule", "list", "--json"], full),
    }
    result = paired(commands, args.rounds)
    rows = [
        ("help", "amx --help", "import click"),
        ("empty", "list, empty", "import sqlmodel"),
        ("table", f"list, {args.schedules:,}", "list, empty"),
        ("json", f"--json, {args.schedules:,}", "--json, empty"),
    ]
    print(f"`amx` whole processes, {args.rounds} interleaved rounds, {os.cpu_count()} cores: median ms; ratio: the")
    print("median of the rounds' ratios (each round's command / its baseline), then the ratio of the medians")
    print(f"{'measure':<20} {'ms':>7} {'baseline':<16} {'ms':>7} {'ratio':>6} {'medians':>7} {'target':>7}")
    verdicts = []
    for key, name, baseline in rows:
        ratio = result.ratio(name, baseline)
        verdicts.append(ratio <= TARGETS[key])
        print(
            f"{name:<20} {result.wall[name] * 1000:>7.0f} {baseline:<16} {result.wall[baseline] * 1000:>7.0f} "
            f"{ratio:>5.2f}x {result.ratio_of_medians(name, baseline):>6.2f}x {'<=' if key != 'help' else '<'}"
            f"{TARGETS[key]}x"
        )
    big, small = f"--json, {args.schedules:,}", "--json, empty"
    print(
        f"peak RSS: {big} {result.rss[big] / 1024:.1f} MiB, {small} {result.rss[small] / 1024:.1f} MiB "
        f"({result.memory_ratio(big, small):.2f}x); list, empty {result.rss['list, empty'] / 1024:.1f} MiB"
    )
    print("verdict:", "all targets met" if all(verdicts) else "target missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
