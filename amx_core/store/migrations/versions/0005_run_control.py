"""Run control: change-trigger settle and watermark, the status a run-now restores, cancel requests.

Revision ID: 0005
Revises: 0004 (planned on 0002; chained after 0004 once main carried it, so the store has one head)

- schedule.settle_minutes: a change schedule fires `settle` minutes after the first unhandled change
  (default 15), so a burst of migration statements is one run.
- schedule.change_watermark: the newest change event id a run of the schedule consumed; only later
  events arm it again (NULL: not yet known, events after the last fire or creation count).
- schedule.prior_status: the status a claim found, so a run-now (or a cancelled run) can return to it.
- run.change_watermark: the change event id a change run consumes (the catalog's newest when it read it).
- run.cancel_requested_at: `amx runs cancel` or the app asked the run to stop; its runner polls it.

Every column is nullable or has a server default, so rows written before survive the upgrade.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settle_minutes", sa.Float(), nullable=False, server_default="15"))
        batch_op.add_column(sa.Column("change_watermark", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prior_status", sa.String(length=16), nullable=True))
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("change_watermark", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cancel_requested_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run", schema=None) as batch_op:
        batch_op.drop_column("cancel_requested_at")
        batch_op.drop_column("change_watermark")
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_column("prior_status")
        batch_op.drop_column("change_watermark")
        batch_op.drop_column("settle_minutes")
