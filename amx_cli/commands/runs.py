"""`amx runs list|show|cancel`: run history (every attempt is a run), plus the startup notice `amx` prints."""

from __future__ import annotations

import click

from amx_cli.app import AmxGroup, store
from amx_cli.output import emit_json, pairs, say
from amx_cli.tables import table


@click.group("runs", cls=AmxGroup)
def runs_group() -> None:
    """Run history: what fired, why, how far it got and how it ended."""


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _duration(view) -> str:
    seconds = view.duration_seconds
    if seconds is None:
        return "running" if view.status == "running" else "-"
    return f"{seconds:.1f}s"


def _short(text: str | None, width: int = 60) -> str:
    if not text:
        return ""
    line = text.splitlines()[0]
    return line if len(line) <= width else line[: width - 1] + "…"


@runs_group.command("list")
@click.option("--schedule", "schedule_ref", help="Only runs of this schedule (id or name)")
@click.option("--status", help="Only runs with this status (running, completed, failed, cancelled)")
@click.option("--limit", default="100", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def list_cmd(schedule_ref, status, limit, as_json):
    """List runs, newest first."""
    from amx_core.services.runs import list_runs
    from amx_core.services.schedules import resolve_ref

    st = store()
    schedule_id = resolve_ref(st, schedule_ref) if schedule_ref else None
    views = list_runs(st, schedule_id=schedule_id, status=status, limit=limit)
    if as_json:
        emit_json([view.to_json(with_log=False) for view in views])
        return
    table(
        ["ID", "SCHEDULE", "REASON", "STATUS", "TRY", "STARTED (UTC)", "TOOK", "TABLES", "ERROR"],
        [
            [
                v.id,
                f"{v.schedule_id} {v.schedule_name or ''}".strip() if v.schedule_id else "-",
                v.reason,
                v.status,
                v.attempt,
                _when(v.started_at),
                _duration(v),
                f"{v.tables_done}/{v.tables_planned}",
                _short(v.error),
            ]
            for v in views
        ],
    )


@runs_group.command("show")
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True)
def show_cmd(run_id, as_json):
    """Show one run: counts, tokens, error and its log lines."""
    from amx_core.services.runs import get_run

    view = get_run(store(), run_id)
    if as_json:
        emit_json(view.to_json())
        return
    print_run(view)


@runs_group.command("cancel")
@click.argument("run_ref", metavar="RUN")
@click.option("--json", "as_json", is_flag=True)
def cancel_cmd(run_ref, as_json):
    """Ask a running run to stop at its next table or request boundary (from any process or machine)."""
    from amx_core.services.runs import cancel_run

    view = cancel_run(store(), run_ref)
    if as_json:
        emit_json(view.to_json(with_log=False))
        return
    say(
        f"run {view.id} ({view.schedule_name or 'no schedule'}): cancel requested; it stops at its next table or "
        f"request boundary and ends cancelled (`amx runs show {view.id}`)"
    )


@runs_group.command("revert")
@click.argument("run_ref", metavar="RUN")
@click.option("--json", "as_json", is_flag=True)
def revert_cmd(run_ref, as_json):
    """Undo what a run wrote: put back each description it replaced (or remove the one it added).

    Only where the database still holds exactly what AMX wrote; otherwise the item is stale and left
    alone. Exits 1 when any item was not reverted.
    """
    from amx_cli.commands.review import report_writes
    from amx_core.services.review import revert_run

    report_writes(revert_run(store(), run_ref), as_json, nothing="the run wrote nothing that is still applied")


def print_run(view) -> None:
    pairs(
        [
            ("run", view.id),
            ("schedule", f"{view.schedule_id} {view.schedule_name or ''}".strip() if view.schedule_id else "-"),
            ("kind", view.kind),
            ("reason", view.reason),
            ("status", view.status),
            ("attempt", view.attempt),
            ("occurrence (UTC)", _when(view.occurrence_utc)),
            ("started (UTC)", _when(view.started_at)),
            ("ended (UTC)", _when(view.ended_at)),
            ("took", _duration(view)),
            ("retry at (UTC)", _when(view.retry_at)),
            ("runner", f"{view.host or '?'} pid {view.pid or '?'}"),
            ("tables", f"{view.tables_done}/{view.tables_planned}"),
            (
                "columns",
                f"{view.columns_planned} planned, {view.columns_described} described, "
                f"{view.columns_applied} applied, {view.columns_queued} queued, {view.columns_failed} failed",
            ),
            (
                "skipped",
                f"{view.skipped_described} described by a person, {view.skipped_unchanged} unchanged, "
                f"{view.skipped_pending} waiting for review",
            ),
            ("tokens", f"{view.tokens_in} in, {view.tokens_out} out"),
            ("cancel requested (UTC)", _when(view.cancel_requested_at)),
            ("flagged", ", ".join(f"{flag} {count}" for flag, count in view.flagged) or "none"),
            ("error", view.error or "-"),
        ]
    )
    for notice in view.notices:
        outcome = notice.status + (f" ({notice.error})" if notice.error else "")
        say(f"notice {notice.event} to {notice.notifier}: {outcome}")
    if view.log_lines:
        say("log:")
        for line in view.log_lines:
            say(f"  {line}")
