"""One engine per store URL, opened on first use (never at import) and migrated on open."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from amx_core import config
from amx_core.errors import StoreError

SQLITE_BUSY_TIMEOUT_MS = 30_000

_lock = threading.Lock()
_stores: dict[str, Store] = {}


@dataclass
class Store:
    """A migrated store; `session()` gives one session per unit of work."""

    url: str
    engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        with _unit_of_work(self.engine) as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session that takes the write lock up front (SQLite `BEGIN IMMEDIATE`).

        Python's deferred BEGIN upgrades a read lock to a write lock mid-transaction,
        which turns concurrent writers into "database is locked" errors; taking the
        lock first makes them queue on the busy timeout instead.
        """
        if not self.is_sqlite:
            with self.session() as session:
                yield session
            return
        with self.engine.connect().execution_options(amx_immediate=True) as conn:
            with _unit_of_work(conn) as session:
                yield session

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _unit_of_work(bind) -> Iterator[Session]:
    """One session: commit when the block succeeds, roll back when it raises."""
    with Session(bind=bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _sqlite_path(url: str) -> Path | None:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every sqlite test
        # Let SQLAlchemy own transactions (we issue BEGIN / BEGIN IMMEDIATE ourselves).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised by every sqlite test
        immediate = conn.get_execution_options().get("amx_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine_for(url: str, password: str | None = None) -> Engine:
    """An engine for `url`; a server's password goes to the driver apart, so it never sits in the URL."""
    path = _sqlite_path(url)
    if path is not None:
        config.ensure_private_dir(path.parent)
        config.touch_private_file(path)
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _install_sqlite_pragmas(engine)
        return engine
    connect_args = {"password": password} if password is not None else {}
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _unreachable(url: str, password: str | None, exc: sa.exc.DBAPIError) -> StoreError:
    """The driver's complaint in one line, with the URL masked and the password redacted."""
    from amx_core.secrets.masking import mask_url, redact

    orig = getattr(exc, "orig", None) or exc
    text = " ".join(line.strip() for line in str(orig).splitlines() if line.strip())[:300]
    return StoreError(f"store: cannot open {mask_url(url)}: {redact(text, [password])}")


def _protect_sqlite_files(url: str) -> None:
    path = _sqlite_path(url)
    if path is None:
        return
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists():
            try:
                os.chmod(candidate, 0o600)
            except OSError:
                pass


def open_store(url: str | None = None, *, migrate: bool = True, password: str | None = None) -> Store:
    """The store for `url` (default: AMX_STORE_URL and its password reference, else SQLite), migrated to head."""
    from amx_core.store.migrate import check_and_upgrade

    if url is None:
        from amx_core.storelocation import store_location

        location = store_location()
        url, password = location.url_for(), location.password()
    with _lock:
        store = _stores.get(url)
        if store is not None:
            return store
        if url.startswith("sqlite"):
            config.ensure_home()
        engine = create_engine_for(url, password)
        store = Store(url=url, engine=engine)
        try:
            if migrate:
                check_and_upgrade(engine)
        except StoreError:
            engine.dispose()
            raise
        except sa.exc.DBAPIError as exc:
            engine.dispose()
            raise _unreachable(url, password, exc) from None
        _protect_sqlite_files(url)
        _stores[url] = store
        return store


def reset_stores() -> None:
    """Forget cached engines (tests switch AMX_HOME between cases)."""
    with _lock:
        for store in _stores.values():
            store.dispose()
        _stores.clear()
