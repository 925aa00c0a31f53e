"""Executing a run-now claim: in this process right away, or adopted by the detached worker a background run-now starts.

`amx_core.services.run_now` claims and reports to the faces; `amx-tick --execute-run RUN` is
the background worker, and it needs nothing above the tick.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime

from amx_core.errors import ActionError, NotFoundError
from amx_core.models import Run
from amx_core.store import Store, open_store
from amx_core.tick.claims import Claim, claim_of_run
from amx_core.tick.clock import Clock, as_clock
from amx_core.tick.fastpath import host_name
from amx_core.tick.notices import deliver_notices
from amx_core.tick.retry import RetryPolicy
from amx_core.tick.settings import TickSettings
from amx_core.tick.sink import Observer
from amx_core.tick.supervisor import Supervisor


def execute_claims(
    store: Store,
    claims: Sequence[Claim],
    clock: Clock,
    settings: TickSettings,
    policy: RetryPolicy,
    observer: Observer | None,
) -> None:
    """Execute claims made elsewhere: one worker each; the calling thread keeps heartbeats fresh and sees Ctrl-C."""
    Supervisor(store, clock, settings, policy, observer=observer).run(claims)
    deliver_notices(store, clock())


def adopt_run(store: Store, run_id: int) -> Run:
    """Take over a claimed run: it must still be running; it now reports this process as its runner."""
    with store.write_session() as session:
        run = session.get(Run, run_id)
        if run is None:
            raise NotFoundError("run", f"no run with id {run_id}")
        if run.status != "running":
            raise ActionError(f"run {run_id} is {run.status}, not running; nothing to execute")
        run.host, run.pid = host_name(), os.getpid()
        session.add(run)
        session.flush()
        session.expunge(run)
        return run


def execute_claimed_run(
    run_id: int,
    *,
    now: datetime | None = None,
    settings: TickSettings | None = None,
    store: Store | None = None,
    policy: RetryPolicy | None = None,
) -> str:
    """Execute a run claimed elsewhere (the background half of run-now); returns the run's final status."""
    store = store or open_store()
    run = adopt_run(store, run_id)
    settings = settings or TickSettings.from_env()
    execute_claims(store, [claim_of_run(run)], as_clock(now), settings, policy or RetryPolicy(), None)
    with store.session() as session:
        final = session.get(Run, run_id)
        if final is None:  # cannot happen: runs are never deleted
            raise NotFoundError("run", f"no run with id {run_id}")
        return final.status
