"""A DB profile's real connection URL: what the catalog and the executors connect with, never shown or stored."""

from __future__ import annotations

import sqlalchemy as sa

from amx_core.engines.registry import engine_for
from amx_core.profiles.rows import get_db_row
from amx_core.secrets.resolve import resolve_secret


def db_connect_url(store, name: str, database: str | None = None) -> str:
    """The real connection URL with the password resolved: for the catalog and executors, never shown."""
    with store.session() as s:
        row = get_db_row(s, name)
        url, ref, default_db = row.url, row.password_ref, row.default_database
    parsed = sa.engine.make_url(url)
    password = resolve_secret(ref, required=bool(ref), what="password")
    if password is not None:
        parsed = parsed.set(password=password)
    db = database or default_db
    if db and not engine_for(parsed.get_backend_name()).single_database:
        parsed = parsed.set(database=db)
    return parsed.render_as_string(hide_password=False)
