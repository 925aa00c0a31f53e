"""One engine per store URL, opened on first use (never at import) and migrated on open."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from amx_core import config
from amx_core.errors import StoreError
from amx_core.store.faults import postgres_fault, sqlite_fault
from amx_core.store.sqlite_file import prepare as prepare_sqlite_file
from amx_core.store.sqlite_file import read_only_connection

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


def _install_sqlite_pragmas(engine: Engine, *, writable: bool) -> None:
    busy_ms = round(config.busy_timeout_seconds() * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every sqlite test
        # Let SQLAlchemy own transactions (we issue BEGIN / BEGIN IMMEDIATE ourselves).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {busy_ms}")
        if writable:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised by every sqlite test
        immediate = conn.get_execution_options().get("amx_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _install_fault_messages(engine: Engine, url: str, password: str | None) -> None:
    """Driver errors that mean the store itself is unusable are raised as a one-line StoreError (store/faults.py)."""
    from amx_core.secrets.masking import mask_url

    path = _sqlite_path(url)
    shown = mask_url(url)
    secrets = [password, engine.url.password if isinstance(engine.url.password, str) else None]

    @event.listens_for(engine, "handle_error")
    def _fault(context):
        if context.is_pre_ping:  # the pool reconnects on its own
            return None
        exc = context.original_exception
        if path is not None:
            return sqlite_fault(path, exc)
        if engine.dialect.name == "postgresql":
            return postgres_fault(shown, exc, secrets)
        return None


def create_engine_for(url: str, password: str | None = None) -> Engine:
    """An engine for the store at `url`: SQLite read-only when the user made its file or folder so; a server's
    password goes to the driver apart, so it never sits in the URL."""
    path = _sqlite_path(url)
    if path is not None:
        writable = prepare_sqlite_file(path)
        timeout = config.busy_timeout_seconds()
        if writable:
            engine = sa.create_engine(url, connect_args={"timeout": timeout})
        else:
            engine = sa.create_engine(url, creator=partial(read_only_connection, path, timeout))
        _install_sqlite_pragmas(engine, writable=writable)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True, connect_args=_server_connect_args(url, password))
    _install_fault_messages(engine, url, password)
    return engine


def _unreachable(url: str, password: str | None, exc: sa.exc.DBAPIError) -> StoreError:
    """The driver's complaint in one line, with the URL masked and the password redacted."""
    from amx_core.secrets.masking import mask_url, redact

    orig = getattr(exc, "orig", None) or exc
    text = " ".join(line.strip() for line in str(orig).splitlines() if line.strip())[:300]
    return StoreError(f"store: cannot open {mask_url(url)}: {redact(text, [password])}")


def _server_connect_args(url: str, password: str | None) -> dict:
    """The password apart from the URL; PostgreSQL waits for a row or table lock no longer than SQLite's busy
    timeout."""
    args: dict = {"password": password} if password is not None else {}
    if sa.engine.make_url(url).get_backend_name() == "postgresql":
        args["options"] = f"-c lock_timeout={round(config.busy_timeout_seconds() * 1000)}"
    return args


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
        engine = create_engine_for(url, password)
        store = Store(url=url, engine=engine)
        try:
            if migrate:
                check_and_upgrade(engine)
        except StoreError:
            engine.dispose()
            raise
        except sa.exc.DBAPIError as exc:  # a driver error store/faults.py does not name: still one line
            engine.dispose()
            raise _unreachable(url, password, exc) from None
        _stores[url] = store
        return store


def reset_stores() -> None:
    """Forget cached engines (tests switch AMX_HOME between cases)."""
    with _lock:
        for store in _stores.values():
            store.dispose()
        _stores.clear()
