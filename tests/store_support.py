"""Store test pieces: a fingerprint proving nothing was written, and running a command as a user without root's
power to ignore file modes (so read-only folders and files refuse writes even when the suite runs as root)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

# Root ignores file modes through these capabilities; dropping them from the bounding set makes root's
# children obey 0555 and 0444 like any owner would.
DAC_CAPABILITIES = "-dac_override,-dac_read_search"


def sqlite_fingerprint(db_path: Path) -> tuple[str, str]:
    """File bytes after a checkpoint, plus the logical dump (for a readable diff if it fails)."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    dump = "\n".join(conn.iterdump())
    conn.close()
    return hashlib.sha256(db_path.read_bytes()).hexdigest(), dump


def server_fingerprint(url: str) -> tuple[str, str]:
    """Every row of every table of a server store, in key order: equal before and after means nothing was written."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
            lines = []
            for table in sorted(tables):
                rows = conn.exec_driver_sql(f'SELECT * FROM "{table}" ORDER BY 1').all()
                lines.extend(f"{table}: {tuple(row)!r}" for row in rows)
    finally:
        engine.dispose()
    dump = "\n".join(lines)
    return hashlib.sha256(dump.encode()).hexdigest(), dump


def store_fingerprint(store) -> tuple[str, str]:
    """The fingerprint of `store` (an open amx_core Store), SQLite file or server alike."""
    if store.is_sqlite:
        return sqlite_fingerprint(Path(store.engine.url.database))
    return server_fingerprint(store.url)


def as_plain_user(argv: list[str]) -> list[str]:
    """`argv` run so that file modes bind: as is for an ordinary user, through setpriv without DAC power for root."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make file modes bind for the command")
    return [setpriv, "--bounding-set", DAC_CAPABILITIES, "--", *argv]
