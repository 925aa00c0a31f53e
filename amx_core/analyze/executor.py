"""The `analyze` executor: resolve the scope live, plan what to ask (`incremental`), then describe tables
parents-first as a pipeline.

The provider and its HTTP client are made while the scope is read. Tables are profiled ahead on a small
pool; a table is started once its FK parents in scope have their replies (so their descriptions are in
its prompt), and waits with its facts gathered for one of the LLM profile's max_concurrency request
slots, in plan order (`amx_core.llm.slots`). A request frees its slot the moment its answer arrives:
checking the reply happens after, and its suggestions are saved (and, under `auto`, applied) on a
write pool, so slots never wait on this machine's work and a failure later loses nothing. A table whose
request fails is counted failed and the run goes on; the run fails only when every table it asked
failed (a transient cause -> TransientError, so the tick retries per the schedule's policy). A
cancelled run stops asking (tables not started are withdrawn) but still saves the replies received.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

from amx_core.analyze.apply import Destination, open_destination
from amx_core.analyze.facts import fk_edges, neighbour_index, neighbours
from amx_core.analyze.handoff import quick_handoff
from amx_core.analyze.incremental import SKIPS
from amx_core.analyze.marks import adopt_fingerprints
from amx_core.analyze.planning import plan_tables
from amx_core.analyze.profiling import SAMPLE_ROWS, ProfileSettings
from amx_core.analyze.runplan import plan_run
from amx_core.analyze.suggestions import RunKey
from amx_core.analyze.tables import Described, RunEnv, TableJob, TableResult, describe_stage, profile_stage, write_stage
from amx_core.catalog.connect import CatalogConnectError
from amx_core.catalog.resolve import resolve_scope
from amx_core.engines.registry import engine_for
from amx_core.errors import AmxError
from amx_core.execution.context import RUN_COUNTERS, Executor, RunCancelled, RunContext, RunOutcome, TransientError
from amx_core.llm.budget import TokenBudget
from amx_core.llm.registry import NEEDS_NETWORK, Wiring, load_provider, provider_for
from amx_core.llm.slots import RequestSlots
from amx_core.profiles.rows import get_db_row, get_llm_row
from amx_core.profiles.views import llm_view
from amx_core.scope.targets import TableKey, Target
from amx_core.wording import counted

if TYPE_CHECKING:
    from amx_core.llm.providers.base import Provider
    from amx_core.llm.registry import Wiring
    from amx_core.views import LlmProfileView

WAIT_SECONDS = 0.5  # how often the scheduler looks at the cancel flag while requests are in flight
# threads profiling tables ahead of their request, in plan order, for a database server (its queries wait on the
# network); a database file is read in this process, under the GIL, by one (see `_profilers`)
PROFILERS = 2
# tables waiting for a request slot with their facts gathered, per slot: one is ready the moment a slot frees
AHEAD_PER_SLOT = 1
# the counters a run adds to as tables finish (the planned and skipped ones are set once, up front)
COUNTERS = tuple(c for c in RUN_COUNTERS if c not in ("tables_planned", "columns_planned", *SKIPS))


@dataclass(frozen=True)
class AnalyzeOptions:
    """Knobs for tests and benchmarks; the registry's `run_analyze` uses the defaults."""

    sample_rows: int = SAMPLE_ROWS
    wiring: Wiring | None = None  # retry policy and sleep of networked providers
    secrets: Callable[[str | None], str | None] | None = None


class _Progress:
    """The run's counters, kept on the scheduler thread and pushed to the context after each table."""

    def __init__(self, ctx: RunContext, jobs: dict[TableKey, TableJob], skipped: dict[str, int]) -> None:
        self.ctx = ctx
        self.counts = dict.fromkeys(COUNTERS, 0)
        self.counts.update(tables_planned=len(jobs), columns_planned=sum(len(j.columns) for j in jobs.values()))
        self.counts.update(skipped)
        ctx.progress(**self.counts)

    def add(self, result: TableResult, label: str) -> None:
        pairs = (
            ("tables_done", 1),
            ("columns_described", result.described),
            ("columns_applied", result.applied),
            ("columns_queued", result.queued),
            ("columns_failed", result.failed),
            ("tokens_in", result.tokens_in),
            ("tokens_out", result.tokens_out),
        )
        for name, value in pairs:
            self.counts[name] += value
        self.ctx.progress(**self.counts)
        if result.not_asked:
            line = "not asked: the token budget had no room for it"
        elif result.ok:
            line = (
                f"{label}: {result.described} of {counted(result.planned, 'column')} described, "
                f"{result.applied} applied, {result.queued} queued for review"
            )
        else:
            line = f"{label}: failed: {result.error}"
        self.ctx.log(line + "".join(f"; {note}" for note in result.notes[:5]))


