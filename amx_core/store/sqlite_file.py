"""The SQLite store file: made 0600 in a 0700 folder when absent, opened read-only when the user made it so.

A folder or file the user made read-only keeps its mode; AMX then opens the store read-only, so
showing (`schedule list`, `runs list`, `profile db list`) still works and a change is refused with
one line saying how to allow it. Without write access SQLite cannot create the WAL's `-shm` file,
so a store with no pending WAL is opened `immutable` (nothing is created beside it).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from amx_core import config
from amx_core.errors import StoreError
from amx_core.store.faults import unreadable_fault


def _nearest_existing(path: Path) -> Path:
    folder = path.parent
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def _create(path: Path) -> None:
    """The home (when the store lives there) and the store file, created private when absent; StoreError if refused."""
    try:
        if path.parent.resolve() == config.amx_home():
            config.ensure_home()
        config.touch_private_file(path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            where = _nearest_existing(path)
            raise StoreError(
                f"store: cannot create {path} ({reason}); set AMX_HOME to a folder you can write, "
                f"or allow it: chmod u+w '{where}'"
            ) from None
        raise StoreError(f"store: cannot create {path} ({reason})") from None


def prepare(path: Path) -> bool:
    """Make the store file when absent; True when it can be written, False when only read (StoreError: neither)."""
    try:
        existed = path.exists()
        _create(path)
        if not existed:
            return True
        if path.is_dir() or not os.access(path, os.R_OK):
            raise unreadable_fault(path)
    except PermissionError:  # the folder itself cannot be searched
        raise unreadable_fault(path) from None
    folder_writable = os.access(path.parent, os.W_OK | os.X_OK)
    return folder_writable and os.access(path, os.W_OK)


def read_only_connection(path: Path, timeout: float) -> sqlite3.Connection:
    """A connection that never writes: `immutable` when no WAL waits to be read, else `mode=ro`."""
    wal = Path(f"{path}-wal")
    try:
        pending = wal.stat().st_size > 0
    except OSError:
        pending = False
    flag = "mode=ro" if pending else "immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{flag}", uri=True, timeout=timeout, check_same_thread=False)
