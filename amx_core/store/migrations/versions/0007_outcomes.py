"""Outcomes: who wrote a description, undoing a write, prices and token budgets, notifications.

Revision ID: 0007
Revises: 0006

- written_mark.run_id: the run whose suggestion wrote the text (so `catalog show` can say "amx (run N)").
- suggestion.written_text: the text as it was written (fitted to the backend), so a revert can check that the
  database still holds exactly it; suggestion.revert_sql: the statement that put the old value back.
- llm_profile.price_in / price_out: what a million input / output tokens cost (no built-in price list).
- schedule.max_tokens: a run stops before a request that would pass this many tokens (in + out).
- notifier: where run and miss notices go (a webhook by reference, a command, or the desktop).
- notification: one notice to deliver per (notifier, event): pending until the tick delivers it, then
  delivered or failed with why. Holds facts, never a webhook URL.

Every new column is nullable, so rows written before survive the upgrade.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("written_mark", schema=None) as batch_op:
        batch_op.add_column(sa.Column("run_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("written_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("revert_sql", sa.Text(), nullable=True))
    with op.batch_alter_table("llm_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("price_in", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("price_out", sa.Float(), nullable=True))
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_tokens", sa.Integer(), nullable=True))
    op.create_table(
        "notifier",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=64), nullable=False, unique=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=2000), nullable=True),
        sa.Column("events", sa.String(length=200), nullable=False),
        sa.Column("timeout_seconds", sa.Float(), nullable=False, server_default="5"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("notifier_id", sa.Integer(), nullable=False),
        sa.Column("notifier_name", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("schedule_name", sa.String(length=200), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("facts_json", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("status", sa.String(length=16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_notification_status", "notification", ["status", "claimed_at"])
    op.create_index("ix_notification_run", "notification", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_notification_run", table_name="notification")
    op.drop_index("ix_notification_status", table_name="notification")
    op.drop_table("notification")
    op.drop_table("notifier")
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_column("max_tokens")
    with op.batch_alter_table("llm_profile", schema=None) as batch_op:
        batch_op.drop_column("price_out")
        batch_op.drop_column("price_in")
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.drop_column("revert_sql")
        batch_op.drop_column("written_text")
    with op.batch_alter_table("written_mark", schema=None) as batch_op:
        batch_op.drop_column("run_id")
