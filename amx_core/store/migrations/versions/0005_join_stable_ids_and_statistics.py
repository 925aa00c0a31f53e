"""Joins the two migrations written side by side after 0002: 0003 (stable ids, marks' structure
and review, skip counters) and 0004 (schedules' with_statistics). A store at either one gets the
other; a new store gets both. Nothing else changes.

Revision ID: 0005
Revises: 0003, 0004
"""

revision = "0005"
down_revision = ("0003", "0004")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
