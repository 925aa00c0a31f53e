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
    def listed(cls, fields: dict[str, Any]) -> ScheduleView:
        """A view built for a long listing from a dict of every field but `extra`, which it keeps as its own. The
        generated frozen __init__ sets its 32 fields one object.__setattr__ at a time, a quarter of a row's cost."""
        view = object.__new__(cls)
        fields["extra"] = {}
        object.__setattr__(view, "__dict__", fields)
        return view

    def to_json(self) -> dict[str, Any]:
        """The stable `--json` shape documented in README: SCHEDULE_JSON's fields, instants as ISO-8601 text."""
        return {name: _json_value(getattr(self, name)) for name in SCHEDULE_JSON}


# The `--json` shape of a schedule (README): these fields in this order, an instant as its ISO-8601 text and the
# scope as a list. ScheduleView.to_json builds it; `schedule list --json` writes these fields of the listing's
# records (services/schedule_listing.py iter_schedules_json), whose instants are that text already.
SCHEDULE_JSON = (
    "id",
    "name",
    "kind",
    "status",
    "trigger",
    "next_fire_utc",
    "next_fire_local",
    "fire_at_utc",
    "tz",
    "cadence",
    "cadence_text",
    "cap_hours",
    "settle_minutes",
    "scope",
    "scope_summary",
    "db_profile",
    "database",
    "llm_profile",
    "review",
    "missing_only",
    "with_statistics",
    "max_tokens",
    "missed_policy",
    "retry_max_attempts",
    "last_fire_utc",
    "last_error",
    "running_since",
    "created_at",
    "updated_at",
    "version",
)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, tuple):
        return list(value)
    return value
