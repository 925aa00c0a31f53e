"""Schema revision on open: a store at the head this code knows opens with one query; alembic only to migrate.

Importing alembic and scanning the migration scripts costs about 0.2 s, which every `amx` command and the
TUI paid on each start; a store already at `KNOWN_HEAD` needs neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from amx_core.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest migration in migrations/versions; tests/core/test_store.py fails when a new one does not bump it.
KNOWN_HEAD = "0008"
_REVISION_QUERY = sa.text("SELECT version_num FROM alembic_version")


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str | None:
    """The head alembic computes from the migration scripts (slow: imports alembic and reads every script)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The store's revision read with one query (None: a new store without `alembic_version`)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(_REVISION_QUERY).scalar()


def _at_known_head(engine: Engine) -> bool:
    """True when the store is at KNOWN_HEAD, by one query; False for a new, older or newer store."""
    try:
        with engine.connect() as conn:
            return conn.execute(_REVISION_QUERY).scalar() == KNOWN_HEAD
    except (sa.exc.ProgrammingError, sa.exc.OperationalError):
        return False  # no alembic_version table yet (a new store), or not readable: the full path says which


def check_and_upgrade(engine: Engine, target: str = "head") -> None:
    """Upgrade to `target`; a revision this code does not know means the store is newer."""
    if target == "head" and _at_known_head(engine):
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(engine)
    if current is not None:
        try:
            script.get_revision(current)
        except Exception as exc:  # alembic raises several kinds for an unknown id
            raise StoreError(
                f"store: the store at {engine.url.render_as_string(hide_password=True)} was written by "
                f"a newer AMX (schema revision {current!r}; this AMX knows up to {script.get_current_head()!r}). "
                "Upgrade AMX to open it."
            ) from exc
    if current == script.get_current_head() and target == "head":
        return
    command.upgrade(alembic_config(engine), target)
