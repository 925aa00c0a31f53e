"""Describing one whole table with any provider: chunk wide tables, split truncated chunks, repair once.

A table either comes back described (possibly with some columns listed as `missing`)
or raises one LlmError for that table, carrying the tokens spent so far; the executor
fails that table and goes on with the run.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from amx_core.llm.errors import InvalidReply, LlmError, TruncatedReply
from amx_core.llm.types import Proposal, TableFacts, TableReply
from amx_core.wording import counted

if TYPE_CHECKING:
    from amx_core.llm.providers.base import Provider

log = logging.getLogger("amx.llm")


@dataclass(frozen=True)
class _Chunk:
    columns: tuple[str, ...]
    want_table: bool
    is_retry: bool = False


@dataclass
class _Tally:
    """What the chunks of one table have produced so far."""

    table: Proposal | None = None
    columns: dict[str, Proposal] = field(default_factory=dict)
    tokens_in: int = 0
    tokens_out: int = 0
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def spend(self, tokens_in: int, tokens_out: int) -> None:
        self.tokens_in += tokens_in
        self.tokens_out += tokens_out

    def fail(self, error: LlmError) -> LlmError:
        """The error to raise for the table, with every token spent on it."""
        return error.with_tokens(self.tokens_in, self.tokens_out)


def _chunks(names: Sequence[str], size: int, want_table: bool) -> deque[_Chunk]:
    size = max(1, int(size or 1))
    groups = [tuple(names[i : i + size]) for i in range(0, len(names), size)] or [()]
    return deque(_Chunk(group, want_table=want_table and index == 0) for index, group in enumerate(groups))


def _ask(provider: Provider, facts: TableFacts, chunk: _Chunk, tally: _Tally) -> TableReply:
    """One chunk, with one repair attempt after an invalid reply."""
    try:
        return provider.describe_table(facts, only=chunk.columns, want_table=chunk.want_table)
    except InvalidReply as error:
        tally.spend(error.tokens_in, error.tokens_out)
        tally.notes.append(f"repair asked after: {error.message}")
        log.info("%s: invalid reply, asking once more (%s)", facts.path, error.message)
        hint = error.message
    try:
        return provider.describe_table(facts, only=chunk.columns, want_table=chunk.want_table, repair_hint=hint)
    except InvalidReply as error:
        tally.spend(error.tokens_in, error.tokens_out)
        error.message = f"{error.message} (after one repair attempt)"
        raise tally.fail(error) from None


def _split(chunk: _Chunk) -> tuple[_Chunk, _Chunk]:
    half = len(chunk.columns) // 2
    return (
        _Chunk(chunk.columns[:half], chunk.want_table, chunk.is_retry),
        _Chunk(chunk.columns[half:], False, chunk.is_retry),
    )


def describe_with_repair(
    provider: Provider, facts: TableFacts, columns_per_request: int, *, want_table: bool = True
) -> TableReply:
    """Describe every column of `facts` (and the table, when `want_table`), merging chunk replies and summing tokens."""
    tally = _Tally()
    queue = _chunks(facts.column_names, columns_per_request, want_table)
    while queue:
        chunk = queue.popleft()
        try:
            reply = _ask(provider, facts, chunk, tally)
        except TruncatedReply as error:
            tally.spend(error.tokens_in, error.tokens_out)
            if len(chunk.columns) <= 1:
                raise tally.fail(error) from None
            first, second = _split(chunk)
            tally.notes.append(f"reply truncated for {counted(len(chunk.columns), 'column')}; split in two")
            queue.extendleft((second, first))
            continue
        except LlmError as error:
            raise tally.fail(error) from None
        tally.spend(reply.tokens_in, reply.tokens_out)
        tally.notes.extend(reply.notes)
        tally.columns.update(reply.columns)
        if chunk.want_table and reply.table is not None:
            tally.table = reply.table
        if reply.missing and not chunk.is_retry:
            queue.append(_Chunk(tuple(reply.missing), want_table=False, is_retry=True))
        elif reply.missing:
            tally.missing.extend(reply.missing)
    ordered = {name: tally.columns[name] for name in facts.column_names if name in tally.columns}
    return TableReply(
        table=tally.table,
        columns=ordered,
        tokens_in=tally.tokens_in,
        tokens_out=tally.tokens_out,
        notes=tuple(tally.notes),
        missing=tuple(name for name in facts.column_names if name in tally.missing),
    )
