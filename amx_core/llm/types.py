"""The facts a provider is given about one table and the proposals it hands back, as frozen values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

HIGH_CONFIDENCE = 0.8
MEDIUM_CONFIDENCE = 0.5


def band(confidence: float) -> str:
    """'high' from 0.8, 'medium' from 0.5, else 'low' (the bands the review queue shows)."""
    if confidence >= HIGH_CONFIDENCE:
        return "high"
    if confidence >= MEDIUM_CONFIDENCE:
        return "medium"
    return "low"


@dataclass(frozen=True)
class ColumnFacts:
    """One column as the profiler saw it; `stats` values are already masked and safe to send.

    `fk_target` is the referenced column's path (`schema.table.column` or `table.column`).
    `stats` keys: sample_rows, null_ratio, distinct_count, distinct_capped, min, max,
    min_length, max_length, shape, personal, top_values (list; only for low-cardinality
    columns). They are inputs for the writer, never text to copy (see amx_core.llm.quality).
    `codes` are the values the schema itself allows (an enum type or a CHECK ... IN list).
    `withheld` says why the column's values are withheld (e.g. "secret"): the request shows its
    type and nothing of its values.
    """

    name: str
    type: str
    nullable: bool = True
    primary_key: bool = False
    fk_target: str | None = None
    comment: str | None = None
    stats: Mapping[str, Any] = field(default_factory=dict)
    default: str | None = None
    codes: tuple[str, ...] = ()
    withheld: str | None = None


@dataclass(frozen=True)
class TableFacts:
    """One table (or view) to describe; `neighbours` are (path, description) of FK-related tables.

    `with_statistics`: the schedule lets descriptions state profile statistics, dated with
    `as_of` (an ISO date) and scoped to the sample; off by default.
    """

    schema: str | None
    name: str
    kind: str = "table"
    comment: str | None = None
    columns: tuple[ColumnFacts, ...] = ()
    neighbours: tuple[tuple[str, str], ...] = ()
    with_statistics: bool = False
    as_of: str | None = None

    @property
    def path(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> ColumnFacts:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def only(self, names: Sequence[str]) -> TableFacts:
        """The same table restricted to `names` (in table order), for one chunk of a wide table."""
        wanted = set(names)
        return replace(self, columns=tuple(c for c in self.columns if c.name in wanted))


@dataclass(frozen=True)
class Proposal:
    """A proposed description: `flags` name the review checks it failed (empty = clean); `notes` say
    what had to change in the text to keep it (cut to the length limit, NUL removed)."""

    text: str
    confidence: float
    alternatives: tuple[str, ...] = ()
    reason: str = ""
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def band(self) -> str:
        return band(self.confidence)


@dataclass(frozen=True)
class TableReply:
    """What one table's request(s) produced; `missing` lists asked columns the reply left out."""

    table: Proposal | None
    columns: dict[str, Proposal]
    tokens_in: int = 0
    tokens_out: int = 0
    notes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
