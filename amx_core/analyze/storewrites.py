"""One store write at a time per process during a run, so worker threads queue on a lock, not on SQLite's busy timer.

SQLite's busy handler sleeps in growing steps (up to 100 ms) while another connection holds
the write lock; with four worker threads that sleeping, not the work, dominated a run. A
process-level lock per store makes waiters wake the moment the writer is done. Other
processes still meet each other on the busy timeout, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

_guard = threading.Lock()
_locks: dict[str, threading.Lock] = {}


def _lock_for(store) -> threading.Lock:
    with _guard:
        return _locks.setdefault(store.url, threading.Lock())


@contextmanager
def store_write(store) -> Iterator[Session]:
    """`store.write_session()` taken behind this process's lock for the store."""
    with _lock_for(store):
        with store.write_session() as session:
            yield session
