"""What a run of a schedule would ask, and about what it would cost, without asking the model.

The scope is resolved and planned exactly as the run does it (`runplan.plan_run`, the incremental rules
included; a change-triggered schedule is estimated over its whole scope, as a run-now would plan it),
each table is profiled as the run profiles it, and the real prompts are built (parents first, with
their FK neighbours' descriptions; a neighbour the run would describe first gets a text of typical
length) and counted by the documented rule of `amx_core.llm.tokens`. The offline heuristic provider
makes the same requests and spends no token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from amx_core.analyze.apply import open_destination
from amx_core.analyze.facts import build_facts, fk_edges, neighbour_index, neighbours
from amx_core.analyze.planning import plan_tables
from amx_core.analyze.profiling import SAMPLE_ROWS, ProfileSettings
from amx_core.analyze.runplan import plan_run
from amx_core.analyze.tables import profile_job
from amx_core.catalog.resolve import resolve_scope
from amx_core.llm.describe import request_chunks
from amx_core.llm.prompt import build_prompt
from amx_core.llm.registry import NEEDS_NETWORK
from amx_core.llm.tokens import REPLY_TABLE_CHARS, cost, prompt_tokens, reply_tokens
from amx_core.views import LlmProfileView, ScheduleView
from amx_core.wording import counted

TYPICAL_TABLE_TEXT = "x" * (REPLY_TABLE_CHARS // 2)  # a new table description, as context for its neighbours


@dataclass(frozen=True)
class Estimate:
    """A run's plan and its expected cost; `cost` is None when the LLM profile has no prices."""

    schedule_id: int
    schedule_name: str
    llm_profile: str
    provider: str
    tables_in_scope: int
    tables: int  # tables the run would ask about
    columns: int  # columns it would ask about
    requests: int
    tokens_in: int
    tokens_out: int
    cost: float | None
    price_in: float | None
    price_out: float | None
    max_tokens: int | None
    requests_within_budget: int | None  # how many of the requests the budget covers (None: no budget)
    skipped: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def tokens(self) -> int:
        return self.tokens_in + self.tokens_out

    def line(self) -> str:
        """One line for people (the CLI and the app's schedule dialog)."""
        text = (
            f"{counted(self.tables, 'table')}, {counted(self.columns, 'column')}, "
            f"{counted(self.requests, 'request')}, ~{self.tokens_in:,} tokens in + ~{self.tokens_out:,} out"
        )
        if self.cost is not None:
            text += f", ~{self.cost:,.4f} at the profile's prices"
        if self.max_tokens is not None and self.requests_within_budget is not None:
            if self.requests_within_budget < self.requests:
                text += f"; the budget of {self.max_tokens:,} tokens covers ~{self.requests_within_budget}"
            else:
                text += f"; within the budget of {self.max_tokens:,} tokens"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "schedule_id": self.schedule_id,
            "schedule_name": self.schedule_name,
            "llm_profile": self.llm_profile,
            "provider": self.provider,
            "tables_in_scope": self.tables_in_scope,
            "tables": self.tables,
            "columns": self.columns,
            "requests": self.requests,
            "tokens": {"in": self.tokens_in, "out": self.tokens_out},
            "cost": None if self.cost is None else round(self.cost, 6),
            "prices": {"in": self.price_in, "out": self.price_out},
            "max_tokens": self.max_tokens,
            "requests_within_budget": self.requests_within_budget,
            "skipped": dict(self.skipped),
            "notes": list(self.notes),
        }


def estimate_run(
    store, schedule: ScheduleView, llm: LlmProfileView, *, sample_mode: str, sample_rows: int = SAMPLE_ROWS
) -> Estimate:
    """Plan `schedule`'s run now and count its requests and tokens (reads the database; asks no model)."""
    resolved = resolve_scope(store, schedule.db_profile, schedule.database, schedule.scope)
    offline = llm.provider not in NEEDS_NETWORK
    settings = ProfileSettings(sample_rows=sample_rows, sample_mode=sample_mode)
    as_of = datetime.now(UTC).date().isoformat() if schedule.with_statistics else None
    requests = tokens_in = tokens_out = 0
    sizes: list[int] = []
    with open_destination(store, schedule.db_profile, resolved.database or None) as dest:
        plan = plan_run(store, dest, resolved.tables, missing_only=schedule.missing_only)
        edges = fk_edges(plan.tables)
        order = plan_tables({key: edges[key] for key in plan.jobs}).order
        near = neighbour_index(edges)
        texts = {key: (t.comment or None) for key, t in plan.tables.items()}
        texts.update({key: job.currents.get(None) for key, job in plan.jobs.items()})
        for key in order:
            job = plan.jobs[key]
            found = profile_job(dest, settings, job)
            facts = build_facts(
                job.table,
                job.columns,
                found.profile,
                neighbours(near[key], texts),
                job.currents,
                codes=found.codes,
                as_of=as_of,
            )
            for columns, want_table in request_chunks(facts.column_names, llm.columns_per_request, job.want_table):
                requests += 1
                if offline:
                    continue
                size = prompt_tokens(build_prompt(facts, only=columns, want_table=want_table))
                size_out = reply_tokens(len(columns), want_table)
                tokens_in, tokens_out = tokens_in + size, tokens_out + size_out
                sizes.append(size + size_out)
            if job.want_table:
                texts[key] = TYPICAL_TABLE_TEXT
    within = None
    if schedule.max_tokens is not None and not offline:
        within, total = 0, 0
        for size in sizes:
            if total + size > schedule.max_tokens:
                break
            total, within = total + size, within + 1
    notes = []
    if offline:
        notes.append(f"the {llm.provider} provider works offline: no tokens, no cost")
    if schedule.trigger == "change":
        notes.append("estimated over the whole scope; a change-triggered run asks only about the changed tables")
    return Estimate(
        schedule_id=schedule.id,
        schedule_name=schedule.name,
        llm_profile=llm.name,
        provider=llm.provider,
        tables_in_scope=len(plan.tables),
        tables=len(plan.jobs),
        columns=sum(len(job.columns) for job in plan.jobs.values()),
        requests=requests,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        cost=cost(tokens_in, tokens_out, llm.price_in, llm.price_out) if not offline else 0.0,
        price_in=llm.price_in,
        price_out=llm.price_out,
        max_tokens=schedule.max_tokens,
        requests_within_budget=within,
        skipped=dict(plan.skipped),
        notes=tuple(notes),
    )
