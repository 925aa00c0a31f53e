"""Alembic environment: runs on the engine the store handed over, never a URL from a file."""

from alembic import context

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, render_as_batch=True, compare_type=True)
    context.run_migrations()
