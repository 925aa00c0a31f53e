"""What the app does once at start, in a thread: open the store, make the demo workspace when asked (or when
there is no DB profile at all), and read what needs the user's attention (missed schedules, recovered runs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from amx_core.services.profiles import list_db_profiles
from amx_core.store import Store
from amx_core.views import ScheduleView

if TYPE_CHECKING:
    from amx_tui.backend import Backend


@dataclass(frozen=True)
class StartupSummary:
    """What needs the user's attention at start: missed analyze schedules and runs recovered from a dead runner."""

    missed: tuple[ScheduleView, ...] = ()
    recovered: tuple[int, ...] = ()

    def recovered_notice(self) -> str | None:
        """One sentence about the recovered runs, or None when there were none."""
        if not self.recovered:
            return None
        return f"{len(self.recovered)} run(s) whose runner had stopped were marked failed."


def core_startup_report(store: Store, now: datetime) -> StartupSummary:
    """The core's startup report, narrowed to analyze schedules (the only kind the list shows)."""
    from amx_core.services.startup import startup_report

    report = startup_report(store, now)
    missed = tuple(view for view in report.missed if view.kind == "analyze")
    return StartupSummary(missed=missed, recovered=tuple(report.recovered))


def open_workspace(backend: Backend, store: Store) -> StartupSummary:
    """Thread: the demo workspace when wanted, then the startup report (missed slots settled, dead runs failed)."""
    if backend.ensure_demo or not list_db_profiles(store):
        from amx_core.demo.workspace import ensure_demo_workspace

        ensure_demo_workspace(store, now=backend.clock())
    return backend.startup_report(store, backend.clock())
