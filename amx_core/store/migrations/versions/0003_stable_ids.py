"""Ids that are never given again, and what incremental descriptions need to know.

Revision ID: 0003
Revises: 0002

- SQLite: profiles, schedules, runs and suggestions are rebuilt with AUTOINCREMENT (every row and
  id kept), so deleting the highest id no longer hands it to the next row; each table's sequence
  starts past the highest id any other table still refers to (a run of a schedule deleted before
  this upgrade keeps its history to itself). PostgreSQL's serial sequences never go back already.
- written_mark: `fingerprint` (the target's structure when AMX wrote there) and `reviewed` (a
  person accepted or edited that text).
- suggestion: `fingerprint` (the target's structure when it was proposed).
- run: `skipped_described`, `skipped_unchanged`, `skipped_pending` counters.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# table -> the (table, column) pairs whose values are ids of it, itself first
ID_USERS = {
    "db_profile": (
        ("db_profile", "id"),
        ("schedule", "db_profile_id"),
        ("suggestion", "db_profile_id"),
        ("written_mark", "profile_id"),
        ("local_comment", "profile_id"),
        ("catalog_state", "profile_id"),
        ("catalog_schema", "profile_id"),
        ("catalog_table", "profile_id"),
        ("catalog_change", "profile_id"),
    ),
    "llm_profile": (("llm_profile", "id"), ("schedule", "llm_profile_id")),
    "schedule": (
        ("schedule", "id"),
        ("run", "schedule_id"),
        ("suggestion", "schedule_id"),
        ("occurrence", "schedule_id"),
        ("missed_slot", "schedule_id"),
    ),
    "run": (("run", "id"), ("suggestion", "run_id"), ("occurrence", "run_id")),
    "suggestion": (("suggestion", "id"),),
}

COUNTERS = ("skipped_described", "skipped_unchanged", "skipped_pending")


def _counter(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False, server_default="0")


def _new_columns(table: str) -> list[sa.Column]:
    if table == "run":
        return [_counter(name) for name in COUNTERS]
    if table == "suggestion":
        return [sa.Column("fingerprint", sa.String(length=64), nullable=True)]
    return []


def _highest_id(conn, table: str) -> int:
    highest = 0
    for user, column in ID_USERS[table]:
        value = conn.execute(sa.text(f'SELECT MAX("{column}") FROM "{user}"')).scalar()
        highest = max(highest, int(value or 0))
    return highest


def _rebuild_with_autoincrement(conn, table: str) -> None:
    """Copy the table into an AUTOINCREMENT one (ids kept) and start its sequence past every id in use."""
    with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}) as batch:
        for column in _new_columns(table):
            batch.add_column(column)
    highest = _highest_id(conn, table)
    conn.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
    if highest:
        conn.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :n)"), {"t": table, "n": highest})


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        for table in ID_USERS:
            _rebuild_with_autoincrement(conn, table)
    else:
        for table in ("run", "suggestion"):
            with op.batch_alter_table(table) as batch:
                for column in _new_columns(table):
                    batch.add_column(column)
    with op.batch_alter_table("written_mark") as batch:
        batch.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("reviewed", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("written_mark") as batch:
        batch.drop_column("reviewed")
        batch.drop_column("fingerprint")
    with op.batch_alter_table("suggestion") as batch:
        batch.drop_column("fingerprint")
    with op.batch_alter_table("run") as batch:
        for name in reversed(COUNTERS):
            batch.drop_column(name)
