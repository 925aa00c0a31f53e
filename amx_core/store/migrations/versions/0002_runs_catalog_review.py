"""Runs, claims, missed ledger, heartbeat, catalog cache, suggestions; change-trigger state on schedules.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("database", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("path", sa.String(length=800), nullable=False),
        sa.Column("detail", sa.String(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("catalog_change", schema=None) as batch_op:
        batch_op.create_index("ix_catalog_change_at", ["profile_id", "database", "at"], unique=False)

    op.create_table(
        "catalog_schema",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("database", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("table_count", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("profile_id", "database", "name", name="uq_catalog_schema"),
    )
    with op.batch_alter_table("catalog_schema", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalog_schema_profile_id"), ["profile_id"], unique=False)

    op.create_table(
        "catalog_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("database", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_check_utc", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("profile_id", "database", name="uq_catalog_state"),
    )
    with op.batch_alter_table("catalog_state", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalog_state_profile_id"), ["profile_id"], unique=False)

    op.create_table(
        "catalog_table",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("database", sa.String(length=255), nullable=False),
        sa.Column("schema_name", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("comment", sa.String(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("column_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("profile_id", "database", "schema_name", "name", name="uq_catalog_table"),
    )
    with op.batch_alter_table("catalog_table", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalog_table_profile_id"), ["profile_id"], unique=False)

    op.create_table(
        "local_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("database", sa.String(length=255), nullable=False),
        sa.Column("target", sa.String(length=800), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("profile_id", "database", "target", name="uq_local_comment"),
    )
    op.create_table(
        "missed_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("slot_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("schedule_id", "slot_utc", name="uq_missed_slot"),
    )
    with op.batch_alter_table("missed_slot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_missed_slot_schedule_id"), ["schedule_id"], unique=False)

    op.create_table(
        "occurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("fire_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("schedule_id", "fire_utc", name="uq_occurrence_slot"),
    )
    with op.batch_alter_table("occurrence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_occurrence_schedule_id"), ["schedule_id"], unique=False)

    op.create_table(
        "run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("schedule_name", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("occurrence_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("tables_planned", sa.Integer(), nullable=False),
        sa.Column("tables_done", sa.Integer(), nullable=False),
        sa.Column("columns_planned", sa.Integer(), nullable=False),
        sa.Column("columns_described", sa.Integer(), nullable=False),
        sa.Column("columns_applied", sa.Integer(), nullable=False),
        sa.Column("columns_queued", sa.Integer(), nullable=False),
        sa.Column("columns_failed", sa.Integer(), nullable=False),
        sa.Column("tokens_in", sa.Integer(), nullable=False),
        sa.Column("tokens_out", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("log", sa.String(), nullable=False),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_schedule_id"), ["schedule_id"], unique=False)
        batch_op.create_index("ix_run_status_heartbeat", ["status", "heartbeat_at"], unique=False)

    op.create_table(
        "suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("db_profile_id", sa.Integer(), nullable=False),
        sa.Column("database", sa.String(length=255), nullable=False),
        sa.Column("target", sa.String(length=800), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("current_text", sa.String(), nullable=True),
        sa.Column("proposed", sa.String(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=8), nullable=False),
        sa.Column("alternatives_json", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("flags_json", sa.String(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("applied_sql", sa.String(), nullable=True),
        sa.Column("old_value", sa.String(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_run_id"), ["run_id"], unique=False)
        batch_op.create_index("ix_suggestion_run_state", ["run_id", "state"], unique=False)

    op.create_table(
        "tick_heartbeat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_tick_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("last_fired", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "written_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("database", sa.String(length=255), nullable=False),
        sa.Column("target", sa.String(length=800), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("profile_id", "database", "target", name="uq_written_mark"),
    )
    op.create_table(
        "catalog_column",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=255), nullable=False),
        sa.Column("nullable", sa.Boolean(), nullable=False),
        sa.Column("default", sa.String(), nullable=True),
        sa.Column("primary_key", sa.Boolean(), nullable=False),
        sa.Column("fk_target", sa.String(length=800), nullable=True),
        sa.Column("comment", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["catalog_table.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("table_id", "name", name="uq_catalog_column"),
    )
    with op.batch_alter_table("catalog_column", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalog_column_table_id"), ["table_id"], unique=False)

    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.add_column(sa.Column("change_seen_utc", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_column("change_seen_utc")

    with op.batch_alter_table("catalog_column", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_column_table_id"))

    op.drop_table("catalog_column")
    op.drop_table("written_mark")
    op.drop_table("tick_heartbeat")
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.drop_index("ix_suggestion_run_state")
        batch_op.drop_index(batch_op.f("ix_suggestion_run_id"))

    op.drop_table("suggestion")
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.drop_index("ix_run_status_heartbeat")
        batch_op.drop_index(batch_op.f("ix_run_schedule_id"))

    op.drop_table("run")
    with op.batch_alter_table("occurrence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_occurrence_schedule_id"))

    op.drop_table("occurrence")
    with op.batch_alter_table("missed_slot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_missed_slot_schedule_id"))

    op.drop_table("missed_slot")
    op.drop_table("local_comment")
    with op.batch_alter_table("catalog_table", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_table_profile_id"))

    op.drop_table("catalog_table")
    with op.batch_alter_table("catalog_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_state_profile_id"))

    op.drop_table("catalog_state")
    with op.batch_alter_table("catalog_schema", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_schema_profile_id"))

    op.drop_table("catalog_schema")
    with op.batch_alter_table("catalog_change", schema=None) as batch_op:
        batch_op.drop_index("ix_catalog_change_at")

    op.drop_table("catalog_change")
