"""Which cached catalog a call is about, and one live connection to it with clear, password-free errors.

The cache key of a catalog is (profile id, database name): the database given, else the profile's
default, else the one in the profile's URL; SQLite has a single database whose key is "".
Connection failures become ActionError (exit 1) with the URL masked and the password redacted;
naming a database the server does not have is bad input: NotFoundError on `database` (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from amx_core.errors import ActionError, AmxError, NotFoundError, ValidationError
from amx_core.models.base import saved_id
from amx_core.profiles.rows import get_db_row
from amx_core.profiles.urls import db_connect_url
from amx_core.secrets.masking import mask_url, redact
from amx_core.text import refuse_surrogates

CONNECT_TIMEOUT_SECONDS = 10
SQLITE_NAMES = ("", "main")

# (dialect, pattern) -> what the failure means; the first match wins.
_MISSING_DATABASE = {
    "postgresql": re.compile(r'database "[^"]*" does not exist'),
    "mysql": re.compile(r"Unknown database"),
}
_AUTH_FAILED = {
    "postgresql": re.compile(r"password authentication failed|role \"[^\"]*\" does not exist|no password supplied"),
    "mysql": re.compile(r"Access denied for user"),
}
_FAMILY = {"mariadb": "mysql"}
_CONNECT_ARGS = {
    "postgresql": {"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    "mysql": {"connect_timeout": CONNECT_TIMEOUT_SECONDS},
}


class CatalogConnectError(ActionError):
    """The database could not be reached or read; `transient` says whether a retry may help."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class CatalogTarget:
    """A profile's catalog in one database, as the cache keys it (no secret inside)."""

    profile_id: int
    profile: str
    dialect: str
    database: str
    url: str  # the stored URL: never holds a password

    @property
    def shown_database(self) -> str:
        return self.database or "main"

    @property
    def label(self) -> str:
        return f"{self.profile}/{self.shown_database}"


def _database_key(dialect: str, given: str | None, default: str | None, in_url: str | None) -> str:
    if dialect == "sqlite":
        if given not in (None, *SQLITE_NAMES):
            raise ValidationError("database", f"a SQLite profile has one database, 'main'; {given!r} is not it")
        return ""
    return given or default or in_url or ""


def resolve_target(store, profile: str, database: str | None = None, *, require_database: bool = True) -> CatalogTarget:
    """The catalog key for (profile, database); unknown profile -> NotFoundError on `profile`."""
    if database:
        refuse_surrogates(database, field="database")
    with store.session() as s:
        row = get_db_row(s, profile, "profile")
        profile_id, url, default = saved_id(row), row.url, row.default_database
    parsed = sa.engine.make_url(url)
    dialect = parsed.get_backend_name()
    key = _database_key(dialect, database, default, parsed.database)
    if require_database and dialect != "sqlite" and not key:
        raise ValidationError(
            "database",
            f"profile {profile!r} names no database; pass --database (list them with `amx catalog show {profile}`)",
        )
    return CatalogTarget(profile_id=profile_id, profile=profile, dialect=dialect, database=key, url=url)


def _first_lines(text: str, limit: int = 300) -> str:
    flat = " ".join(part.strip() for part in text.splitlines() if part.strip())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _driver_text(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc)


def connect_failure(target: CatalogTarget, real_url: str, exc: BaseException) -> AmxError:
    """Map a driver failure on connect to NotFoundError (no such database) or CatalogConnectError."""
    secret = sa.engine.make_url(real_url).password
    text = _first_lines(redact(_driver_text(exc), [secret]))
    shown = mask_url(real_url)
    family = _FAMILY.get(target.dialect, target.dialect)
    missing = _MISSING_DATABASE.get(family)
    if missing is not None and missing.search(text):
        return NotFoundError("database", f"database {target.shown_database!r} does not exist on {shown}")
    auth = _AUTH_FAILED.get(family)
    if auth is not None and auth.search(text):
        return CatalogConnectError(f"cannot connect to {shown}: authentication failed: {text}", transient=False)
    return CatalogConnectError(f"cannot connect to {shown}: {text}", transient=True)


def work_failure(target: CatalogTarget, real_url: str, exc: sa.exc.DBAPIError) -> CatalogConnectError:
    """A driver error while reading the catalog; a dropped connection is worth a retry."""
    secret = sa.engine.make_url(real_url).password
    text = _first_lines(redact(_driver_text(exc), [secret]))
    transient = bool(getattr(exc, "connection_invalidated", False)) or isinstance(exc, sa.exc.OperationalError)
    return CatalogConnectError(f"reading the catalog of {target.label} failed: {text}", transient=transient)


def _check_sqlite_file(url: sa.engine.URL) -> None:
    name = url.database
    if name and name != ":memory:" and not name.startswith("file:") and not Path(name).exists():
        raise CatalogConnectError(
            f"cannot open {mask_url(url.render_as_string(hide_password=False))}: no such file", transient=False
        )


@contextmanager
def live_connection(store, target: CatalogTarget, *, use_database: bool = True) -> Iterator[sa.Connection]:
    """One connection to the target's database (or the profile's own URL when `use_database` is False)."""
    real_url = db_connect_url(store, target.profile, (target.database or None) if use_database else None)
    parsed = sa.engine.make_url(real_url)
    if target.dialect == "sqlite":
        _check_sqlite_file(parsed)
    engine = sa.create_engine(
        parsed,
        poolclass=sa.pool.NullPool,
        connect_args=_CONNECT_ARGS.get(_FAMILY.get(target.dialect, target.dialect), {}),
    )
    try:
        try:
            conn = engine.connect()
        except AmxError:
            raise
        except Exception as exc:  # noqa: BLE001 - every driver has its own connect errors
            raise connect_failure(target, real_url, exc) from None
        try:
            with conn:
                yield conn
        except sa.exc.DBAPIError as exc:
            raise work_failure(target, real_url, exc) from None
    finally:
        engine.dispose()
