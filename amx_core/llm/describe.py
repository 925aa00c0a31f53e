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

from amx_core.llm.errors import BudgetReached, InvalidReply, LlmError, TruncatedReply
from amx_core.llm.slots import Turn
from amx_core.llm.types import Proposal, TableFacts, TableReply
from amx_core.wording import counted

if TYPE_CHECKING:
    from amx_core.llm.budget import TokenBudget
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


class _Flight:
    """One request's hold on a slot (and its budget reservation): let go once, as soon as the answer is in,
    so the slot's next request starts while this one is still being checked."""

    def __init__(self, slots: Turn | None, budget: TokenBudget | None, estimate: int) -> None:
        self.slots, self.budget, self.estimate = slots, budget, estimate
        self.landed = False

    def land(self, spent: int) -> None:
        if self.landed:
            return
        self.landed = True
        if self.budget is not None:
            self.budget.settle(self.estimate, spent)
        if self.slots is not None:
            self.slots.release()


def _send(
    provider: Provider,
    facts: TableFacts,
    chunk: _Chunk,
    budget: TokenBudget | None,
    hint: str | None = None,
    slots: Turn | None = None,
) -> TableReply:
    """One request on a slot (when the run bounds them); with a budget, only when it has room for the request's
    estimate (else BudgetReached). The slot and the reservation are let go when the answer arrives."""
    estimate = 0
    if budget is not None:
        from amx_core.llm.prompt import build_prompt
        from amx_core.llm.tokens import request_tokens

        estimate = request_tokens(
            build_prompt(facts, only=chunk.columns, want_table=chunk.want_table, repair_hint=hint)
        )
    if slots is not None:
        slots.acquire()
    if budget is not None and not budget.reserve(estimate):
        if slots is not None:
            slots.release()
        raise BudgetReached(budget.note())
    flight = _Flight(slots, budget, estimate)
    spent = 0
    try:
        return provider.describe_table(
            facts, only=chunk.columns, want_table=chunk.want_table, repair_hint=hint, on_reply=flight.land
        )
    except LlmError as error:
        spent = error.tokens_in + error.tokens_out
        raise
    finally:
        flight.land(spent)


def _ask(
    provider: Provider,
    facts: TableFacts,
    chunk: _Chunk,
    tally: _Tally,
    budget: TokenBudget | None = None,
    slots: Turn | None = None,
) -> TableReply:
    """One chunk, with one repair attempt after an invalid reply."""
    try:
        return _send(provider, facts, chunk, budget, slots=slots)
    except InvalidReply as error:
        tally.spend(error.tokens_in, error.tokens_out)
        tally.notes.append(f"repair asked after: {error.message}")
        log.info("%s: invalid reply, asking once more (%s)", facts.path, error.message)
        hint = error.message
    try:
        return _send(provider, facts, chunk, budget, hint, slots)
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


def request_chunks(
    column_names: Sequence[str], columns_per_request: int, want_table: bool = True
) -> list[tuple[tuple[str, ...], bool]]:
    """The requests a table needs before any reply: (columns, table wanted) per chunk (estimates plan with it)."""
    return [(chunk.columns, chunk.want_table) for chunk in _chunks(column_names, columns_per_request, want_table)]


def describe_with_repair(
    provider: Provider,
    facts: TableFacts,
    columns_per_request: int,
    *,
    want_table: bool = True,
    budget: TokenBudget | None = None,
    slots: Turn | None = None,
) -> TableReply:
    """Describe every column of `facts` (and the table, when `want_table`), merging chunk replies and summing tokens.

    With a `budget` a request it has no room for is not sent: the table keeps what it has (the rest is
    reported missing), or, when nothing was asked yet, BudgetReached is raised. With `slots` (the table's turn at
    the run's request slots) each request holds a slot only until its answer is in: checking it happens after.
    """
    tally = _Tally()
    queue = _chunks(facts.column_names, columns_per_request, want_table)
    while queue:
        chunk = queue.popleft()
        try:
            reply = _ask(provider, facts, chunk, tally, budget, slots)
        except BudgetReached as error:
            if not tally.columns and tally.table is None:
                raise tally.fail(error) from None
            tally.missing.extend(name for left in (chunk, *queue) for name in left.columns)
            tally.notes.append("token budget reached: the rest of the table was not asked")
            break
        except TruncatedReply as error:
            tally.spend(error.tokens_in, error.tokens_out)
            if len(chunk.columns) <= 1:
                raise tally.fail(error) from None
            head, tail = _split(chunk)
            tally.notes.append(f"reply truncated for {counted(len(chunk.columns), 'column')}; split in two")
            queue.extendleft((tail, head))
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
