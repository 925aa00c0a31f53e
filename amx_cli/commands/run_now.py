"""`amx schedule run-now ID [--background]`: fire a schedule now through the tick's claim path."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from amx_cli.app import store
from amx_cli.output import emit_json, say

if TYPE_CHECKING:
    from amx_cli.progress import Progress


def _follow(bar: Progress) -> Callable[[str, dict], None]:
    """run_now's progress callback drawn by `bar`: counts as the bar, log lines as its steps."""

    def on_progress(kind: str, data: dict) -> None:
        if kind == "log":
            bar.note(data.get("line", ""))
        else:
            bar.update(data.get("tables_done", 0), data.get("tables_planned", 0))

    return on_progress


@click.command("run-now")
@click.argument("ref")
@click.option("--background", is_flag=True, help="Return at once; a detached worker executes the run")
@click.option("--json", "as_json", is_flag=True)
@click.option("--now", "now_text", hidden=True, help="Evaluate as if at this ISO instant (tests)")
def run_now_cmd(ref, background, as_json, now_text):
    """Fire a schedule now (refused while it is Running)."""
    from amx_cli.progress import Progress
    from amx_core.instants import parse_instant
    from amx_core.services.run_now import run_now
    from amx_core.services.schedules import resolve_ref

    st = store()
    now = parse_instant(now_text, field="now") if now_text else None
    bar = None if (as_json or background) else Progress("progress")
    try:
        result = run_now(
            st, resolve_ref(st, ref), background=background, now=now, on_progress=_follow(bar) if bar else None
        )
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        emit_json(result.to_json())
    elif background:
        say(f"run {result.run_id} started in the background (pid {result.pid}); `amx runs show {result.run_id}`")
    elif result.run is not None:
        run = result.run
        say(f"run {run.id} {run.status}" + (f": {run.error}" if run.error else ""))
    if result.run is not None and result.run.status not in ("completed",):
        sys.exit(1)
