"""What a run will ask, decided before anything is asked: the executor plans with it, and so does the estimate
(`amx schedule estimate`), so the two cannot disagree.

Per table in scope (a change-triggered run: only the tables its change events name) the incremental
rules (`incremental.plan_table`) decide which objects go to the model; the rest are counted skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from amx_core.analyze.apply import Destination
from amx_core.analyze.incremental import Known, TablePlan, plan_table, skip_totals
from amx_core.analyze.tables import TableJob
from amx_core.catalog.views import ResolvedTable
from amx_core.scope.targets import TableKey


@dataclass(frozen=True)
class RunPlan:
    """Every table in scope, the jobs (tables with something to ask), the skip counters, and the structures
    that marks without one adopt (written by the executor only)."""

    tables: Mapping[TableKey, ResolvedTable]
    jobs: Mapping[TableKey, TableJob]
    skipped: Mapping[str, int]
    adopted: Mapping[str, str]


def plan_run(store, dest: Destination, tables: Iterable[ResolvedTable], *, missing_only: bool, only=None) -> RunPlan:
    """Plan the run over `tables` (the resolved scope); `only`: the (schema, table) keys a change run is about."""
    known = Known.load(store, dest.profile_id, dest.database)
    everything = {(t.schema, t.name): t for t in tables}
    plans: dict[TableKey, TablePlan] = {
        key: plan_table(table, dest, known, missing_only)
        for key, table in everything.items()
        if only is None or key in only
    }
    return RunPlan(
        tables=everything,
        jobs={key: plan.job for key, plan in plans.items() if plan.job is not None},
        skipped=skip_totals(plans.values()),
        adopted={target: fp for plan in plans.values() for target, fp in plan.adopted.items()},
    )
