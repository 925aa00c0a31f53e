"""The bounded pool that executes claimed runs (docs/ARCHITECTURE.md §7.5).

The calling thread claims, submits, keeps in-flight runs' heartbeats fresh, turns cancel
requests found in the store (`amx runs cancel`, the app; any process) into the runs' cancel
events every second, and keeps claiming newly due work while runs are in flight; it returns
when nothing is in flight and nothing is claimable. Claims come in batches and some wait claimed
(their heartbeats kept fresh too), so a freed worker starts its next run at once instead of
waiting for a claim transaction: `workers` of them, or as many as the pool finishes in about
PREFETCH_SECONDS when its runs are short (up to MAX_BATCH), so no claim waits long for a worker.
A run that never started is settled cancelled when the pass is interrupted or someone cancels it.
Workers are ordinary (non-daemon) threads joined before returning, so no run is ever abandoned
mid-way by the process exiting.
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
from amx_core.tick.execute import Finished, cancel_unstarted, execute_claim
from amx_core.tick.logfile import tick_log
from amx_core.tick.retry import RetryPolicy
from amx_core.tick.settings import TickSettings
from amx_core.tick.sink import Observer, beat, cancel_requested

CANCEL_CHECK_SECONDS = 1.0  # how often the store is asked whether an in-flight run should stop
PREFETCH_SECONDS = 0.5  # claims made ahead cover about this much of the pool's work
MAX_BATCH = 8


class Supervisor:
    """Runs claims with at most `settings.workers` at once; `claim_more(n)` feeds it up to n newly due claims."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        settings: TickSettings,
        policy: RetryPolicy,
        *,
        claim_more: Callable[[int], list[Claim]] | None = None,
        observer: Observer | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.policy = policy
        self.claim_more = claim_more
        self.observer = observer
        self._inflight: dict[Future, tuple[Claim, threading.Event]] = {}
        self._queued: deque[Claim] = deque()
        self._dry = False  # the last claim found less than it asked for: no prefetch until a slot frees
        self._run_seconds: float | None = None  # a moving average of this pass's run durations

    def _claim(self, count: int) -> None:
        got = self.claim_more(count) if self.claim_more else []
        self._queued.extend(got)
        self._dry = len(got) < count

    def _ahead(self, workers: int) -> int:
        """How many claims to make ahead: `workers`, more when runs are short (see the module's docstring)."""
        if not self._run_seconds:
            return workers
        return max(workers, min(MAX_BATCH, int(workers * PREFETCH_SECONDS / self._run_seconds)))

    def _fill(self, pool: ThreadPoolExecutor, workers: int) -> None:
        """Free workers take queued claims (claiming more when none wait); then, unless the store ran dry,
        the next claims are made ahead while the workers run."""
        while len(self._inflight) < workers:
            if not self._queued:
                self._claim(workers - len(self._inflight) + self._ahead(workers))
                if not self._queued:
                    return
            self._submit(pool, self._queued.popleft())
        if not self._queued and not self._dry:
            self._claim(self._ahead(workers))

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
                finished = future.result()
            except Exception as exc:  # noqa: BLE001 - execute_claim guards itself; belt and braces
                tick_log("run-error", {"run": claim.run_id, "error": f"{type(exc).__name__}: {exc}"})
                continue
            results.append(finished)
            seconds = finished.duration_ms / 1000
            self._run_seconds = seconds if self._run_seconds is None else 0.8 * self._run_seconds + 0.2 * seconds

    def _beat(self) -> None:
        running = [claim.run_id for claim, _ in self._inflight.values()] + [claim.run_id for claim in self._queued]
        try:
            beat(self.store, running, self.clock())
        except Exception as exc:  # noqa: BLE001 - a missed beat is retried next interval
            tick_log("beat-error", {"error": f"{type(exc).__name__}: {exc}"})

    def _check_cancels(self, results: list[Finished]) -> None:
        waiting = {claim.run_id: cancel for claim, cancel in self._inflight.values() if not cancel.is_set()}
        queued = {claim.run_id: claim for claim in self._queued}
        try:
            requested = cancel_requested(self.store, [*waiting, *queued])
        except Exception as exc:  # noqa: BLE001 - asked again next second
            tick_log("cancel-check-error", {"error": f"{type(exc).__name__}: {exc}"})
            return
        for run_id in requested:
            tick_log("cancel-requested", {"run": run_id})
            if run_id in waiting:
                waiting[run_id].set()
            else:
                self._queued.remove(queued[run_id])
                results.append(self._cancel_unstarted(queued[run_id]))

    def _cancel_unstarted(self, claim: Claim) -> Finished:
        grace = timedelta(seconds=self.settings.grace_seconds)
        return cancel_unstarted(self.store, claim, self.clock, grace=grace, policy=self.policy)

    def cancel_all(self) -> None:
        for _, cancel in self._inflight.values():
            cancel.set()
        while self._queued:
            self._cancel_unstarted(self._queued.popleft())

    def run(self, initial: Iterable[Claim] = ()) -> list[Finished]:
        results: list[Finished] = []
        self._queued.extend(initial)
        workers = max(1, self.settings.workers)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="amx-run") as pool:
            last_beat = last_check = time.monotonic()
            try:
                while True:
                    self._fill(pool, workers)
                    if not self._inflight:
                        break
                    until_beat = self.settings.beat_seconds - (time.monotonic() - last_beat)
                    until_check = CANCEL_CHECK_SECONDS - (time.monotonic() - last_check)
                    timeout = max(0.05, min(until_beat, until_check))
                    done, _ = wait(list(self._inflight), timeout=timeout, return_when=FIRST_COMPLETED)
                    self._collect(done, results)
                    if self._inflight and time.monotonic() - last_check >= CANCEL_CHECK_SECONDS:
                        self._check_cancels(results)
                        last_check = time.monotonic()
                    if time.monotonic() - last_beat >= self.settings.beat_seconds:
                        self._beat()
                        last_beat = time.monotonic()
            except BaseException:
                self.cancel_all()  # Ctrl-C: ask every run to stop; the pool is joined on the way out
                raise
        return results
