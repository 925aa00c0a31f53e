"""Profiles and schedules: the first store.

Revision ID: 0001
Revises: None
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "db_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("password_ref", sa.String(length=300), nullable=True),
        sa.Column("default_database", sa.String(length=255), nullable=True),
        sa.Column("sample_mode", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("db_profile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_db_profile_name"), ["name"], unique=True)

    op.create_table(
        "llm_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("base_url", sa.String(length=2000), nullable=True),
        sa.Column("key_ref", sa.String(length=300), nullable=True),
        sa.Column("temperature", sa.Float(), nullable=False),
        sa.Column("max_concurrency", sa.Integer(), nullable=False),
        sa.Column("timeout_seconds", sa.Float(), nullable=False),
        sa.Column("columns_per_request", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("llm_profile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_llm_profile_name"), ["name"], unique=True)

    op.create_table(
        "schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("fire_at_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("cadence", sa.String(length=200), nullable=True),
        sa.Column("cap_hours", sa.Float(), nullable=True),
        sa.Column("db_profile_id", sa.Integer(), nullable=False),
        sa.Column("database", sa.String(length=255), nullable=True),
        sa.Column("scope_json", sa.String(), nullable=False),
        sa.Column("llm_profile_id", sa.Integer(), nullable=True),
        sa.Column("review", sa.String(length=16), nullable=False),
        sa.Column("missing_only", sa.Boolean(), nullable=False),
        sa.Column("missed_policy", sa.String(length=16), nullable=False),
        sa.Column("retry_max_attempts", sa.Integer(), nullable=False),
        sa.Column("retry_base_seconds", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("next_fire_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_fire_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("running_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["db_profile_id"],
            ["db_profile.id"],
        ),
        sa.ForeignKeyConstraint(
            ["llm_profile_id"],
            ["llm_profile.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.create_index("ix_schedule_due", ["status", "next_fire_utc"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_index("ix_schedule_due")

    op.drop_table("schedule")
    with op.batch_alter_table("llm_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_llm_profile_name"))

    op.drop_table("llm_profile")
    with op.batch_alter_table("db_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_db_profile_name"))

    op.drop_table("db_profile")
