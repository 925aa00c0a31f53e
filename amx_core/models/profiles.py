"""Connection profiles: where to read a catalog and which LLM writes descriptions.

Secrets are stored only as references (`env:VAR`, `key:NAME`, `keyring:NAME`), never values.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from amx_core.models.base import STABLE_IDS, utc_column, utcnow


class DbProfile(SQLModel, table=True):
    __tablename__ = "db_profile"
    __table_args__ = STABLE_IDS

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True, index=True)
    url: str = Field(max_length=2000)  # without password
    password_ref: str | None = Field(default=None, max_length=300)
    default_database: str | None = Field(default=None, max_length=255)
    sample_mode: str = Field(default="masked", max_length=16)  # masked | raw
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class LlmProfile(SQLModel, table=True):
    __tablename__ = "llm_profile"
    __table_args__ = STABLE_IDS

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True, index=True)
    provider: str = Field(max_length=32)  # heuristic | openai | anthropic
    model: str | None = Field(default=None, max_length=200)
    base_url: str | None = Field(default=None, max_length=2000)
    key_ref: str | None = Field(default=None, max_length=300)
    temperature: float = Field(default=0.2)
    max_concurrency: int = Field(default=4)
    timeout_seconds: float = Field(default=60.0)
    columns_per_request: int = Field(default=40)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
