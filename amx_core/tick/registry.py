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
