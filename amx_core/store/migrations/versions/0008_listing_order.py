"""The listing's order as an index: schedules by next fire (unscheduled last), then name.

Revision ID: 0008
Revises: 0007

`schedule list`, the TUI's list and the startup report read schedules in that order. Without an index the
database sorted every row it read (10,000 schedules: a sort holding them all, about 6 MiB and 7 ms on SQLite)
before handing back the first; with it, rows stream in order as they are read. The first key is the expression
the listing sorts by, so SQLite and PostgreSQL both use the index for the whole ORDER BY.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_schedule_listing", "schedule", [sa.text("(next_fire_utc IS NULL)"), "next_fire_utc", "name"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_schedule_listing", table_name="schedule")
