"""Layout snapshots of the run history, review queue and profiles screens: fixed size and clock, seeded rows.

Update after an intended change with `pytest tests/tui/test_screen_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from screens_support import seed_history, seed_suggestions
from tui_support import NOW, FakeDaemon, make_app, press, settle

from amx_core.models import Run
from amx_core.services.profiles import (
    SecretSource,
    add_db_profile,
    add_llm_profile,
    show_db_profile,
)
from amx_core.services.schedules import list_schedules

TERMINAL = (140, 40)
SIZES = {"80x24": (80, 24), "200x60": (200, 60)}


def _app(store):
    return make_app(store, FakeDaemon(state="loaded"), live_seconds=3600)


async def _still(pilot) -> None:
    await settle(pilot)
    pilot.app.clear_notifications()  # toasts expire by the wall clock: keep them out of the picture
    await pilot.pause()


def test_history_screen_with_a_live_run_and_missed_occurrences(demo, snap_compare):
    nightly = next(v for v in list_schedules(demo) if v.name == "Nightly shop descriptions")
    seed_history(demo, nightly.id, nightly.name)

    async def open_history(pilot) -> None:
        await settle(pilot)
        assert pilot.app.screen.table.move_to_key(str(nightly.id))
        await press(pilot, "h")
        await _still(pilot)

    assert snap_compare(_app(demo), terminal_size=TERMINAL, run_before=open_history)


def seed_review(demo) -> None:
    with demo.write_session() as s:
        run = Run(
            schedule_id=1,
            schedule_name="Nightly shop descriptions",
            reason="time",
            status="completed",
            started_at=NOW - timedelta(hours=1),
            ended_at=NOW - timedelta(minutes=57),
        )
        s.add(run)
        s.flush()
        run_id = run.id
    seed_suggestions(demo, run_id, show_db_profile(demo, "demo-shop").id)


async def open_review(pilot) -> None:
    await settle(pilot)
    await press(pilot, "v")
    screen = pilot.app.screen
    screen.table.move_to_key(str(min(screen.views)))
    await press(pilot, "space")  # mark the first row; the cursor moves on
    stale = next(v.id for v in screen.views.values() if v.state == "stale")
    screen.table.move_to_key(str(stale))
    await _still(pilot)


def test_review_queue_side_by_side(demo, snap_compare):
    seed_review(demo)
    assert snap_compare(_app(demo), terminal_size=TERMINAL, run_before=open_review)


@pytest.mark.parametrize("size", SIZES)
def test_review_queue_at(demo, snap_compare, size):
    seed_review(demo)
    assert snap_compare(_app(demo), terminal_size=SIZES[size], run_before=open_review)


def test_profiles_screen_with_references_and_a_test_result(store, snap_compare):
    add_db_profile(
        store,
        name="warehouse",
        url="postgresql+psycopg://amx@db.example:5432/sales",
        password=SecretSource(env="PGPASSWORD"),
        default_database="sales",
    )
    add_db_profile(store, name="shop", url="sqlite:///shop.db")
    add_llm_profile(
        store,
        name="gpt",
        provider="openai",
        model="gpt-4o-mini",
        base_url="https://api.openai.com/v1",
        api_key=SecretSource(key="OPENAI_API_KEY"),
    )
    add_llm_profile(store, name="offline", provider="heuristic")

    async def open_profiles(pilot) -> None:
        await settle(pilot)
        await press(pilot, "P")
        screen = pilot.app.screen
        screen.table("llm").focus()
        screen.table("llm").move_to_key("offline")
        await press(pilot, "t")
        await _still(pilot)

    assert snap_compare(_app(store), terminal_size=TERMINAL, run_before=open_profiles)
