"""Executors by schedule kind; a kind with no executor fails clearly instead of pretending."""

from __future__ import annotations

import importlib

from amx_core.execution.context import Executor, RunContext, RunOutcome

# kind -> "module:function"; imported only when a run of that kind executes.
BUILTIN: dict[str, str] = {
    "cache_refresh": "amx_core.catalog.executor:run_cache_refresh",
    "analyze": "amx_core.analyze.executor:run_analyze",
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
    target = BUILTIN.get(kind)
    if target is None:
        return _missing(kind)
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return _missing(kind)
        raise
    return getattr(module, attr)


def _missing(kind: str) -> Executor:
    def run(_ctx: RunContext) -> RunOutcome:
        return RunOutcome(ok=False, error=f"{kind} executor not installed")

    return run
