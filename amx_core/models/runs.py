"""Firings and their bookkeeping: runs, claimed occurrences, the missed ledger, the tick heartbeat."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from amx_core.models.base import STABLE_IDS, utc_column, utcnow


class Run(SQLModel, table=True):
    """One firing; kept forever, even after its schedule is deleted (so no FK cascade)."""

    __tablename__ = "run"
    __table_args__ = (sa.Index("ix_run_status_heartbeat", "status", "heartbeat_at"), STABLE_IDS)

    id: int | None = Field(default=None, primary_key=True)
    schedule_id: int | None = Field(default=None, index=True)
    schedule_name: str | None = Field(default=None, max_length=200)
    kind: str = Field(default="analyze", max_length=32)
    reason: str = Field(max_length=16)  # time | change | run-now | catch-up | retry
    status: str = Field(default="running", max_length=16)  # running | completed | failed | cancelled
    occurrence_utc: datetime | None = Field(default=None, sa_column=utc_column())
    attempt: int = Field(default=1)
    started_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=utc_column())
    heartbeat_at: datetime | None = Field(default=None, sa_column=utc_column())
    host: str | None = Field(default=None, max_length=255)
    pid: int | None = Field(default=None)
    tables_planned: int = Field(default=0)
    tables_done: int = Field(default=0)
    columns_planned: int = Field(default=0)
    columns_described: int = Field(default=0)
    columns_applied: int = Field(default=0)
    columns_queued: int = Field(default=0)
    columns_failed: int = Field(default=0)
    tokens_in: int = Field(default=0)
    tokens_out: int = Field(default=0)
    # added by migration 0003: objects (tables and columns) in scope a missing-only run did not ask about, by reason
    skipped_described: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    skipped_unchanged: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    skipped_pending: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    error: str | None = Field(default=None)
    log: str = Field(default="")
    retry_at: datetime | None = Field(default=None, sa_column=utc_column())
    # added by migration 0005: the change event id a change run consumes, and a cancel request its runner polls
    change_watermark: int | None = Field(default=None)
    cancel_requested_at: datetime | None = Field(default=None, sa_column=utc_column())


class Occurrence(SQLModel, table=True):
    """The claim ledger: a (schedule, fire instant) pair exists once, so nothing fires twice."""

    __tablename__ = "occurrence"
    __table_args__ = (sa.UniqueConstraint("schedule_id", "fire_utc", name="uq_occurrence_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    schedule_id: int = Field(index=True)
    fire_utc: datetime = Field(sa_column=utc_column(nullable=False))
    reason: str = Field(max_length=16)
    run_id: int | None = Field(default=None)
    claimed_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    host: str | None = Field(default=None, max_length=255)
    pid: int | None = Field(default=None)


class MissedSlot(SQLModel, table=True):
    """Every occurrence that passed without firing, with why (no tick ran, paused, ...)."""

    __tablename__ = "missed_slot"
    __table_args__ = (sa.UniqueConstraint("schedule_id", "slot_utc", name="uq_missed_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    schedule_id: int = Field(index=True)
    slot_utc: datetime = Field(sa_column=utc_column(nullable=False))
    detected_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    reason: str = Field(max_length=200)
    action: str = Field(max_length=16)  # ask | run | skip


class TickHeartbeat(SQLModel, table=True):
    """A single row (id=1): the last tick pass, which the daemon badge reads."""

    __tablename__ = "tick_heartbeat"

    id: int = Field(default=1, primary_key=True)
    last_tick_at: datetime | None = Field(default=None, sa_column=utc_column())
    duration_ms: float | None = Field(default=None)
    host: str | None = Field(default=None, max_length=255)
    pid: int | None = Field(default=None)
    last_fired: int = Field(default=0)
