"""Alembic environment: runs on the engine the store handed over, never a URL from a file.

On SQLite, foreign keys are off while migrating (the pragma is ignored inside a transaction,
so it is set on the raw connection before the migration's transaction begins): rebuilding a
parent table drops and renames it, which with enforcement on would delete or orphan its
children's references. Rebuilds copy every row as it was, so no check is lost.
"""

from alembic import context

engine = context.config.attributes["engine"]


def _sqlite_foreign_keys(connection, on: bool) -> None:
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(connection, False)
    try:
        with connection.begin():
            context.configure(connection=connection, render_as_batch=True, compare_type=True)
            context.run_migrations()
    finally:
        if sqlite:
            _sqlite_foreign_keys(connection, True)
