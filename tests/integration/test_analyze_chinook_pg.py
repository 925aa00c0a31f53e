"""Chinook in PostgreSQL end to end: `amx-tick --now` fires; `auto` writes, `manual` waits for `amx review apply`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from analyze_support import add_profiles, make_schedule
from chinook import COLUMN_COUNT, TABLE_COUNT

from amx_core.models import Run
from amx_core.services import review

pytestmark = pytest.mark.postgres

BIN = Path(sys.executable).parent
FIRE = "2026-03-02T11:00:30+00:00"


def _cli(amx_home, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "AMX_HOME": str(amx_home)}
    env.pop("AMX_STORE_URL", None)
    return subprocess.run([str(BIN / args[0]), *args[1:]], env=env, capture_output=True, text=True, timeout=120)


def _comments(url: str) -> dict[str, str | None]:
    """`table` or `table.column` -> its comment, for every table and column in public."""
    query = (
        "SELECT c.relname, a.attname, obj_description(c.oid, 'pg_class'), col_description(c.oid, a.attnum) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"
    )
    engine = sa.create_engine(url)
    found: dict[str, str | None] = {}
    with engine.connect() as conn:
        for table, column, table_text, column_text in conn.exec_driver_sql(query):
            found[table] = table_text
            found[f"{table}.{column}"] = column_text
    engine.dispose()
    return found


def _tick(amx_home) -> dict:
    done = _cli(amx_home, "amx-tick", "--now", FIRE, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _run_row(store, run_id: int) -> Run:
    with store.session() as s:
        return s.get(Run, run_id)


def test_auto_schedule_fired_by_the_tick_leaves_readable_descriptions(store, amx_home, chinook_pg):  # noqa: F811
    add_profiles(store, chinook_pg)
    schedule = make_schedule(store, review="auto")
    report = _tick(amx_home)
    assert report["fired"] == [schedule.id] and len(report["runs"]) == 1
    run = _run_row(store, report["runs"][0])
    assert run.status == "completed", (run.error, run.log)
    assert (run.tables_planned, run.tables_done, run.columns_planned) == (TABLE_COUNT, TABLE_COUNT, COLUMN_COUNT)
    assert run.columns_applied > COLUMN_COUNT // 2
    comments = _comments(chinook_pg)
    written = {k: v for k, v in comments.items() if v}
    assert len(written) >= run.columns_applied
    assert comments["album.title"] and "album" in comments["album.title"].lower()
    assert comments["track"] and comments["track"].startswith("One row per track")
    listed = _cli(amx_home, "amx", "review", "list", "--run", str(run.id), "--state", "auto_applied", "--json")
    applied = json.loads(listed.stdout)
    assert {f"{s['target'].split('.', 1)[1]}" for s in applied} <= set(written)
    assert all(s["target"].startswith("public.") for s in applied)


def test_manual_schedule_writes_nothing_until_review_apply_and_detects_stale_text(store, amx_home, chinook_pg):  # noqa: F811
    add_profiles(store, chinook_pg)
    schedule = make_schedule(store, review="manual")
    report = _tick(amx_home)
    assert report["fired"] == [schedule.id]
    run = _run_row(store, report["runs"][0])
    assert run.status == "completed" and run.columns_queued == COLUMN_COUNT and run.columns_applied == 0
    assert not any(_comments(chinook_pg).values())

    listed = [v.to_json() for v in review.list_suggestions(store, run_id=run.id)]
    assert len(listed) == TABLE_COUNT + COLUMN_COUNT and {s["state"] for s in listed} == {"pending"}
    review.accept_suggestions(store, [s["id"] for s in listed])
    assert not any(_comments(chinook_pg).values())

    engine = sa.create_engine(chinook_pg)
    with engine.begin() as conn:  # a person documents one column meanwhile
        conn.exec_driver_sql("COMMENT ON COLUMN public.genre.name IS 'Genre as shown in the store.'")
    engine.dispose()

    applied = _cli(amx_home, "amx", "review", "apply", "--run", str(run.id), "--json")
    assert applied.returncode == 1  # not everything was written: one suggestion is stale
    results = {r["target"]: r for r in json.loads(applied.stdout)}
    assert results["public.genre.name"]["state"] == "stale"
    assert sum(r["ok"] for r in results.values()) == TABLE_COUNT + COLUMN_COUNT - 1
    comments = _comments(chinook_pg)
    assert comments["genre.name"] == "Genre as shown in the store."
    proposed = {s["target"]: s["proposed"] for s in listed}
    assert comments["album.title"] == proposed["public.album.title"]
    assert comments["invoice"] == proposed["public.invoice"]
    assert sum(1 for v in comments.values() if v) == TABLE_COUNT + COLUMN_COUNT
    shown = review.get_suggestion(store, results["public.album.title"]["id"]).to_json()
    assert shown["state"] == "applied" and shown["applied_sql"].startswith(
        'COMMENT ON COLUMN "public"."album"."title" IS $amx$'
    )