def _writers(dest: Destination, workers: int) -> int:
    """Threads saving and applying: one when everything goes to the store (its writes are serial
    anyway, and more threads only compete with the requests for the GIL), else one per request slot."""
    return 1 if dest.local_only else workers


def _profilers(dest: Destination) -> int:
    """One profiling thread for a database file (SQLite, DuckDB): reading its sample is this process's CPU, and a
    second thread only made the first table wait for its request (0.27 -> 0.13 s into a run, 50 tables)."""
    return 1 if engine_for(dest.dialect).single_database else PROFILERS


def _schedule(
    ctx: RunContext, env: RunEnv, jobs: dict[TableKey, TableJob], all_tables: dict, workers: int, skipped: dict
) -> list[TableResult]:
    """Run the jobs parents-first: profiles ahead, describes on `workers` threads, saving/applying behind them."""
    edges = fk_edges(all_tables)
    plan = plan_tables({key: edges[key] for key in jobs})
    near = neighbour_index(edges)
    texts = {key: (t.comment or None) for key, t in all_tables.items()}
    texts.update({key: job.currents.get(None) for key, job in jobs.items()})
    progress = _Progress(ctx, jobs, skipped)
    results: list[TableResult] = []
    described: set[TableKey] = set()
    started: set[TableKey] = set()
    asking: dict[Future, TableKey] = {}
    writing: dict[Future, TableKey] = {}
    with (
        ThreadPoolExecutor(_profilers(env.dest), "amx-analyze-profile") as profile_pool,
        ThreadPoolExecutor(workers * (1 + AHEAD_PER_SLOT), "amx-analyze-llm") as llm_pool,
        ThreadPoolExecutor(_writers(env.dest, workers), "amx-analyze-write") as write_pool,
    ):
        profiled = {key: profile_pool.submit(profile_stage, env, jobs[key]) for key in plan.order}
        while True:
            if not ctx.cancel_event.is_set() and not (env.budget is not None and env.budget.stopped):
                for key in plan.ready(described, started)[: workers * (1 + AHEAD_PER_SLOT) - len(asking)]:
                    started.add(key)
                    context = neighbours(near[key], texts)
                    turn = env.slots.turn() if env.slots is not None else None
                    asking[llm_pool.submit(describe_stage, env, jobs[key], context, profiled[key], turn)] = key
            if not asking and not writing:
                profile_pool.shutdown(cancel_futures=True)
                break
            finished, _ = wait([*asking, *writing], timeout=WAIT_SECONDS, return_when=FIRST_COMPLETED)
            # handle them in submission order (a set has none), so results and log lines keep plan order
            for future in [f for f in (*asking, *writing) if f in finished]:
                if future in asking:
                    key = asking.pop(future)
                    described.add(key)
                    answer: Described = future.result()
                    if answer.withdrawn:
                        continue
                    texts[key] = answer.table_text or texts.get(key)
                    writing[write_pool.submit(write_stage, env, answer)] = key
                    continue
                key = writing.pop(future)
                results.append(future.result())
                progress.add(results[-1], jobs[key].label)
    if ctx.cancel_event.is_set():
        raise RunCancelled("cancelled")
    return results


def _provider(llm: LlmProfileView, options: AnalyzeOptions) -> Provider:
    """The run's provider, its HTTP client created (networked providers), ready for the first request."""
    provider = provider_for(llm, options.secrets, wiring=options.wiring or Wiring())
    load_provider(llm.provider)
    return provider


def _stopping(ctx: RunContext, budget: TokenBudget | None) -> Callable[[], bool]:
    """Has the run stopped asking (cancelled, or its token budget spent)?"""
    return lambda: ctx.cancel_event.is_set() or (budget is not None and budget.stopped)


def _skipped_text(skipped: dict[str, int]) -> str:
    """Why objects were left alone, as the run log and note say it."""
    return (
        f"not asked about: {skipped['skipped_described']} described by a person, "
        f"{skipped['skipped_unchanged']} unchanged since AMX described them, "
        f"{skipped['skipped_pending']} waiting in the review queue"
    )


