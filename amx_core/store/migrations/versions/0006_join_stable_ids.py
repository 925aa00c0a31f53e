"""Joins the two lines of migrations written side by side after 0002: 0003 (stable ids, marks'
structure and review, skip counters) and 0004-0005 (with_statistics, run control). A store at
either line's end gets the other line; a new store gets both. Nothing else changes.

Revision ID: 0006
Revises: 0003, 0005
"""

revision = "0006"
down_revision = ("0003", "0005")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
