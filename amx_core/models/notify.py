"""Where run and miss notices go (Notifier), and each notice on its way (Notification, an outbox the tick empties)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from amx_core.models.base import STABLE_IDS, utc_column, utcnow


class Notifier(SQLModel, table=True):
    """A webhook (its URL only by reference: `env:VAR` or `key:KEY`), a shell command, or the desktop."""

    __tablename__ = "notifier"
    __table_args__ = STABLE_IDS

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    kind: str = Field(max_length=16)  # webhook | command | desktop
    target: str | None = Field(default=None, max_length=2000)  # webhook: a secret reference; command: its text
    events: str = Field(max_length=200)  # comma-separated: failed, missed, completed, cancelled, stopped
    timeout_seconds: float = Field(default=5.0, sa_column_kwargs={"server_default": "5"})
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class Notification(SQLModel, table=True):
    """One notice for one notifier: pending until a tick delivers it, then delivered or failed (with why)."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_status", "status", "claimed_at"),
        sa.Index("ix_notification_run", "run_id"),
        STABLE_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    notifier_id: int
    notifier_name: str = Field(max_length=64)
    event: str = Field(max_length=16)  # failed | missed | completed | cancelled | stopped | test
    schedule_id: int | None = Field(default=None)
    schedule_name: str | None = Field(default=None, max_length=200)
    run_id: int | None = Field(default=None)
    facts_json: str = Field(default="{}", sa_column_kwargs={"server_default": "{}"})
    status: str = Field(default="pending", max_length=16, sa_column_kwargs={"server_default": "pending"})
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    error: str | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    claimed_at: datetime | None = Field(default=None, sa_column=utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=utc_column())
