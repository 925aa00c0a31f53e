"""Parents first: the order tables are described in, so FK neighbours' descriptions can give context.

Kahn's algorithm over the FK edges inside the scope, ties broken by name; a cycle is broken
at the table with the fewest parents still waiting (then by name), so every table is planned
exactly once. `parents` keeps only the edges the order honours: a worker may start a table
once those have finished.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from amx_core.scope.targets import TableKey


@dataclass(frozen=True)
class TablePlan:
    order: tuple[TableKey, ...]
    parents: Mapping[TableKey, tuple[TableKey, ...]]

    def ready(self, done: set[TableKey], started: set[TableKey]) -> list[TableKey]:
        """Tables not started whose parents are all done, in plan order."""
        return [key for key in self.order if key not in started and all(p in done for p in self.parents[key])]


def plan_tables(edges: Mapping[TableKey, Iterable[TableKey]]) -> TablePlan:
    """`edges`: table -> the tables it references (any; those outside `edges` and itself are ignored)."""
    waiting = {key: {p for p in parents if p in edges and p != key} for key, parents in edges.items()}
    order: list[TableKey] = []
    kept: dict[TableKey, tuple[TableKey, ...]] = {}
    placed: set[TableKey] = set()
    while waiting:
        free = sorted(key for key, parents in waiting.items() if not parents)
        if not free:  # a cycle: break it where the fewest parents are still waiting
            free = [min(waiting, key=lambda key: (len(waiting[key]), key))]
        for key in free:
            order.append(key)
            placed.add(key)
            kept[key] = tuple(sorted(p for p in edges[key] if p in placed and p != key))
            del waiting[key]
        for parents in waiting.values():
            parents.difference_update(free)
    return TablePlan(order=tuple(order), parents=kept)
