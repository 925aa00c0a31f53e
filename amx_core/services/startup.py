"""The startup check of `amx` and `amx-tui`: report missed schedules and recovered runs, fire nothing.

It fails runs whose lease expired and settles slots missed past the grace window (recording
them in the ledger and applying each schedule's policy; policy `run` arms its one catch-up
for the next tick), then lists every schedule waiting in Missed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from amx_core.services.schedules import list_schedules
from amx_core.store import Store
from amx_core.tick.heartbeat import previous_tick
from amx_core.tick.leases import orphan_schedules, recover_expired, stale_runs
from amx_core.tick.missed import late_stmt, settle_missed
from amx_core.tick.settings import TickSettings
from amx_core.views import ScheduleView


@dataclass(frozen=True)
class StartupReport:
    """Schedules in Missed (the TUI's Missed dialog lists them) and runs failed by lease recovery now."""

    missed: list[ScheduleView] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"missed": [view.to_json() for view in self.missed], "recovered": list(self.recovered)}

    def notice(self) -> str | None:
        """One line for stderr, or None when there is nothing to say."""
        parts = []
        if self.missed:
            names = ", ".join(f"#{v.id} {v.name}" for v in self.missed[:3])
            more = f" +{len(self.missed) - 3}" if len(self.missed) > 3 else ""
            parts.append(
                f"{len(self.missed)} missed schedule(s) ({names}{more}): "
                "`amx schedule run-now ID` or `amx schedule skip ID`"
            )
        if self.recovered:
            ids = ", ".join(str(i) for i in self.recovered[:5])
            parts.append(
                f"{len(self.recovered)} run(s) failed because their runner stopped (run {ids}): `amx runs show ID`"
            )
        return "amx: " + "; ".join(parts) if parts else None


def _anything_to_settle(store: Store, now: datetime, grace: timedelta, lease: timedelta) -> bool:
    with store.session() as session:
        if session.exec(late_stmt(now, grace).limit(1)).first() is not None:
            return True
        return bool(stale_runs(session, now, lease)) or bool(orphan_schedules(session, now, lease))


def startup_report(
    store: Store, now: datetime | None = None, *, settings: TickSettings | None = None, simulated: bool = False
) -> StartupReport:
    """Record missed state and fail expired leases (no firing); report what the user should know.

    The app and `amx` read the real ticks' heartbeat for the ledger's reasons; `simulated` reads the
    simulated passes' too, as a `--now` pass does (docs/ARCHITECTURE.md §7).
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    settings = settings or TickSettings.from_env()
    grace, lease = timedelta(seconds=settings.grace_seconds), timedelta(seconds=settings.lease_seconds)
    recovered: list[int] = []
    if _anything_to_settle(store, now, grace, lease):
        recovered = [r.run_id for r in recover_expired(store, now, lease=lease, grace=grace) if r.run_id is not None]
        settle_missed(store, now, grace, previous_tick(store, simulated=simulated))
    return StartupReport(missed=list_schedules(store, statuses=("missed",)), recovered=recovered)
