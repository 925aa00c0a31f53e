"""A schedule's past in one list, newest first: its runs and the occurrences it missed (the TUI's run history).

Runs come from `services.runs` (without their log; `get_run` has it), missed occurrences from the
missed ledger (`MissedSlot`). Runs of a deleted schedule stay in the history under its old id and name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import col, select

from amx_core.instants import iso
from amx_core.models import MissedSlot, Run, Schedule
from amx_core.models.base import saved_id
from amx_core.services.runs import DEFAULT_LIMIT, RunView, run_view
from amx_core.store import Store


@dataclass(frozen=True)
class MissedView:
    """One occurrence that passed without firing: when it was due, when that was noticed, why, and what was done."""

    id: int
    schedule_id: int
    schedule_name: str | None
    slot_utc: datetime
    detected_at: datetime
    reason: str
    action: str  # ask | run | skip

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "schedule_id": self.schedule_id,
            "schedule_name": self.schedule_name,
            "slot_utc": iso(self.slot_utc),
            "detected_at": iso(self.detected_at),
            "reason": self.reason,
            "action": self.action,
        }


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a history: a run (at its start) or a missed occurrence (at its slot)."""

    at: datetime
    run: RunView | None = None
    missed: MissedView | None = None

    @property
    def kind(self) -> str:
        return "run" if self.run is not None else "missed"

    @property
    def item(self) -> RunView | MissedView:
        """The run or the missed occurrence this line shows."""
        if self.run is not None:
            return self.run
        if self.missed is None:
            raise ValueError("a history entry holds a run or a missed occurrence")
        return self.missed

    @property
    def key(self) -> str:
        """Unique within a history: `run-12`, `missed-3`."""
        return f"{self.kind}-{self.item.id}"


@dataclass(frozen=True)
class ScheduleHistory:
    """The history of one schedule (`schedule_id` set) or of every schedule (None)."""

    schedule_id: int | None
    schedule_name: str | None
    entries: tuple[HistoryEntry, ...]

    @property
    def runs(self) -> tuple[RunView, ...]:
        return tuple(e.run for e in self.entries if e.run is not None)

    @property
    def missed(self) -> tuple[MissedView, ...]:
        return tuple(e.missed for e in self.entries if e.missed is not None)

    @property
    def running(self) -> tuple[int, ...]:
        """Ids of the runs still running (their counts and heartbeat move)."""
        return tuple(r.id for r in self.runs if r.status == "running")


def _missed_view(row: MissedSlot, name: str | None) -> MissedView:
    return MissedView(saved_id(row), row.schedule_id, name, row.slot_utc, row.detected_at, row.reason, row.action)


def schedule_history(store: Store, schedule_id: int | None = None, *, limit: int = DEFAULT_LIMIT) -> ScheduleHistory:
    """The newest `limit` runs and missed occurrences of a schedule (or of all), merged newest first."""
    limit = max(1, int(limit))
    runs_query = (
        select(Run)
        .options(defer(cast(QueryableAttribute[str], Run.log)))  # SQLModel types the attribute as its value
        .order_by(col(Run.started_at).desc(), col(Run.id).desc())
    ).limit(limit)
    missed_query = (
        select(MissedSlot, Schedule.name)
        .join(Schedule, col(Schedule.id) == MissedSlot.schedule_id, isouter=True)
        .order_by(col(MissedSlot.slot_utc).desc(), col(MissedSlot.id).desc())
        .limit(limit)
    )
    name = None
    with store.session() as session:
        if schedule_id is not None:
            runs_query = runs_query.where(Run.schedule_id == int(schedule_id))
            missed_query = missed_query.where(MissedSlot.schedule_id == int(schedule_id))
            name = session.exec(select(Schedule.name).where(Schedule.id == int(schedule_id))).first()
        runs = [run_view(row, with_log=False) for row in session.exec(runs_query)]
        missed = [_missed_view(row, slot_name) for row, slot_name in session.exec(missed_query)]
    if name is None and schedule_id is not None:
        name = next((r.schedule_name for r in runs if r.schedule_name), None)
    entries = [HistoryEntry(r.started_at, run=r) for r in runs] + [HistoryEntry(m.slot_utc, missed=m) for m in missed]
    entries.sort(key=lambda e: (e.at, e.kind == "run", e.item.id), reverse=True)
    return ScheduleHistory(schedule_id, name, tuple(entries[:limit]))
