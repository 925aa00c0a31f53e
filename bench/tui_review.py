"""Headless timings of the review queue (App.run_test) with 5,000 suggestions in one run: open, filter, mark.

The queue draws its first 400 rows while the rest is read; both moments are timed.

Prints each figure with its 300 ms target and ratios against baselines measured in the same run:
the same screen opening on an empty run, and the core's `list_suggestions` alone (the read the
screen's worker makes). Not a pass/fail test; run it with `.venv/bin/python bench/tui_review.py`.
Environment: BENCH_SUGGESTIONS (5000).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tui import NOW, SIZE, backend, home, line, settle  # noqa: E402 - the schedule-list bench's harness

SUGGESTIONS = int(os.environ.get("BENCH_SUGGESTIONS", "5000"))
REPEAT = 5
STATES = ("pending",) * 6 + ("accepted", "edited", "rejected", "stale", "apply_failed", "applied")


def seed_run(store, count: int) -> int:
    """One completed run holding `count` suggestions shaped like an analyze run's (tables of 20 columns)."""
    import sqlalchemy as sa

    from amx_core.demo.workspace import ensure_demo_workspace
    from amx_core.models import Run, Suggestion
    from amx_core.services.profiles import show_db_profile

    ensure_demo_workspace(store, now=NOW)
    profile_id = show_db_profile(store, "demo-shop").id
    with store.write_session() as s:
        run = Run(
            schedule_id=1,
            schedule_name="bench",
            reason="time",
            status="completed",
            started_at=NOW - timedelta(hours=1),
            ended_at=NOW,
        )
        s.add(run)
        s.flush()
        run_id = run.id
        rows = []
        for i in range(count):
            confidence = (i * 37 % 100) / 100
            rows.append(
                dict(
                    run_id=run_id,
                    schedule_id=1,
                    db_profile_id=profile_id,
                    database="",
                    target=f"main.table_{i // 20:04d}" + (f".column_{i % 20:02d}" if i % 20 else ""),
                    target_kind="column" if i % 20 else "table",
                    current_text=None if i % 3 else f"Old text {i}",
                    proposed=f"Proposed description number {i}: what this column holds, in a sentence or two. " * 2,
                    confidence=confidence,
                    band="high" if confidence >= 0.8 else "medium" if confidence >= 0.5 else "low",
                    alternatives_json=json.dumps([f"Alternative {i}", f"Another {i}"]),
                    reason="from names and values",
                    flags_json="[]",
                    state=STATES[i % len(STATES)],
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        s.connection().execute(sa.insert(Suggestion.__table__), rows)
    return run_id


def empty_run(store) -> int:
    from amx_core.models import Run

    with store.write_session() as s:
        run = Run(schedule_id=1, schedule_name="bench", reason="time", status="completed", started_at=NOW, ended_at=NOW)
        s.add(run)
        s.flush()
        return run.id


async def _painted(screen) -> None:
    painted = asyncio.Event()
    screen.call_after_refresh(painted.set)  # runs once the screen has been drawn
    await painted.wait()


async def review_timings(store, run_id: int, rows: int) -> dict[str, list[float]]:
    """Seconds to open the queue (to the first frame with rows, and with all of them), to toggle a filter, to mark."""
    from amx_tui.app import AmxApp
    from amx_tui.screens.review import ReviewScreen

    app = AmxApp(backend(store))
    times: dict[str, list[float]] = {"first": [], "whole": [], "handler": [], "to_idle": [], "mark": []}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(REPEAT):
            started = time.perf_counter()
            screen = ReviewScreen(run_id=run_id)
            app.push_screen(screen)
            while not (screen.loads or screen.order):
                await asyncio.sleep(0.001)
            await _painted(screen)
            times["first"].append(time.perf_counter() - started)
            while not screen.loads:
                await asyncio.sleep(0.001)
            await _painted(screen)
            times["whole"].append(time.perf_counter() - started)
            assert len(screen.table.keys) == rows, (len(screen.table.keys), rows)
            if rows:
                for chip in ("pending", "pending", "high", "high"):  # on, off, on, off
                    started = time.perf_counter()
                    (screen.bands if chip == "high" else screen.states).toggle(chip)
                    screen.apply_filter()
                    times["handler"].append(time.perf_counter() - started)
                    await pilot.pause()
                for key in ("1", "1", "8", "8"):
                    started = time.perf_counter()
                    await pilot.press(key)
                    await pilot.pause()
                    times["to_idle"].append(time.perf_counter() - started)
                started = time.perf_counter()
                await pilot.press("space")
                await pilot.pause()
                times["mark"].append(time.perf_counter() - started)
            await pilot.press("escape")
            await settle(pilot)
    return times


def list_alone(store, run_id: int) -> float:
    from amx_core.services.review import list_suggestions

    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        list_suggestions(store, run_id=run_id)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    from amx_core.store import open_store
    from amx_tui.entry import tune_gc

    tune_gc()  # as the amx-tui console script does
    with tempfile.TemporaryDirectory(prefix="amx-bench-review-") as tmp:
        with home(Path(tmp)):
            store = open_store()
            started = time.perf_counter()
            run_id = seed_run(store, SUGGESTIONS)
            print(
                f"amx-tui review bench: {SUGGESTIONS} suggestions in run #{run_id} "
                f"(seeded in {time.perf_counter() - started:.1f} s)"
            )
            blank = empty_run(store)
            asyncio.run(review_timings(store, blank, 0))  # warm imports and caches once
            empty = asyncio.run(review_timings(store, blank, 0))
            full = asyncio.run(review_timings(store, run_id, SUGGESTIONS))
            read = list_alone(store, run_id)

    def each(values: list[float]) -> str:
        return ", ".join(f"{t * 1000:.0f}" for t in values)

    empty_open = statistics.median(empty["first"])
    first, whole = statistics.median(full["first"]), statistics.median(full["whole"])
    to_idle = full["to_idle"]
    print(f"results (median of {REPEAT} opens / {len(full['handler'])} filter toggles; load {os.getloadavg()[0]:.1f}):")
    line("open the review queue, empty run (action to first frame)", empty_open)
    line(
        f"open the review queue, {SUGGESTIONS} suggestions: first rows drawn",
        first,
        0.3,
        f"  ratio {first / empty_open:.2f}x the empty run; each: {each(full['first'])}",
    )
    line(
        f"  ... and all {SUGGESTIONS} in the table (counts, filters complete)",
        whole,
        0.3,
        f"  ratio {whole / empty_open:.2f}x; each: {each(full['whole'])}",
    )
    line(f"  baseline: list_suggestions alone ({SUGGESTIONS} rows, what the worker reads)", read)
    line("filter toggle, state or band (handler + table diff)", statistics.median(full["handler"]), 0.3)
    line(
        "filter toggle, key press to idle (Pilot)",
        statistics.median(to_idle),
        0.3,
        f"  worst {max(to_idle) * 1000:.0f} ms",
    )
    line("mark a row (space, to idle)", statistics.median(full["mark"]), 0.3)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
