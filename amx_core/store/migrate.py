"""Alembic on open: upgrade an older store, refuse one newer than this code."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from amx_core.errors import StoreError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_and_upgrade(engine: Engine, target: str = "head") -> None:
    """Upgrade to `target`; a revision this code does not know means the store is newer."""
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
