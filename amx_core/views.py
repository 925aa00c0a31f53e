"""Frozen dataclasses the services hand out: safe across threads, processes and faces.

ORM rows never leave a session; these carry only what a face shows, secrets excluded
(a secret appears as its reference, e.g. `env:PGPASSWORD`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from amx_core.instants import iso


@dataclass(frozen=True)
class DbProfileView:
    id: int
    name: str
    url: str  # masked: password never present
    password_ref: str | None
    default_database: str | None
    sample_mode: str
    dialect: str
    single_database: bool = False  # one database per file (SQLite, DuckDB): there is no database to choose
    engine: str = ""  # the engine's name for people: "PostgreSQL", "DuckDB"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LlmProfileView:
    id: int
    name: str
    provider: str
    model: str | None
    base_url: str | None
    key_ref: str | None
    temperature: float
    max_concurrency: int
    timeout_seconds: float
    columns_per_request: int
    price_in: float | None = None  # per million input tokens (None: not known)
    price_out: float | None = None  # per million output tokens

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ScheduleView:
    id: int
    name: str
    kind: str
    trigger: str
    status: str
    tz: str
    fire_at_utc: datetime | None
    cadence: str | None
    cadence_text: str | None
    cap_hours: float | None
    db_profile: str
    database: str | None
    scope: tuple[str, ...]
    scope_summary: str
    llm_profile: str | None
    review: str
    missing_only: bool
    with_statistics: bool
    missed_policy: str
    retry_max_attempts: int
    next_fire_utc: datetime | None
    next_fire_local: datetime | None
    last_fire_utc: datetime | None
    last_error: str | None
    running_since: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    settle_minutes: float | None = None  # change trigger only: minutes from the first unhandled change to the fire
    max_tokens: int | None = None  # a run stops before a request that would pass this many tokens (in + out)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def listed(cls, **fields: Any) -> ScheduleView:
        """A view built for a long listing: every field but `extra` must be given. The generated frozen
        __init__ sets its 32 fields one object.__setattr__ at a time, a quarter of a listed row's cost."""
        view = object.__new__(cls)
        view.__dict__.update(fields, extra={})
        return view

    def to_json(self) -> dict[str, Any]:
        """The stable `--json` shape documented in README."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "trigger": self.trigger,
            "next_fire_utc": iso(self.next_fire_utc),
            "next_fire_local": iso(self.next_fire_local),
            "fire_at_utc": iso(self.fire_at_utc),
            "tz": self.tz,
            "cadence": self.cadence,
            "cadence_text": self.cadence_text,
            "cap_hours": self.cap_hours,
            "settle_minutes": self.settle_minutes,
            "scope": list(self.scope),
            "scope_summary": self.scope_summary,
            "db_profile": self.db_profile,
            "database": self.database,
            "llm_profile": self.llm_profile,
            "review": self.review,
            "missing_only": self.missing_only,
            "with_statistics": self.with_statistics,
            "max_tokens": self.max_tokens,
            "missed_policy": self.missed_policy,
            "retry_max_attempts": self.retry_max_attempts,
            "last_fire_utc": iso(self.last_fire_utc),
            "last_error": self.last_error,
            "running_since": iso(self.running_since),
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "version": self.version,
        }
