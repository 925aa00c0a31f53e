"""The `heuristic` provider: offline and deterministic, for the demo and for machines without a model.

It describes from names (split and with abbreviations expanded), types, keys,
relationships and profile statistics, says so in every reason, and stays in a moderate
confidence range (0.5-0.75) so `auto` review only applies it where the policy allows.
"""

from __future__ import annotations

from collections.abc import Sequence

from amx_core.llm.flags import review_flags
from amx_core.llm.heuristic_columns import article, describe_column, split_path
from amx_core.llm.names import entity
from amx_core.llm.types import ColumnFacts, Proposal, TableFacts, TableReply

REASON = "Heuristic description from names, types, keys, relationships and profile statistics (no language model)"
_KINDS = {
    "table": "Table",
    "view": "View",
    "materialized view": "Materialized view",
    "materialized_view": "Materialized view",
}


def _table_names(paths: Sequence[str], *, ends_with_column: bool) -> list[str]:
    """Distinct table names from paths (`schema.table.column` when `ends_with_column`, else `schema.table`)."""
    seen: list[str] = []
    for path in paths:
        parts = split_path(path) or [path]
        name = parts[-2] if ends_with_column and len(parts) >= 2 else parts[-1]
        if name not in seen:
            seen.append(name)
    return seen


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _link(facts: TableFacts, column: ColumnFacts, owner: str) -> str:
    """`an employee (through SupportRepId)`, or `another employee (...)` for a self-reference."""
    target = _table_names([column.fk_target or ""], ends_with_column=True)[0]
    if target == facts.name:
        return f"another {owner} (through {column.name})"
    noun = entity(target)
    return f"{article(noun)} {noun} (through {column.name})"


def describe_table_text(facts: TableFacts) -> tuple[str, float]:
    """(description, confidence) for the table itself, from its name, keys and relationships."""
    owner = entity(facts.name)
    kind = _KINDS.get(facts.kind.lower(), facts.kind.capitalize() or "Table")
    keys = [c.name for c in facts.columns if c.primary_key]
    targets = _table_names([c.fk_target for c in facts.columns if c.fk_target], ends_with_column=True)
    link_table = len(targets) >= 2 and all(c.fk_target or c.primary_key for c in facts.columns)
    if link_table:
        parts = [f"Link {kind.lower()} connecting {_join([entity(t) for t in targets])}: one row per combination."]
    else:
        parts = [f"{kind} holding one row per {owner}" + (f", identified by {_join(keys)}." if keys else ".")]
        links = [_link(facts, column, owner) for column in facts.columns if column.fk_target]
        if links:
            parts.append(f"Each {owner} refers to {_join(links)}.")
    neighbours = _table_names([path for path, _ in facts.neighbours], ends_with_column=False)
    related = [n for n in neighbours if n not in targets and n != facts.name]
    if related:
        parts.append(f"Related tables: {_join(related)}.")
    others = [c.name for c in facts.columns if not c.primary_key and not c.fk_target][:6]
    if others:
        parts.append(f"{len(facts.columns)} columns, including {_join(others)}.")
    return " ".join(parts), 0.7 if keys or targets else 0.6


class HeuristicProvider:
    """Describes tables without any network; same facts in, same text out."""

    name = "heuristic"
    model = "heuristic"

    def __repr__(self) -> str:
        return "HeuristicProvider()"

    def describe_table(
        self,
        facts: TableFacts,
        *,
        only: Sequence[str] | None = None,
        want_table: bool = True,
        repair_hint: str | None = None,
    ) -> TableReply:
        wanted = set(only) if only is not None else None
        columns: dict[str, Proposal] = {}
        for column in facts.columns:
            if wanted is not None and column.name not in wanted:
                continue
            text, confidence, clue = describe_column(facts, column)
            columns[column.name] = Proposal(
                text=text,
                confidence=confidence,
                reason=f"{REASON}; main clue: {clue}.",
                flags=review_flags(column.name, column.type, text),
            )
        table = None
        if want_table:
            text, confidence = describe_table_text(facts)
            table = Proposal(
                text=text, confidence=confidence, reason=f"{REASON}.", flags=review_flags(facts.name, facts.kind, text)
            )
        return TableReply(table=table, columns=columns, notes=("heuristic provider: no language model used",))

    def ping(self) -> str:
        return "heuristic provider: offline, always available (no model, no network)"
