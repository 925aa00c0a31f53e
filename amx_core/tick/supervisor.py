"""The bounded pool that executes claimed runs (docs/ARCHITECTURE.md §7.5).

The calling thread claims, submits, keeps in-flight runs' heartbeats fresh, turns cancel
requests found in the store (`amx runs cancel`, the app; any process) into the runs' cancel
events every second, and keeps claiming newly due work while runs are in flight; it returns
when nothing is in flight and nothing is claimable. Workers are ordinary (non-daemon) threads
joined before returning, so no run is ever abandoned mid-way by the process exiting.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from amx_core.store import Store
from amx_core.tick.claims import Claim
from amx_core.tick.execute import Finished, execute_claim
from amx_core.tick.logfile import tick_log
from amx_core.tick.retry import RetryPolicy
from amx_core.tick.settings import TickSettings
from amx_core.tick.sink import Observer, beat, cancel_requested

CANCEL_CHECK_SECONDS = 1.0  # how often the store is asked whether an in-flight run should stop


class Supervisor:
    """Runs claims with at most `settings.workers` at once; `claim_more()` feeds it newly due work."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        settings: TickSettings,
        policy: RetryPolicy,
        *,
        claim_more: Callable[[], Claim | None] | None = None,
        observer: Observer | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.policy = policy
        self.claim_more = claim_more
        self.observer = observer
        self._inflight: dict[Future, tuple[Claim, threading.Event]] = {}

    def _next(self, queued: deque) -> Claim | None:
        if queued:
            return queued.popleft()
        return self.claim_more() if self.claim_more else None

    def _submit(self, pool: ThreadPoolExecutor, claim: Claim) -> None:
        cancel = threading.Event()
        future = pool.submit(
            execute_claim,
            self.store,
            claim,
            self.clock,
            grace=timedelta(seconds=self.settings.grace_seconds),
            policy=self.policy,
            cancel_event=cancel,
            observer=self.observer,
        )
        self._inflight[future] = (claim, cancel)

    def _collect(self, done: Iterable[Future], results: list[Finished]) -> None:
        for future in done:
            claim, _ = self._inflight.pop(future)
            try:
                results.append(future.result())
            except Exception as exc:  # noqa: BLE001 - execute_claim guards itself; belt and braces
                tick_log("run-error", {"run": claim.run_id, "error": f"{type(exc).__name__}: {exc}"})

    def _beat(self) -> None:
        try:
            beat(self.store, [claim.run_id for claim, _ in self._inflight.values()], self.clock())
        except Exception as exc:  # noqa: BLE001 - a missed beat is retried next interval
            tick_log("beat-error", {"error": f"{type(exc).__name__}: {exc}"})

    def _check_cancels(self) -> None:
        waiting = {claim.run_id: cancel for claim, cancel in self._inflight.values() if not cancel.is_set()}
        try:
            requested = cancel_requested(self.store, list(waiting))
        except Exception as exc:  # noqa: BLE001 - asked again next second
            tick_log("cancel-check-error", {"error": f"{type(exc).__name__}: {exc}"})
            return
        for run_id in requested:
            waiting[run_id].set()
            tick_log("cancel-requested", {"run": run_id})

    def cancel_all(self) -> None:
        for _, cancel in self._inflight.values():
            cancel.set()

    def run(self, initial: Iterable[Claim] = ()) -> list[Finished]:
        results: list[Finished] = []
        queued = deque(initial)
        workers = max(1, self.settings.workers)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="amx-run") as pool:
            last_beat = last_check = time.monotonic()
            try:
                while True:
                    while len(self._inflight) < workers:
                        claim = self._next(queued)
                        if claim is None:
                            break
                        self._submit(pool, claim)
                    if not self._inflight:
                        break
                    until_beat = self.settings.beat_seconds - (time.monotonic() - last_beat)
                    until_check = CANCEL_CHECK_SECONDS - (time.monotonic() - last_check)
                    timeout = max(0.05, min(until_beat, until_check))
                    done, _ = wait(list(self._inflight), timeout=timeout, return_when=FIRST_COMPLETED)
                    self._collect(done, results)
                    if self._inflight and time.monotonic() - last_check >= CANCEL_CHECK_SECONDS:
                        self._check_cancels()
                        last_check = time.monotonic()
                    if time.monotonic() - last_beat >= self.settings.beat_seconds:
                        self._beat()
                        last_beat = time.monotonic()
            except BaseException:
                self.cancel_all()  # Ctrl-C: ask every run to stop; the pool is joined on the way out
                raise
        return results
