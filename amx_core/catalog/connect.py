"""Which cached catalog a call is about, and one live connection to it with clear, password-free errors.

The cache key of a catalog is (profile id, database name): the database given, else the profile's
default, else the one in the profile's URL; a single-database engine (SQLite, DuckDB) has one
database whose key is "". Connection failures become ActionError (exit 1) with the URL masked and
the password redacted; naming a database the server does not have is bad input: NotFoundError on
`database` (exit 2). What a driver's error means is the engine's to say (amx_core.engines).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

from amx_core.engines.base import Engine
from amx_core.engines.registry import engine_for
from amx_core.errors import ActionError, AmxError, NotFoundError, ValidationError
from amx_core.models.base import saved_id
from amx_core.profiles.rows import get_db_row
from amx_core.profiles.urls import db_connect_url
from amx_core.secrets.masking import mask_url, redact
from amx_core.text import refuse_surrogates

SINGLE_DATABASE_NAMES = ("", "main")


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


def _database_key(engine: Engine, given: str | None, default: str | None, in_url: str | None) -> str:
    if engine.single_database:
        if given not in (None, *SINGLE_DATABASE_NAMES):
            raise ValidationError("database", f"a {engine.label} profile has one database, 'main'; {given!r} is not it")
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
    engine = engine_for(dialect)
    key = _database_key(engine, database, default, parsed.database)
    if require_database and not engine.single_database and not key:
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
    failure = engine_for(target.dialect).connect_failure(text)
    if failure.kind == "missing_database":
        return NotFoundError("database", f"database {target.shown_database!r} does not exist on {shown}")
    hint = f"{failure.hint}: " if failure.hint else ""
    return CatalogConnectError(f"cannot connect to {shown}: {hint}{text}", transient=failure.transient)


def work_failure(target: CatalogTarget, real_url: str, exc: sa.exc.DBAPIError) -> CatalogConnectError:
    """A driver error while reading the catalog; a dropped connection is worth a retry."""
    secret = sa.engine.make_url(real_url).password
    text = _first_lines(redact(_driver_text(exc), [secret]))
    failure = engine_for(target.dialect).work_failure(exc)
    hint = f"{failure.hint}: " if failure.hint else ""
    return CatalogConnectError(
        f"reading the catalog of {target.label} failed: {hint}{text}", transient=failure.transient
    )


@contextmanager
def live_connection(store, target: CatalogTarget, *, use_database: bool = True) -> Iterator[sa.Connection]:
    """One read-only connection (where the engine has one) to the target's database, or to the profile's own
    URL when `use_database` is False."""
    real_url = db_connect_url(store, target.profile, (target.database or None) if use_database else None)
    parsed = sa.engine.make_url(real_url)
    kind = engine_for(target.dialect)
    if kind.missing_file(parsed):
        raise CatalogConnectError(f"cannot open {mask_url(real_url)}: no such file", transient=False)
    engine = kind.open(parsed, read_only=True)
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
