"""A store that cannot be used, said in one line with what to do (damaged, not a database, locked, read-only,
not permitted, unreachable), raised as StoreError in place of the driver's error.

The engine calls `fault_for` from its `handle_error` hook, so every face (amx, amx-tick, amx-tui) gets the
same line however deep the failing statement was; errors that are not about the store itself (a unique
key, a bug) pass through unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path

from amx_core.errors import StoreError

# SQLite result codes (the primary code, before any `_` extension) that mean the file is unusable.
_SQLITE_DAMAGED = ("SQLITE_CORRUPT",)
_SQLITE_NOT_A_DATABASE = ("SQLITE_NOTADB",)
_SQLITE_LOCKED = ("SQLITE_BUSY", "SQLITE_LOCKED")
_SQLITE_READ_ONLY = ("SQLITE_READONLY",)
_SQLITE_CANNOT_OPEN = ("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")
_SQLITE_DISK = ("SQLITE_IOERR", "SQLITE_FULL")

# PostgreSQL SQLSTATEs (and classes) that mean the store cannot be used as it stands.
_PG_PERMISSION = ("42501",)
_PG_READ_ONLY = ("25006",)
_PG_LOCKED = ("55P03", "57014")  # lock_timeout, statement cancelled (a timeout)
_PG_UNREACHABLE_CLASSES = ("08", "57P")  # connection exceptions, operator intervention (shutdown, cannot connect now)
_PG_RESOURCES_CLASS = "53"  # disk full, out of memory, too many connections
_PG_LOGIN = ("28000", "28P01", "3D000")  # role refused, password refused, no such database


def _sqlite_code(exc: BaseException) -> str:
    """`SQLITE_READONLY` for `SQLITE_READONLY_DIRECTORY` and the like; "" when `exc` is not from SQLite."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    for primary in (*_SQLITE_DAMAGED, *_SQLITE_NOT_A_DATABASE, *_SQLITE_LOCKED, *_SQLITE_READ_ONLY):
        if name == primary or name.startswith(primary + "_"):
            return primary
    for primary in (*_SQLITE_CANNOT_OPEN, *_SQLITE_DISK):
        if name == primary or name.startswith(primary + "_"):
            return primary
    return ""


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0][:200] if lines else type(exc).__name__


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def read_only_reason(path: Path) -> tuple[str, str]:
    """(why the SQLite store at `path` cannot be written, the command that would allow it)."""
    folder = path.parent
    if not _writable(folder):
        return "its folder is read-only", f"chmod u+w '{folder}'"
    for extra in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if extra.exists() and not _writable(extra):
            return f"{extra.name} is read-only", f"chmod u+w '{extra}'"
    return "the file system refuses writes", "remount it writable or copy the store elsewhere"


def read_only_fault(path: Path) -> StoreError:
    why, fix = read_only_reason(path)
    return StoreError(f"store: {path} is read-only ({why}): showing works, changing is refused; to change it: {fix}")


def unreadable_fault(path: Path, detail: str = "permission denied") -> StoreError:
    """The store file (or its folder) cannot be read: say which, and the chmod that fixes it."""
    folder = path.parent
    if not os.access(folder, os.R_OK | os.X_OK):
        fix = f"chmod u+rwx '{folder}'"
    elif path.is_dir():
        return StoreError(f"store: {path} is a folder, not a store file; move it aside or set AMX_HOME elsewhere")
    else:
        fix = f"chmod u+rw '{path}'"
    return StoreError(f"store: cannot open {path} ({detail}); to allow it: {fix}")


def sqlite_fault(path: Path, exc: BaseException) -> StoreError | None:
    """The one-line StoreError for a SQLite error that means the store file cannot be used, else None."""
    code = _sqlite_code(exc)
    if code in _SQLITE_DAMAGED:
        return StoreError(
            f"store: {path} is damaged ({_first_line(exc)}); restore it from a backup, "
            f"or move it aside (mv '{path}' '{path}.damaged') and AMX starts an empty store"
        )
    if code in _SQLITE_NOT_A_DATABASE:
        return StoreError(
            f"store: {path} is not an AMX store (not an SQLite database); "
            f"move it aside (mv '{path}' '{path}.not-a-store') or set AMX_HOME to another folder"
        )
    if code in _SQLITE_LOCKED:
        from amx_core.config import busy_timeout_seconds

        return StoreError(
            f"store: {path} stayed locked by another process for {busy_timeout_seconds():g} s "
            "(a long write by amx, amx-tick or amx-tui); try again in a moment"
        )
    if code in _SQLITE_READ_ONLY:
        return read_only_fault(path)
    if code in _SQLITE_CANNOT_OPEN:
        return unreadable_fault(path, _first_line(exc))
    if code in _SQLITE_DISK:
        return StoreError(f"store: cannot read or write {path} ({_first_line(exc)}); check the disk and its free space")
    return None


def postgres_fault(shown_url: str, exc: BaseException, secrets: list[str | None]) -> StoreError | None:
    """The one-line StoreError for a PostgreSQL error that means the store cannot be used, else None."""
    from amx_core.secrets.masking import redact

    sqlstate = getattr(exc, "sqlstate", None) or ""
    text = redact(_first_line(exc), secrets)
    if sqlstate in _PG_PERMISSION:
        return StoreError(
            f"store: {shown_url} refuses this role ({text}); the store's owner must grant it the AMX tables "
            "(GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ...)"
        )
    if sqlstate in _PG_READ_ONLY:
        return StoreError(
            f"store: {shown_url} is read-only ({text}): showing works, changing is refused; "
            "point AMX_STORE_URL at the primary server or a role that may write"
        )
    if sqlstate in _PG_LOCKED:
        from amx_core.config import busy_timeout_seconds

        return StoreError(
            f"store: {shown_url} stayed locked by another session for {busy_timeout_seconds():g} s ({text}); "
            "try again in a moment"
        )
    if sqlstate.startswith(_PG_RESOURCES_CLASS):
        return StoreError(f"store: {shown_url} is out of resources ({text}); try again later or ask its administrator")
    if sqlstate in _PG_LOGIN:
        return StoreError(f"store: {shown_url} refused the login ({text}); check AMX_STORE_URL and the password")
    if sqlstate.startswith(_PG_UNREACHABLE_CLASSES) or (not sqlstate and _is_operational(exc)):
        return StoreError(
            f"store: cannot open {shown_url}: {text}; check that the server runs and AMX_STORE_URL names it"
        )
    return None


def _is_operational(exc: BaseException) -> bool:
    """A driver OperationalError with no SQLSTATE: the connection itself failed (refused, timed out, dropped)."""
    return type(exc).__name__ == "OperationalError"
