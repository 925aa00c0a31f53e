"""One table's pipeline inside a run, in three stages on worker threads.

`profile_stage` runs ahead on a small pool (it needs no parent); `describe_stage` (ask the
model, each request on one of the run's request slots, freed the moment its answer is in) on the
table pool; `write_stage` (save the suggestions, apply what `auto` allows) on the write pool. The stages take
frozen inputs and never raise: a failure makes that table's `TableResult` failed and the run
goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from amx_core.analyze.apply import Destination, PlannedWrite, apply_planned
from amx_core.analyze.codes import declared_codes
from amx_core.analyze.facts import build_facts
from amx_core.analyze.policy import auto_verdict
from amx_core.analyze.profiling import ProfileSettings, TableProfile, profile_table
from amx_core.analyze.suggestions import Proposed, RunKey, save_suggestions
from amx_core.llm.describe import describe_with_repair
from amx_core.llm.errors import BudgetReached, LlmError, TransientLlmError
from amx_core.llm.slots import Withdrawn
from amx_core.llm.types import Proposal, TableReply
from amx_core.scope.targets import TableKey, Target
from amx_core.secrets.masking import mask_url

if TYPE_CHECKING:
    from amx_core.catalog.views import ResolvedColumn, ResolvedTable
    from amx_core.llm.budget import TokenBudget
    from amx_core.llm.providers.base import Provider
    from amx_core.llm.slots import RequestSlots, Turn
    from amx_core.store import Store

log = logging.getLogger("amx.analyze")


@dataclass(frozen=True)
class RunEnv:
    """What every table of one run shares."""

    store: Store
    key: RunKey
    dest: Destination
    provider: Provider
    columns_per_request: int
    review: str
    profile: ProfileSettings
    now: datetime
    with_statistics: bool = False  # the schedule lets descriptions state statistics, dated and scoped
    budget: TokenBudget | None = None  # the schedule's --max-tokens (networked providers only)
    slots: RequestSlots | None = None  # the run's request slots (max_concurrency), freed as each answer arrives


@dataclass(frozen=True)
class TableJob:
    """A table to describe: which columns (and whether the table itself), with their current texts."""

    table: ResolvedTable
    columns: tuple[ResolvedColumn, ...]  # the columns to describe
    want_table: bool
    currents: Mapping[str | None, str | None]  # column name (None: the table) -> current text
    amx_written: Mapping[str | None, bool]  # ... -> is that text AMX's own, never reviewed by a person
    reviewed: frozenset[str | None] = frozenset()  # names whose text a person accepted or edited
    fingerprints: Mapping[str | None, str] = field(default_factory=dict)  # ... -> structure fingerprint

    @property
    def key(self) -> TableKey:
        return (self.table.schema, self.table.name)

    @property
    def label(self) -> str:
        return Target(self.table.schema, self.table.name).path


def _first_line(exc: BaseException) -> str:
    """The driver's own message (or the exception's), first line, URL passwords masked."""
    text = str(getattr(exc, "orig", None) or exc)
    return mask_url((text.splitlines() or [""])[0][:300])


@dataclass(frozen=True)
class TableResult:
    """What one table contributed to the run's counters, and why it failed if it did."""

    key: TableKey
    planned: int
    described: int = 0
    applied: int = 0
    queued: int = 0
    failed: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    description: str | None = None
    error: str | None = None
    transient: bool = False
    retry_after: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    not_asked: bool = False  # the token budget had no room for its first request: nothing was sent

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Profiled:
    """What the first stage learnt about a table: its profile (statistics, withheld columns), declared codes,
    and notes on what failed."""

    profile: TableProfile
    codes: Mapping[str, tuple[str, ...]]
    notes: tuple[str, ...] = ()


def profile_stage(env: RunEnv, job: TableJob) -> Profiled:
    """Column statistics and declared codes; a failing read skips that part (with a note): describing goes on."""
    return profile_job(env.dest, env.profile, job)


def profile_job(dest: Destination, settings: ProfileSettings, job: TableJob) -> Profiled:
    """`profile_stage` for a destination and profile settings (a run's, or an estimate's)."""
    columns = [(c.name, c.type) for c in job.columns]
    profile = TableProfile()
    codes: dict = {}
    notes: list[str] = []
    try:
        with dest.reader.connect() as conn:
            try:
                profile = profile_table(conn, job.table.schema, job.table.name, columns, settings)
                notes.extend(profile.notes)
            except Exception as exc:  # noqa: BLE001 - statistics are optional; the table is still described
                conn.rollback()
                notes.append(f"profiling skipped: {_first_line(exc)}")
            try:
                codes = declared_codes(conn, job.table.schema, job.table.name, columns)
            except Exception as exc:  # noqa: BLE001 - declared codes are optional too
                notes.append(f"declared codes not read: {_first_line(exc)}")
    except Exception as exc:  # noqa: BLE001 - no connection: described from the catalog alone
        notes.append(f"profiling skipped: {_first_line(exc)}")
    return Profiled(profile, codes, tuple(notes))


