"""The rows the tick's Core statements read: a schedule as the tick holds and changes it, and its newest run.

Plain slotted dataclasses, not ORM objects: a claim reads and writes hundreds of these a pass,
and an ORM instance costs more to build than the database work itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class ScheduleState:
    """Every column of the schedule table; decisions and settlements change it, `write_schedule` stores it."""

    id: int
    name: str
    kind: str
    trigger: str
    fire_at_utc: datetime | None
    tz: str
    cadence: str | None
    cap_hours: float | None
    db_profile_id: int
    database: str | None
    scope_json: str
    llm_profile_id: int | None
    review: str
    missing_only: bool
    missed_policy: str
    retry_max_attempts: int
    retry_base_seconds: float
    status: str
    next_fire_utc: datetime | None
    last_fire_utc: datetime | None
    last_error: str | None
    running_since: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    change_seen_utc: datetime | None
    settle_minutes: float
    change_watermark: int | None
    prior_status: str | None
    with_statistics: bool


@dataclass(frozen=True, slots=True)
class LatestRun:
    """The schedule's newest run, as the claim query joins it in (is this a retry? why was a slot missed?)."""

    id: int
    status: str
    attempt: int
    error: str | None
    retry_at: datetime | None
    occurrence_utc: datetime | None
    started_at: datetime
    ended_at: datetime | None
