"""Descriptions proposed by analyze runs, and what AMX has written where."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from amx_core.models.base import STABLE_IDS, utc_column, utcnow


class Suggestion(SQLModel, table=True):
    __tablename__ = "suggestion"
    __table_args__ = (sa.Index("ix_suggestion_run_state", "run_id", "state"), STABLE_IDS)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(index=True)
    schedule_id: int | None = Field(default=None)
    db_profile_id: int
    database: str = Field(default="", max_length=255)
    target: str = Field(max_length=800)  # schema.table or schema.table.column
    target_kind: str = Field(default="column", max_length=16)  # table | column
    current_text: str | None = Field(default=None)
    proposed: str
    confidence: float = Field(default=0.0)
    band: str = Field(default="low", max_length=8)  # low | medium | high
    alternatives_json: str = Field(default="[]")
    reason: str = Field(default="")
    flags_json: str = Field(default="[]")
    state: str = Field(default="pending", max_length=16)
    applied_sql: str | None = Field(default=None)
    old_value: str | None = Field(default=None)
    error: str | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    # added by migration 0003: the target's structure when this was proposed (amx_core.analyze.structure)
    fingerprint: str | None = Field(default=None, max_length=64)


class WrittenMark(SQLModel, table=True):
    """What AMX last wrote at a target: the text's hash, the target's structure then, and whether a person reviewed it.

    Missing-only runs re-describe a target only when its text is still AMX's own, unreviewed, and
    its structure changed since (docs/ANALYZE.md, "Incremental descriptions").
    """

    __tablename__ = "written_mark"
    __table_args__ = (sa.UniqueConstraint("profile_id", "database", "target", name="uq_written_mark"),)

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int
    database: str = Field(default="", max_length=255)
    target: str = Field(max_length=800)
    text_hash: str = Field(max_length=64)
    written_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    # added by migration 0003
    fingerprint: str | None = Field(default=None, max_length=64)  # structure at write time; None: not known yet
    reviewed: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false()}
    )  # a person accepted or edited


class LocalComment(SQLModel, table=True):
    """The AMX local catalog: descriptions for targets that cannot hold a comment (SQLite, some views)."""

    __tablename__ = "local_comment"
    __table_args__ = (sa.UniqueConstraint("profile_id", "database", "target", name="uq_local_comment"),)

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int
    database: str = Field(default="", max_length=255)
    target: str = Field(max_length=800)
    text: str
    written_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
