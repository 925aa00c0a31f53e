"""One full tick pass (docs/ARCHITECTURE.md §7.2), once the idle check said there is work.

Order: heartbeat, lease recovery, change checks, missed sweep, then claim-and-execute until
nothing is claimable and nothing is in flight, then the heartbeat's duration and one log line.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

from amx_core.store import Store, open_store
from amx_core.tick.changes import poll_changes
from amx_core.tick.claims import Claim, Settled, claim_batch
from amx_core.tick.clock import Clock, as_clock
from amx_core.tick.execute import Finished
from amx_core.tick.fastpath import host_name
from amx_core.tick.heartbeat import previous_tick, record_heartbeat
from amx_core.tick.leases import recover_expired
from amx_core.tick.logfile import log_pass, tick_log
from amx_core.tick.missed import settle_missed
from amx_core.tick.notices import deliver_notices
from amx_core.tick.plan import plan_pass
from amx_core.tick.report import TickReport
from amx_core.tick.retry import RetryPolicy
from amx_core.tick.settings import TickSettings
from amx_core.tick.settle import FAILED
from amx_core.tick.supervisor import Supervisor

UNKNOWN = object()


def _unique(ids) -> tuple[int, ...]:
    return tuple(dict.fromkeys(i for i in ids if i is not None))


class _Claimer:
    """Feeds the supervisor: claims a batch of due schedules, settling missed ones on the way."""

    def __init__(self, store: Store, clock: Clock, grace: timedelta, previous_tick_at: datetime | None) -> None:
        self.store, self.clock, self.grace, self.previous = store, clock, grace, previous_tick_at
        self.settled: list[Settled] = []
        self.errors: list[str] = []
        self.host, self.pid = host_name(), os.getpid()

    def __call__(self, limit: int) -> list[Claim]:
        """Up to `limit` claims; fewer (or none) when fewer are due. A batch that only settled missed slots is
        followed by another."""
        while True:
            try:
                got = claim_batch(
                    self.store, self.clock(), self.grace, self.previous, host=self.host, pid=self.pid, limit=limit
                )
            except Exception as exc:  # noqa: BLE001 - a broken row must not stop the other schedules
                self.errors.append(f"claim: {type(exc).__name__}: {exc}")
                tick_log("claim-error", {"error": f"{type(exc).__name__}: {exc}"})
                return []
            claims = [item for item in got if isinstance(item, Claim)]
            self.settled.extend(item for item in got if isinstance(item, Settled))
            if claims or not got:
                return claims


def _report(now, recovered, settled, finished: list[Finished], errors, duration_ms) -> TickReport:
    missed = [s.schedule_id for s in settled if s.decision.action != "already-fired"]
    missed += [f.claim.schedule_id for f in finished if f.claim.reason == "catch-up"]
    done = [(f.claim, s) for f in finished if (s := f.settlement) is not None and not s.lost]
    return TickReport(
        now=now,
        fired=_unique(f.claim.schedule_id for f in finished),
        missed=_unique(missed),
        recovered=_unique(r.schedule_id for r in recovered),
        failed=_unique(claim.schedule_id for claim, s in done if s.run_status == FAILED and s.retry_at is None),
        retrying=_unique(claim.schedule_id for claim, s in done if s.retry_at is not None),
        runs=_unique(f.claim.run_id for f in finished),
        recovered_runs=_unique(r.run_id for r in recovered),
        errors=tuple(errors),
        duration_ms=duration_ms,
    )


def dry_run_pass(
    store: Store, now: datetime, settings: TickSettings, previous_tick_at, *, simulated: bool = False
) -> TickReport:
    """What a pass at `now` would do; writes nothing (no claim, no ledger, no heartbeat)."""
    if previous_tick_at is UNKNOWN:
        previous_tick_at = previous_tick(store, simulated=simulated)
    grace, lease = timedelta(seconds=settings.grace_seconds), timedelta(seconds=settings.lease_seconds)
    plan = plan_pass(store, now, grace=grace, lease=lease, previous_tick_at=previous_tick_at)
    by = lambda *actions: _unique(p.schedule_id for p in plan if p.action in actions)  # noqa: E731
    return TickReport(
        now=now,
        dry_run=True,
        fired=by("fire", "catch-up", "retry", "change"),
        missed=by("miss", "skip", "cancel", "catch-up", "coalesce"),
        recovered=by("recover"),
        retrying=by("retry"),
        recovered_runs=_unique(p.run_id for p in plan if p.action == "recover"),
        plan=tuple(plan),
    )


def run_pass(
    store: Store | None = None,
    *,
    now: datetime | Clock | None = None,
    dry_run: bool = False,
    settings: TickSettings | None = None,
    policy: RetryPolicy | None = None,
    previous_tick_at=UNKNOWN,
    heartbeat_written: bool = False,
    started: float | None = None,
) -> TickReport:
    """Run (or, with `dry_run`, plan) one full pass as of `now` (default: the real clock).

    A pass with a pinned clock is a simulation: its heartbeat goes to the simulated row (tick/heartbeat.py).
    """
    store = store or open_store()
    clock = as_clock(now)
    simulated = clock.is_pinned
    settings = settings or TickSettings.from_env()
    policy = policy or RetryPolicy()
    started = started if started is not None else time.perf_counter()
    at = clock()
    if dry_run:
        return dry_run_pass(store, at, settings, previous_tick_at, simulated=simulated)
    if previous_tick_at is UNKNOWN:
        previous_tick_at = previous_tick(store, simulated=simulated)
    host, pid = host_name(), os.getpid()
    if not heartbeat_written:
        record_heartbeat(store, at=at, duration_ms=None, host=host, pid=pid, last_fired=0, simulated=simulated)
    grace, lease = timedelta(seconds=settings.grace_seconds), timedelta(seconds=settings.lease_seconds)
    errors: list[str] = []

    recovered = recover_expired(store, clock(), lease=lease, grace=grace)
    try:
        poll_changes(store, clock())
    except Exception as exc:  # noqa: BLE001 - a catalog that cannot be read must not stop time schedules
        errors.append(f"change check: {type(exc).__name__}: {exc}")
    settled = settle_missed(store, clock(), grace, previous_tick_at)
    claimer = _Claimer(store, clock, grace, previous_tick_at)
    finished = Supervisor(store, clock, settings, policy, claim_more=claimer).run()
    errors += deliver_notices(store, clock())

    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    report = _report(at, recovered, settled + claimer.settled, finished, errors + claimer.errors, duration_ms)
    fired = len(report.fired)
    record_heartbeat(store, at=at, duration_ms=duration_ms, host=host, pid=pid, last_fired=fired, simulated=simulated)
    log_pass(report.to_json(), host=host, pid=pid, simulated=simulated)
    return report
