"""Executors by schedule kind, for the tick to run a claimed firing with; a kind with none fails clearly.

An executor module is imported on the first run of its kind, so a pass firing only catalog
refreshes never loads the analyze engine.
"""

from __future__ import annotations

from collections.abc import Callable

from amx_core.execution.context import Executor, RunContext, RunOutcome


def _cache_refresh() -> Executor:
    from amx_core.catalog.executor import run_cache_refresh

    return run_cache_refresh


def _analyze() -> Executor:
    from amx_core.analyze.executor import run_analyze

    return run_analyze


# kind -> the loader of its built-in executor
BUILTIN: dict[str, Callable[[], Executor]] = {
    "cache_refresh": _cache_refresh,
    "analyze": _analyze,
}

_overrides: dict[str, Executor] = {}


def _prepare_analyze(llm_provider: str | None) -> None:
    from amx_core.llm.registry import load_provider

    load_provider(llm_provider)


# kind -> what loads the rest of what its runs need, given the schedule's LLM provider
PREPARE: dict[str, Callable[[str | None], None]] = {"analyze": _prepare_analyze}


def prepare(kind: str, llm_provider: str | None = None) -> None:
    """Load a kind's executor, and what its run will use, before the run is claimed: a run's time (started ->
    ended) is then its own work, not this process's imports. Nothing here can fail a run: errors wait for it."""
    try:
        executor_for(kind)
        ready = PREPARE.get(kind)
        if ready is not None and kind not in _overrides:
            ready(llm_provider)
    except Exception:  # noqa: BLE001 - the run itself reports what cannot be loaded, with its own outcome
        return


def register(kind: str, executor: Executor) -> None:
    """Install an executor for a kind (benchmarks register a no-op one)."""
    _overrides[kind] = executor


def unregister(kind: str) -> None:
    _overrides.pop(kind, None)


def executor_for(kind: str) -> Executor:
    if kind in _overrides:
        return _overrides[kind]
    load = BUILTIN.get(kind)
    return load() if load is not None else _missing(kind)


def _missing(kind: str) -> Executor:
    def run(_ctx: RunContext) -> RunOutcome:
        return RunOutcome(ok=False, error=f"{kind} executor not installed")

    return run
