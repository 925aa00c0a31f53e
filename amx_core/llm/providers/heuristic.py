"""The `heuristic` provider: offline and deterministic, for the demo and for machines without a model.

It describes what tables and columns mean from names (split and with abbreviations
expanded), types, keys, relationships and siblings; profile statistics only steer its
choice of words and appear in the text only when the schedule opted in, dated and scoped.
Every reason says so, and confidence stays in a moderate range (0.5-0.75) so `auto` review
only applies it where the policy allows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from amx_core.llm.heuristic_columns import describe_column
from amx_core.llm.heuristic_statistics import dated_statistics
from amx_core.llm.heuristic_tables import describe_table_text
from amx_core.llm.quality import proposal_flags
from amx_core.llm.types import ColumnFacts, Proposal, TableFacts, TableReply

REASON = (
    "Heuristic description from names, types, keys and relationships, with profile statistics as clues only "
    "(no language model)"
)
_CATEGORICAL_CLUES = ("codes declared by the schema", "code by name", "category by name", "yes/no name and values")


def _with_statistics(facts: TableFacts, column: ColumnFacts, text: str, clue: str) -> str:
    if not facts.with_statistics:
        return text
    said = dated_statistics(column.stats or {}, facts.as_of, categorical=clue in _CATEGORICAL_CLUES)
    return f"{text} {said}" if said else text


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
        on_reply: Callable[[int], None] | None = None,  # nothing is sent: the caller's slot is freed when it returns
    ) -> TableReply:
        wanted = set(only) if only is not None else None
        columns: dict[str, Proposal] = {}
        for column in facts.columns:
            if wanted is not None and column.name not in wanted:
                continue
            text, confidence, clue = describe_column(facts, column)
            text = _with_statistics(facts, column, text, clue)
            columns[column.name] = Proposal(
                text=text,
                confidence=confidence,
                reason=f"{REASON}; main clue: {clue}.",
                flags=proposal_flags(text, facts, column),
            )
        table = None
        if want_table:
            text, confidence = describe_table_text(facts)
            table = Proposal(text=text, confidence=confidence, reason=f"{REASON}.", flags=proposal_flags(text, facts))
        return TableReply(table=table, columns=columns, notes=("heuristic provider: no language model used",))

    def ping(self) -> str:
        return "heuristic provider: offline, always available (no model, no network)"