def _outcome(
    results: list[TableResult], jobs: dict[TableKey, TableJob], in_scope: int, budget: TokenBudget | None
) -> RunOutcome:
    failed = [r for r in results if not r.ok]
    asked = [r for r in results if not r.not_asked]
    described = sum(r.described for r in results)
    applied = sum(r.applied for r in results)
    queued = sum(r.queued for r in results)
    note = (
        f"{len(asked) - len(failed)} of {counted(len(jobs), 'table')} described ({in_scope} in scope): "
        f"{counted(described, 'column')} described, {applied} applied, {queued} queued for review"
    )
    if budget is not None and budget.stopped:
        note = f"{budget.note()}; {note}"
        if failed and len(failed) == len(asked):
            return RunOutcome(ok=False, error=f"every table asked failed: {failed[0].error}", note=note)
        return RunOutcome(ok=True, note=note, stopped="budget")
    if failed:
        names = ", ".join(Target(*r.key).path for r in failed[:5]) + (" ..." if len(failed) > 5 else "")
        note += f"; {len(failed)} failed: {names}"
    if failed and len(failed) == len(results):
        first = failed[0].error or "unknown error"
        transient = [r for r in failed if r.transient]
        if transient:
            waits = [r.retry_after for r in transient if r.retry_after is not None]
            raise TransientError(f"every table failed: {transient[0].error}", retry_after=max(waits) if waits else None)
        return RunOutcome(ok=False, error=f"every table failed ({len(failed)}): {first}", note=note)
    return RunOutcome(ok=True, note=note)


def _analyze(ctx: RunContext, options: AnalyzeOptions) -> RunOutcome:
    schedule, store = ctx.schedule, ctx.store
    if not schedule.llm_profile:
        return RunOutcome(ok=False, error="llm-profile: the schedule names no LLM profile")
    try:
        with store.session() as s:
            llm = llm_view(get_llm_row(s, schedule.llm_profile, "name"))
            sample_mode = get_db_row(s, schedule.db_profile).sample_mode
        with ThreadPoolExecutor(1, "amx-analyze-start") as start:
            # the provider's imports and HTTP client are made while the catalog is read, not after it
            ready = start.submit(_provider, llm, options)
            resolved = resolve_scope(store, schedule.db_profile, schedule.database, schedule.scope, now=ctx.now)
            provider = ready.result()
    except CatalogConnectError as exc:
        if exc.transient:
            raise TransientError(exc.message) from None
        return RunOutcome(ok=False, error=exc.message)
    except AmxError as exc:
        return RunOutcome(ok=False, error=exc.message)
    ctx.check_cancelled()
    workers = max(1, int(llm.max_concurrency))
    with open_destination(store, schedule.db_profile, resolved.database or None, pool_size=workers + 1) as dest:
        only = ctx.changed_tables()  # a change-triggered run: only the tables its change events name
        plan = plan_run(store, dest, resolved.tables, missing_only=schedule.missing_only, only=only)
        all_tables, jobs, skipped = dict(plan.tables), dict(plan.jobs), dict(plan.skipped)
        adopt_fingerprints(store, dest.profile_id, dest.database, dict(plan.adopted))
        budget = TokenBudget(schedule.max_tokens) if schedule.max_tokens and llm.provider in NEEDS_NETWORK else None
        ctx.log(
            f"{counted(len(all_tables), 'table')} in scope, {len(jobs)} to describe with {llm.provider} "
            f"({workers} at a time, review {schedule.review}"
            + ("; descriptions may state dated statistics)" if schedule.with_statistics else ")")
            + (f"; token budget {schedule.max_tokens:,}" if budget is not None else "")
            + f"; {_skipped_text(skipped)}"
        )
        env = RunEnv(
            store=store,
            key=RunKey(ctx.run_id, schedule.id, dest.profile_id, dest.database),
            dest=dest,
            provider=provider,
            columns_per_request=llm.columns_per_request,
            review=schedule.review,
            profile=ProfileSettings(sample_rows=options.sample_rows, sample_mode=sample_mode),
            now=ctx.now,
            with_statistics=schedule.with_statistics,
            budget=budget,
            slots=RequestSlots(workers, _stopping(ctx, budget)),
        )
        with quick_handoff() if llm.provider in NEEDS_NETWORK else nullcontext():
            results = _schedule(ctx, env, jobs, all_tables, workers, skipped)
        if budget is not None and budget.stopped:
            ctx.log(budget.note())
    if not jobs:
        return RunOutcome(
            ok=True,
            note=f"nothing to describe in {counted(len(all_tables), 'table')} in scope; {_skipped_text(skipped)}",
        )
    return _outcome(results, jobs, len(all_tables), budget)


def make_analyzer(options: AnalyzeOptions) -> Executor:
    """An analyze executor with these options (tests and benchmarks register one)."""
    return lambda ctx: _analyze(ctx, options)


def run_analyze(ctx: RunContext) -> RunOutcome:
    """The `analyze` kind's executor (see amx_core.tick.registry)."""
    return _analyze(ctx, AnalyzeOptions())
