"""The schedule table: one row per planned analyze or cache-refresh job."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from amx_core.models.base import STABLE_IDS, utc_column, utcnow


class Schedule(SQLModel, table=True):
    __tablename__ = "schedule"
    __table_args__ = (
        sa.Index("ix_schedule_due", "status", "next_fire_utc"),
        # the listing's order (services/schedule_listing.py): rows stream in it, never sorted (migration 0008)
        sa.Index("ix_schedule_listing", sa.text("(next_fire_utc IS NULL)"), "next_fire_utc", "name"),
        STABLE_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(default="analyze", max_length=32)  # analyze | cache_refresh
    trigger: str = Field(default="cron", max_length=16)  # cron | change
    fire_at_utc: datetime | None = Field(default=None, sa_column=utc_column())
    tz: str = Field(max_length=64)
    cadence: str | None = Field(default=None, max_length=200)
    cap_hours: float | None = Field(default=None)
    db_profile_id: int = Field(foreign_key="db_profile.id")
    database: str | None = Field(default=None, max_length=255)
    scope_json: str = Field(default="[]")  # JSON list of scope paths
    llm_profile_id: int | None = Field(default=None, foreign_key="llm_profile.id")
    review: str = Field(default="manual", max_length=16)  # auto | manual
    missing_only: bool = Field(default=True)
    missed_policy: str = Field(default="ask", max_length=16)  # ask | run | skip
    retry_max_attempts: int = Field(default=3)
    retry_base_seconds: float = Field(default=30.0)
    status: str = Field(default="pending", max_length=16)
    next_fire_utc: datetime | None = Field(default=None, sa_column=utc_column())
    last_fire_utc: datetime | None = Field(default=None, sa_column=utc_column())
    last_error: str | None = Field(default=None)
    running_since: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    version: int = Field(default=1)
    # added by migration 0002: the first schema change seen and not yet fired (change trigger)
    change_seen_utc: datetime | None = Field(default=None, sa_column=utc_column())
    # added by migration 0005 (docs/ARCHITECTURE.md §5.5, §5.9): a change schedule fires `settle_minutes`
    # after the first unhandled change; `change_watermark` is the newest change event id a run consumed;
    # `prior_status` is the status the running claim found (a run-now and a cancel return to it).
    settle_minutes: float = Field(default=15.0, sa_column_kwargs={"server_default": "15"})
    change_watermark: int | None = Field(default=None)
    prior_status: str | None = Field(default=None, max_length=16)
    # added by migration 0004: descriptions may state profile statistics, dated and scoped
    with_statistics: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # added by migration 0007: a run stops before a request that would pass this many tokens (in + out)
    max_tokens: int | None = Field(default=None)