def _proposed(env: RunEnv, job: TableJob, reply: TableReply) -> list[Proposed]:
    found: list[Proposed] = []
    entries: list[tuple[str | None, Proposal]] = (
        [(None, reply.table)] if job.want_table and reply.table is not None else []
    )
    entries += [(c.name, reply.columns[c.name]) for c in job.columns if c.name in reply.columns]
    for column, proposal in entries:
        current = job.currents.get(column)
        verdict = auto_verdict(
            env.review,
            confidence=proposal.confidence,
            flags=proposal.flags,
            current=current,
            amx_written=job.amx_written.get(column, False),
            reviewed=column in job.reviewed,
        )
        target = Target(job.table.schema, job.table.name, column)
        found.append(Proposed(target, current, proposal, verdict, job.fingerprints.get(column)))
    return found


def _failure(job: TableJob, error: LlmError | Exception, notes: tuple[str, ...]) -> TableResult:
    transient = isinstance(error, TransientLlmError)
    return TableResult(
        key=job.key,
        planned=len(job.columns),
        failed=len(job.columns),
        tokens_in=getattr(error, "tokens_in", 0),
        tokens_out=getattr(error, "tokens_out", 0),
        error=getattr(error, "message", None) or f"{type(error).__name__}: {error}",
        transient=transient,
        retry_after=getattr(error, "retry_after", None) if transient else None,
        notes=notes,
    )


@dataclass(frozen=True)
class Described:
    """The first stage's result: the model's reply for a table, or the table's failure."""

    job: TableJob
    reply: TableReply | None
    failure: TableResult | None = None
    notes: tuple[str, ...] = ()
    withdrawn: bool = False  # the run stopped asking before the table's first request: it was never started

    @property
    def table_text(self) -> str | None:
        """The table's new description, as context for its FK neighbours."""
        if self.reply is None or self.reply.table is None or not self.job.want_table:
            return None
        return self.reply.table.text


def _crash(job: TableJob, exc: Exception) -> TableResult:
    """A failure that is not the model's (a dropped connection, a store error): this table fails, the run goes on."""
    log.exception("%s failed", job.label)
    transient = isinstance(exc, sa.exc.OperationalError) or bool(getattr(exc, "connection_invalidated", False))
    return replace(_failure(job, exc, ()), error=f"{type(exc).__name__}: {_first_line(exc)}", transient=transient)


def describe_stage(
    env: RunEnv, job: TableJob, context: tuple[tuple[str, str], ...], profiled: Future, turn: Turn | None = None
) -> Described:
    """Ask the model with the table's statistics (from `profile_stage`); retries, splits and one repair inside,
    each request on a slot taken at the table's `turn` and freed when its answer arrives."""
    try:
        return _describe(env, job, context, profiled, turn)
    finally:
        if turn is not None:
            turn.close()


def _describe(
    env: RunEnv, job: TableJob, context: tuple[tuple[str, str], ...], profiled: Future, turn: Turn | None
) -> Described:
    try:
        found: Profiled = profiled.result()
        notes = found.notes
        facts = build_facts(
            job.table,
            job.columns,
            found.profile,
            context,
            job.currents,
            codes=found.codes,
            as_of=env.now.date().isoformat() if env.with_statistics else None,
        )
        try:
            reply = describe_with_repair(
                env.provider,
                facts,
                env.columns_per_request,
                want_table=job.want_table,
                budget=env.budget,
                slots=turn,
            )
            return Described(job, reply, notes=notes)
        except Withdrawn:
            return Described(job, None, withdrawn=True)
        except BudgetReached:
            return Described(job, None, TableResult(key=job.key, planned=len(job.columns), not_asked=True))
        except LlmError as error:
            return Described(job, None, _failure(job, error, notes))
    except Exception as exc:  # noqa: BLE001 - one table's failure must not take the run down
        return Described(job, None, _crash(job, exc))


def _saved(env: RunEnv, job: TableJob, reply: TableReply, described: Described) -> TableResult:
    proposed = _proposed(env, job, reply)
    ids = save_suggestions(env.store, env.key, proposed, env.now)
    writes = [
        PlannedWrite(sid, p.target, p.current, p.proposal.text, fingerprint=p.fingerprint, run_id=env.key.run_id)
        for sid, p in zip(ids, proposed, strict=True)
        if p.verdict.apply
    ]
    outcomes = apply_planned(env.store, env.dest, writes, applied_state="auto_applied", now=env.now) if writes else []
    column_targets = {p.target.path for p in proposed if p.target.column is not None}
    applied = sum(1 for o in outcomes if o.state == "applied" and o.target in column_targets)
    broken = sum(1 for o in outcomes if o.state == "apply_failed" and o.target in column_targets)
    described_count = len(column_targets)
    notes = described.notes + tuple(f"{o.target}: {o.state}: {o.error}" for o in outcomes if o.state != "applied")
    return TableResult(
        key=job.key,
        planned=len(job.columns),
        described=described_count,
        applied=applied,
        queued=described_count - applied - broken,
        failed=len(job.columns) - described_count + broken,
        tokens_in=reply.tokens_in,
        tokens_out=reply.tokens_out,
        description=described.table_text,
        notes=notes,
    )


def write_stage(env: RunEnv, described: Described) -> TableResult:
    """Save the suggestions and, under `auto`, apply what the policy allows; never raises."""
    if described.failure is not None:
        return described.failure
    reply = described.reply
    assert reply is not None, "describe_stage gives a reply or a failure"
    try:
        return _saved(env, described.job, reply, described)
    except Exception as exc:  # noqa: BLE001
        return replace(_crash(described.job, exc), tokens_in=reply.tokens_in, tokens_out=reply.tokens_out)
