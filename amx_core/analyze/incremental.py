"""Which objects of a table a run asks the model about, and why each of the others is skipped.

Missing-only (the default) asks about an object (the table or one of its columns) when it has
no description, or when its description is AMX's own (its WrittenMark holds that text), no
person reviewed it, and its structure changed since AMX wrote it. A person's text, a person's
edit and a person's accept are never asked about again, and neither is an object whose earlier
suggestion still waits in the review queue. `--all-columns` asks about everything in scope.
A mark written before structures were recorded adopts the structure seen now (it counts as
unchanged), so an upgrade does not re-describe everything once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from amx_core.analyze.apply import Destination
from amx_core.analyze.local_comments import read_local
from amx_core.analyze.marks import Mark, load_marks
from amx_core.analyze.structure import fingerprints
from amx_core.analyze.suggestions import waiting_targets
from amx_core.analyze.tables import TableJob
from amx_core.scope.targets import Target

if TYPE_CHECKING:
    from amx_core.catalog.views import ResolvedTable
    from amx_core.store import Store

ASK = "ask"
SKIPS = ("skipped_described", "skipped_unchanged", "skipped_pending")


@dataclass(frozen=True)
class Known:
    """What the store knows about one (profile, database) when a run plans, read once."""

    marks: Mapping[str, Mark]
    local: Mapping[str, str]  # the local catalog's texts
    waiting: frozenset[str]  # targets with a suggestion in the review queue

    @classmethod
    def load(cls, store: Store, profile_id: int, database: str) -> Known:
        return cls(
            marks=load_marks(store, profile_id, database),
            local=read_local(store, profile_id, database),
            waiting=waiting_targets(store, profile_id, database),
        )


@dataclass(frozen=True)
class TablePlan:
    """A table's job (None: nothing to ask), how many objects were skipped for which reason, and
    the structures that marks without one adopt."""

    job: TableJob | None
    skipped: Mapping[str, int] = field(default_factory=dict)
    adopted: Mapping[str, str] = field(default_factory=dict)


def current_texts(table: ResolvedTable, dest: Destination, local: Mapping[str, str]) -> dict[str | None, str | None]:
    """column name (None: the table) -> the text there now: the database's comment, or the local catalog's."""
    if dest.uses_local(table.kind):
        names = [None, *(c.name for c in table.columns)]
        return {name: local.get(Target(table.schema, table.name, name).path) for name in names}
    texts: dict[str | None, str | None] = {None: table.comment or None}
    texts.update({c.name: c.comment or None for c in table.columns})
    return texts


def decide(path: str, current: str | None, mark: Mark | None, structure: str, waiting: frozenset[str]) -> str:
    """ASK, or the counter naming why a missing-only run leaves this object alone."""
    if path in waiting:
        return "skipped_pending"
    if not current:
        return ASK
    if mark is None or not mark.holds(current) or mark.reviewed:
        return "skipped_described"
    if mark.fingerprint is None or mark.fingerprint == structure:
        return "skipped_unchanged"
    return ASK


def plan_table(table: ResolvedTable, dest: Destination, known: Known, missing_only: bool) -> TablePlan:
    """What to ask about `table` (only the scoped columns, and the table itself only when it is in scope whole)."""
    currents = current_texts(table, dest, known.local)
    structure = fingerprints(table)
    names: list[str | None] = ([None] if table.selected is None else []) + [c.name for c in table.columns_in_scope]
    paths = {name: Target(table.schema, table.name, name).path for name in currents}
    marks = {name: known.marks.get(path) for name, path in paths.items()}
    own = {name: m is not None and m.holds(currents[name]) for name, m in marks.items()}
    reviewed = frozenset(name for name, m in marks.items() if own[name] and m is not None and m.reviewed)
    skipped: dict[str, int] = {}
    adopted: dict[str, str] = {}
    wanted: set[str | None] = set()
    for name in names:
        verdict = (
            decide(paths[name], currents[name], marks[name], structure[name], known.waiting) if missing_only else ASK
        )
        if verdict == ASK:
            wanted.add(name)
            continue
        skipped[verdict] = skipped.get(verdict, 0) + 1
        mark = marks[name]
        if verdict == "skipped_unchanged" and mark is not None and mark.fingerprint is None:
            adopted[paths[name]] = structure[name]
    if not wanted:
        return TablePlan(None, skipped, adopted)
    job = TableJob(
        table=table,
        columns=tuple(c for c in table.columns_in_scope if c.name in wanted),
        want_table=None in wanted,
        currents=currents,
        amx_written={name: own[name] and name not in reviewed for name in currents},
        reviewed=reviewed,
        fingerprints=structure,
    )
    return TablePlan(job, skipped, adopted)


def skip_totals(plans: Iterable[TablePlan]) -> dict[str, int]:
    """Every skip counter (zeros included) summed over the tables of a run."""
    totals = dict.fromkeys(SKIPS, 0)
    for plan in plans:
        for reason, count in plan.skipped.items():
            totals[reason] += count
    return totals
