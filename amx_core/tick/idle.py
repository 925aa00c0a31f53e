"""The idle pass (docs/ARCHITECTURE.md §7.1) as `amx-tick` runs it: probe, log line, and the report, all import-light.

When the probe says there is nothing to do, this is all the process ever runs; the report has
the same JSON shape as a full pass's (`TickReport.to_json`), with every list empty.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

REPORT_LISTS = ("fired", "missed", "recovered", "failed", "retrying", "runs", "recovered_runs")


def idle_json(now: datetime, duration_ms: float | None) -> dict:
    body: dict = {"now": now.isoformat(), "dry_run": False, "idle": True}
    body.update({key: [] for key in REPORT_LISTS})
    body.update({"plan": [], "errors": [], "duration_ms": duration_ms})
    return body


def idle_summary(now: datetime) -> str:
    return f"tick {now.isoformat(timespec='seconds')}: nothing due"


def idle_pass(now: datetime, started: float, lease_seconds: float, simulated: bool = False):
    """Probe the store through its own driver: (idle report or None, probe or None); `simulated`: `--now` given."""
    from amx_core.tick.fastpath import host_name, probe
    from amx_core.tick.logfile import log_pass
    from amx_core.tick.storeurl import environment_target

    target = environment_target()
    if target is None:
        return None, None
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    seen = probe(target, now, lease_seconds=lease_seconds, duration_ms=elapsed, simulated=simulated)
    if seen is None or seen.busy:
        return None, seen
    report = idle_json(now, round((time.perf_counter() - started) * 1000, 1))
    log_pass(report, host=host_name(), pid=os.getpid(), simulated=simulated)
    return report, seen
