"""The catalog cache: what a database looked like at its last refresh, and what changed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from amx_core.models.base import utc_column, utcnow


class CatalogState(SQLModel, table=True):
    """One row per (profile, database): last refresh and when a change check is next due."""

    __tablename__ = "catalog_state"
    __table_args__ = (sa.UniqueConstraint("profile_id", "database", name="uq_catalog_state"),)

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(index=True)
    database: str = Field(default="", max_length=255)
    fingerprint: str | None = Field(default=None, max_length=64)
    refreshed_at: datetime | None = Field(default=None, sa_column=utc_column())
    next_check_utc: datetime | None = Field(default=None, sa_column=utc_column())


class CatalogSchema(SQLModel, table=True):
    __tablename__ = "catalog_schema"
    __table_args__ = (sa.UniqueConstraint("profile_id", "database", "name", name="uq_catalog_schema"),)

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(index=True)
    database: str = Field(default="", max_length=255)
    name: str = Field(max_length=255)
    fingerprint: str | None = Field(default=None, max_length=64)
    table_count: int = Field(default=0)
    refreshed_at: datetime | None = Field(default=None, sa_column=utc_column())


class CatalogTable(SQLModel, table=True):
    __tablename__ = "catalog_table"
    __table_args__ = (sa.UniqueConstraint("profile_id", "database", "schema_name", "name", name="uq_catalog_table"),)

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(index=True)
    database: str = Field(default="", max_length=255)
    schema_name: str = Field(max_length=255)
    name: str = Field(max_length=255)
    kind: str = Field(default="table", max_length=24)  # table | view | materialized_view
    comment: str | None = Field(default=None)
    fingerprint: str | None = Field(default=None, max_length=64)
    column_count: int = Field(default=0)


class CatalogColumn(SQLModel, table=True):
    __tablename__ = "catalog_column"
    __table_args__ = (sa.UniqueConstraint("table_id", "name", name="uq_catalog_column"),)

    id: int | None = Field(default=None, primary_key=True)
    table_id: int = Field(foreign_key="catalog_table.id", index=True)
    position: int = Field(default=0)
    name: str = Field(max_length=255)
    type: str = Field(max_length=255)
    nullable: bool = Field(default=True)
    default: str | None = Field(default=None)
    primary_key: bool = Field(default=False)
    fk_target: str | None = Field(default=None, max_length=800)
    comment: str | None = Field(default=None)


class CatalogChange(SQLModel, table=True):
    """A schema change seen by a refresh (a rename shows as remove + add)."""

    __tablename__ = "catalog_change"
    __table_args__ = (sa.Index("ix_catalog_change_at", "profile_id", "database", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int
    database: str = Field(default="", max_length=255)
    kind: str = Field(
        max_length=32
    )  # table_added | table_removed | column_added | column_removed | type_changed | nullability_changed
    path: str = Field(max_length=800)
    detail: str | None = Field(default=None)
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
