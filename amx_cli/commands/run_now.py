"""`amx schedule run-now ID [--background]`: fire a schedule now through the tick's claim path."""

from __future__ import annotations

import sys
import time

import click

from amx_cli.app import store
from amx_cli.output import emit_json, say
from amx_core.text import shown


class ProgressPrinter:
    """A one-line bar on a TTY (tables done/total, current step, elapsed); plain lines otherwise."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self.started = time.monotonic()
        self.counts: dict = {}
        self.current = ""
        self.last_plain: tuple[int, int] | None = None

    def __call__(self, kind: str, data: dict) -> None:
        if kind == "log":
            self.current = data.get("line", "")
            if not self.tty:
                say(f"  {self.current}")
        else:
            self.counts = data
        self._draw()

    def _draw(self) -> None:
        done, total = self.counts.get("tables_done", 0), self.counts.get("tables_planned", 0)
        elapsed = time.monotonic() - self.started
        if self.tty:
            width = 24
            filled = int(width * done / total) if total else 0
            bar = "#" * filled + "-" * (width - filled)
            text = f"\r[{bar}] {done}/{total} tables  {shown(self.current)[:40]:<40} {elapsed:5.0f}s"
            click.echo(text, nl=False)
        elif (done, total) != self.last_plain and self.counts:
            self.last_plain = (done, total)
            click.echo(f"progress: {done}/{total} tables, {elapsed:.0f}s")

    def close(self) -> None:
        if self.tty:
            click.echo("")


@click.command("run-now")
@click.argument("ref")
@click.option("--background", is_flag=True, help="Return at once; a detached worker executes the run")
@click.option("--json", "as_json", is_flag=True)
@click.option("--now", "now_text", hidden=True, help="Evaluate as if at this ISO instant (tests)")
def run_now_cmd(ref, background, as_json, now_text):
    """Fire a schedule now (refused while it is Running)."""
    from amx_core.instants import parse_instant
    from amx_core.services.run_now import run_now
    from amx_core.services.schedules import resolve_ref

    st = store()
    now = parse_instant(now_text, field="now") if now_text else None
    printer = None if (as_json or background) else ProgressPrinter(sys.stdout.isatty())
    try:
        result = run_now(st, resolve_ref(st, ref), background=background, now=now, on_progress=printer)
    finally:
        if printer is not None:
            printer.close()
    if as_json:
        emit_json(result.to_json())
    elif background:
        say(f"run {result.run_id} started in the background (pid {result.pid}); `amx runs show {result.run_id}`")
    elif result.run is not None:
        run = result.run
        say(f"run {run.id} {run.status}" + (f": {run.error}" if run.error else ""))
    if result.run is not None and result.run.status not in ("completed",):
        sys.exit(1)
