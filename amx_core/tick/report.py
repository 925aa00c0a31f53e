"""What one tick pass did (or, dry, would do): the `amx-tick --json` shape README.md documents.

Import-light on purpose: the idle pass prints it without loading the core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from amx_core.instants import iso
from amx_core.tick.idle import REPORT_LISTS, idle_summary


@dataclass(frozen=True)
class PlanItem:
    """One thing a dry run would do: fire, catch-up, retry, change, miss, skip, cancel, coalesce, recover."""

    action: str
    schedule_id: int | None
    name: str | None
    why: str
    at: datetime | None = None
    run_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "schedule_id": self.schedule_id,
            "name": self.name,
            "why": self.why,
            "at": iso(self.at),
            "run_id": self.run_id,
        }


@dataclass(frozen=True)
class TickReport:
    """Lists of schedule ids (`fired`, `missed`, `recovered`, `failed`, `retrying`) and run ids (`runs`)."""

    now: datetime
    dry_run: bool = False
    idle: bool = False
    fired: tuple[int, ...] = ()
    missed: tuple[int, ...] = ()
    recovered: tuple[int, ...] = ()
    failed: tuple[int, ...] = ()
    retrying: tuple[int, ...] = ()
    runs: tuple[int, ...] = ()
    recovered_runs: tuple[int, ...] = ()
    plan: tuple[PlanItem, ...] = ()
    errors: tuple[str, ...] = ()
    duration_ms: float | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"now": iso(self.now), "dry_run": self.dry_run, "idle": self.idle}
        body.update({key: list(getattr(self, key)) for key in REPORT_LISTS})
        body.update(
            {
                "plan": [item.to_json() for item in self.plan],
                "errors": list(self.errors),
                "duration_ms": self.duration_ms,
            }
        )
        return body

    def summary(self) -> str:
        """One human line (the non-JSON output of `amx-tick`)."""
        if self.idle:
            return idle_summary(self.now)
        parts = [
            f"{len(self.fired)} fired",
            f"{len(self.missed)} missed",
            f"{len(self.recovered)} recovered",
            f"{len(self.failed)} failed",
        ]
        if self.retrying:
            parts.append(f"{len(self.retrying)} retrying")
        head = "dry run" if self.dry_run else "tick"
        return f"{head} {self.now.isoformat(timespec='seconds')}: " + ", ".join(parts)
