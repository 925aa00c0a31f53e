"""What the model is told about one table: its columns with (safe) statistics and its FK neighbours' descriptions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from amx_core.analyze.profiling import TableProfile
from amx_core.analyze.targets import fk_tables
from amx_core.llm.types import ColumnFacts, TableFacts
from amx_core.scope.paths import format_path
from amx_core.scope.targets import TableKey

MAX_NEIGHBOURS = 8
NEIGHBOUR_TEXT = 300


def fk_edges(tables: Mapping[TableKey, Any]) -> dict[TableKey, list[TableKey]]:
    """table -> the tables its foreign keys point at (itself excluded), for every resolved table."""
    edges: dict[TableKey, list[TableKey]] = {}
    for key, table in tables.items():
        parents: list[TableKey] = []
        for column in table.columns:
            parents += [k for k in fk_tables(column.fk_target, table.schema) if k != key and k not in parents]
        edges[key] = parents
    return edges


def neighbour_index(edges: Mapping[TableKey, Sequence[TableKey]]) -> dict[TableKey, list[TableKey]]:
    """table -> its FK parents first, then the tables that reference it (built once per run)."""
    index = {key: list(parents) for key, parents in edges.items()}
    for child, parents in edges.items():
        for parent in parents:
            if parent in index and child not in index[parent]:
                index[parent].append(child)
    return index


def neighbours(keys: Sequence[TableKey], texts: Mapping[TableKey, str | None]) -> tuple[tuple[str, str], ...]:
    """(path, description) of the neighbours that have one, parents first, capped."""
    found = [(format_path(key), text[:NEIGHBOUR_TEXT]) for key in keys if (text := texts.get(key))]
    return tuple(found[:MAX_NEIGHBOURS])


def build_facts(
    table,
    columns: Sequence,
    profile: TableProfile,
    context: tuple[tuple[str, str], ...],
    currents: Mapping[str | None, str | None],
    *,
    codes: Mapping[str, tuple[str, ...]] | None = None,
    as_of: str | None = None,
) -> TableFacts:
    """TableFacts for `columns` of a ResolvedTable with their profile (statistics, withheld values);
    `currents` maps column name (None: the table) to its text.

    `as_of` (the run's ISO date) is given when the schedule lets descriptions state statistics.
    """
    codes = codes or {}
    return TableFacts(
        schema=table.schema,
        name=table.name,
        kind=table.kind,
        comment=currents.get(None),
        columns=tuple(
            ColumnFacts(
                name=c.name,
                type=c.type,
                nullable=c.nullable,
                primary_key=c.primary_key,
                fk_target=c.fk_target,
                comment=currents.get(c.name),
                stats=dict(profile.stats.get(c.name) or {}),
                withheld=profile.withheld.get(c.name),
                default=c.default,
                codes=tuple(codes.get(c.name) or ()),
            )
            for c in columns
        ),
        neighbours=context,
        with_statistics=as_of is not None,
        as_of=as_of,
    )
