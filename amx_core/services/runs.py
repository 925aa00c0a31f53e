"""Run history services (`amx runs list|show|cancel`, the TUI's history): frozen RunViews, newest first."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from amx_core.errors import ConflictError, NotFoundError
from amx_core.instants import iso
from amx_core.models import Run, Suggestion
from amx_core.models.base import saved_id
from amx_core.services.validation import one_of, record_id, whole_number
from amx_core.store import Store

DEFAULT_LIMIT = 100
MAX_LIMIT = 100_000
RUN_STATUSES = ("running", "completed", "failed", "cancelled")


@dataclass(frozen=True)
class RunView:
    """One firing (one attempt): why, when, how far it got, what it cost, and how it ended."""

    id: int
    schedule_id: int | None
    schedule_name: str | None
    kind: str
    reason: str
    status: str
    attempt: int
    occurrence_utc: datetime | None
    started_at: datetime
    ended_at: datetime | None
    heartbeat_at: datetime | None
    retry_at: datetime | None
    host: str | None
    pid: int | None
    tables_planned: int
    tables_done: int
    columns_planned: int
    columns_described: int
    columns_applied: int
    columns_queued: int
    columns_failed: int
    tokens_in: int
    tokens_out: int
    error: str | None
    log_lines: tuple[str, ...] = ()
    skipped_described: int = 0  # objects in scope a missing-only run left alone, by reason
    skipped_unchanged: int = 0
    skipped_pending: int = 0
    flagged: tuple[tuple[str, int], ...] = ()  # (flag, suggestions carrying it), most frequent first; `show` only
    cancel_requested_at: datetime | None = None

    @property
    def duration_seconds(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    def counts(self) -> dict[str, int]:
        return {
            "tables_planned": self.tables_planned,
            "tables_done": self.tables_done,
            "columns_planned": self.columns_planned,
            "columns_described": self.columns_described,
            "columns_applied": self.columns_applied,
            "columns_queued": self.columns_queued,
            "columns_failed": self.columns_failed,
            "skipped_described": self.skipped_described,
            "skipped_unchanged": self.skipped_unchanged,
            "skipped_pending": self.skipped_pending,
        }

    def to_json(self, *, with_log: bool = True) -> dict[str, Any]:
        """The stable `--json` shape (README): counts and tokens nested, instants ISO-8601."""
        data: dict[str, Any] = {
            "id": self.id,
            "schedule_id": self.schedule_id,
            "schedule_name": self.schedule_name,
            "kind": self.kind,
            "reason": self.reason,
            "status": self.status,
            "attempt": self.attempt,
            "occurrence_utc": iso(self.occurrence_utc),
            "started_at": iso(self.started_at),
            "ended_at": iso(self.ended_at),
            "heartbeat_at": iso(self.heartbeat_at),
            "retry_at": iso(self.retry_at),
            "duration_seconds": self.duration_seconds,
            "host": self.host,
            "pid": self.pid,
            "counts": self.counts(),
            "tokens": {"in": self.tokens_in, "out": self.tokens_out},
            "error": self.error,
            "cancel_requested_at": iso(self.cancel_requested_at),
        }
        if with_log:
            data["log"] = list(self.log_lines)
            data["flagged"] = dict(self.flagged)
        return data


def run_view(row: Run, *, with_log: bool = True) -> RunView:
    lines = tuple(line for line in (row.log or "").splitlines() if line) if with_log else ()
    return RunView(
        id=saved_id(row),
        schedule_id=row.schedule_id,
        schedule_name=row.schedule_name,
        kind=row.kind,
        reason=row.reason,
        status=row.status,
        attempt=row.attempt,
        occurrence_utc=row.occurrence_utc,
        started_at=row.started_at,
        ended_at=row.ended_at,
        heartbeat_at=row.heartbeat_at,
        retry_at=row.retry_at,
        host=row.host,
        pid=row.pid,
        tables_planned=row.tables_planned,
        tables_done=row.tables_done,
        columns_planned=row.columns_planned,
        columns_described=row.columns_described,
        columns_applied=row.columns_applied,
        columns_queued=row.columns_queued,
        columns_failed=row.columns_failed,
        tokens_in=row.tokens_in,
        tokens_out=row.tokens_out,
        error=row.error,
        log_lines=lines,
        skipped_described=row.skipped_described,
        skipped_unchanged=row.skipped_unchanged,
        skipped_pending=row.skipped_pending,
        cancel_requested_at=row.cancel_requested_at,
    )


def list_runs(
    store: Store, *, schedule_id: int | None = None, status: str | None = None, limit: int = DEFAULT_LIMIT
) -> list[RunView]:
    """Runs newest first (by id), optionally of one schedule (deleted schedules' runs included) or status."""
    limit = whole_number(limit, field="limit", minimum=1, maximum=MAX_LIMIT)
    stmt = select(Run).order_by(col(Run.id).desc()).limit(limit)
    if schedule_id is not None:
        stmt = stmt.where(Run.schedule_id == schedule_id)
    if status is not None:
        stmt = stmt.where(Run.status == one_of(status.strip().lower(), RUN_STATUSES, field="status"))
    with store.session() as session:
        return [run_view(row, with_log=False) for row in session.exec(stmt).all()]


def _flag_counts(session, run_id: int) -> tuple[tuple[str, int], ...]:
    """How many of the run's suggestions carry each quality or review flag."""
    stmt = select(Suggestion.flags_json).where(Suggestion.run_id == run_id, Suggestion.flags_json != "[]")
    counts: Counter[str] = Counter()
    for flags in session.exec(stmt):
        counts.update(set(json.loads(flags or "[]")))
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def get_run(store: Store, run_id: int | str) -> RunView:
    """One run with its log lines and the count of its flagged suggestions by flag."""
    run_id = record_id(run_id, field="run", what="run")
    with store.session() as session:
        row = session.get(Run, run_id)
        if row is None:
            raise NotFoundError("run", f"no run with id {run_id}")
        return replace(run_view(row), flagged=_flag_counts(session, saved_id(row)))


def cancel_run(store: Store, run_id: int | str, *, now: datetime | None = None) -> RunView:
    """Ask a running run to stop (docs/ARCHITECTURE.md §5.2, "cancel the run").

    The request is a column on the run: its runner, in whatever process or machine, reads it
    within a second and the run stops at its next table or request boundary, ending `cancelled`
    with its partial results; the schedule returns to the status it had before the run. Asking
    twice keeps the first request. A run that does not exist or is not running is refused
    (exit 2, field `run`).
    """
    number = record_id(run_id, field="run", what="run")
    with store.write_session() as session:
        row = session.get(Run, number)
        if row is None:
            raise NotFoundError("run", f"no run with id {number} (`amx runs list` shows them)")
        if row.status != "running":
            raise ConflictError(
                "run", f"run {number} is {row.status}, not running; only a running run can be cancelled"
            )
        if row.cancel_requested_at is None:
            row.cancel_requested_at = (now or datetime.now(UTC)).astimezone(UTC)
            session.add(row)
            session.flush()
        return run_view(row)


def cancel_schedule_run(store: Store, schedule_id: int, *, now: datetime | None = None) -> RunView:
    """Cancel the running run of a schedule (the app's key on a Running row); ConflictError when none runs."""
    with store.session() as session:
        stmt = (
            select(Run.id)
            .where(col(Run.schedule_id) == int(schedule_id), col(Run.status) == "running")
            .order_by(col(Run.id).desc())
        )
        run_id = session.exec(stmt).first()
    if run_id is None:
        raise ConflictError("id", f"schedule {schedule_id} has no running run to cancel")
    return cancel_run(store, run_id, now=now)
