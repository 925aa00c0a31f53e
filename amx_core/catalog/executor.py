"""The `cache_refresh` schedule kind: refresh the schedule's catalog scoped to its scope, with live progress."""

from __future__ import annotations

from amx_core.catalog.connect import CatalogConnectError
from amx_core.catalog.refresh import refresh_catalog
from amx_core.errors import AmxError
from amx_core.execution.context import RunContext, RunOutcome, TransientError
from amx_core.wording import counted


def failure_outcome(exc: AmxError) -> RunOutcome:
    """The verdict on a failed catalog step (refresh, scope resolution) of any run kind.

    A transient connection failure (server unreachable, connection dropped) raises TransientError
    so the run is retried; anything else (bad scope, wrong password, missing database) ends the run
    with the error's message as last_error.
    """
    if isinstance(exc, CatalogConnectError) and exc.transient:
        raise TransientError(exc.message) from None
    return RunOutcome(ok=False, error=exc.message)


def run_cache_refresh(ctx: RunContext) -> RunOutcome:
    """Refresh; a dropped or unreachable server is a TransientError (retried), other failures end the run."""
    schedule = ctx.schedule

    def progress(done: int, planned: int, _current: str | None) -> None:
        ctx.check_cancelled()
        ctx.progress(tables_planned=planned, tables_done=done)

    scope = list(schedule.scope)
    ctx.log(
        f"catalog refresh of {schedule.db_profile}/{schedule.database or 'main'} "
        f"({', '.join(scope) or 'whole database'})"
    )
    try:
        report = refresh_catalog(
            ctx.store, schedule.db_profile, database=schedule.database, scope=scope, now=ctx.now, progress=progress
        )
    except AmxError as exc:
        return failure_outcome(exc)
    for change in report.changes:
        ctx.log(f"{change.kind} {change.path}" + (f" ({change.detail})" if change.detail else ""))
    note = (
        f"{counted(report.tables, 'table')}, {counted(report.columns, 'column')}; {report.reflected} re-read; "
        f"{counted(len(report.changes), 'change')} in {report.duration_seconds:.2f}s"
    )
    ctx.log(note)
    return RunOutcome(ok=True, note=note)
