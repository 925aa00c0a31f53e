"""The idle pass (docs/ARCHITECTURE.md §7.1): heartbeat plus one indexed "anything to do?" query, raw driver only.

Nothing here imports SQLAlchemy, SQLModel or the LLM stack; when the answer is "nothing",
`amx-tick` exits having loaded only the standard library (and psycopg on PostgreSQL).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from amx_core.config import busy_timeout_seconds
from amx_core.tick.storeurl import DriverTarget

CLAIMABLE = ("pending", "failed")  # a Failed recurring schedule keeps its next occurrence armed

# One statement, every branch served by an index: ix_schedule_due (status, next_fire_utc) for due
# and missed work and for change schedules (next_fire_utc NULL), ix_run_status_heartbeat
# (status, heartbeat_at) for dead runs. A change schedule the catalog poll watches (Pending or Failed ones,
# as amx_core.catalog.polling arms them) makes the pass busy unless its catalog's next check is
# in the future; its catalog key is the schedule's database, else the profile's default ('' for
# SQLite), else whichever database of the profile the poll recorded.
WORK_QUERY = """
SELECT
  EXISTS (SELECT 1 FROM schedule
          WHERE status IN ('pending', 'failed') AND next_fire_utc <= {now})
  OR EXISTS (SELECT 1 FROM run WHERE status = 'running' AND heartbeat_at < {stale})
  OR EXISTS (SELECT 1 FROM schedule WHERE status = 'running' AND running_since < {stale})
  OR EXISTS (SELECT 1 FROM schedule s JOIN db_profile p ON p.id = s.db_profile_id
             WHERE s.status IN ('pending', 'failed') AND s.next_fire_utc IS NULL AND s."trigger" = 'change'
               AND NOT EXISTS (
                 SELECT 1 FROM catalog_state c
                 WHERE c.profile_id = s.db_profile_id AND c.next_check_utc > {now}
                   AND c.database = CASE WHEN p.url LIKE 'sqlite%%' THEN ''
                                         ELSE COALESCE(s.database, p.default_database, c.database) END))
"""

# The real passes' heartbeat is row 1 (the daemon status reads it); a pass with `--now` writes row 2
# and reads the later of both (amx_core.tick.heartbeat says why).
PREVIOUS_QUERY = "SELECT max(last_tick_at) FROM tick_heartbeat WHERE id IN (1, {row})"
SCHEMA_QUERY = "SELECT version_num FROM alembic_version"
MIGRATIONS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "store", "migrations", "versions"
)

HEARTBEAT_UPSERT = """
INSERT INTO tick_heartbeat (id, last_tick_at, duration_ms, host, pid, last_fired)
VALUES ({row}, {at}, {duration}, {host}, {pid}, 0)
ON CONFLICT (id) DO UPDATE SET last_tick_at = excluded.last_tick_at, duration_ms = excluded.duration_ms,
  host = excluded.host, pid = excluded.pid, last_fired = 0
"""

_SQLITE_MARKS = {
    "now": ":now",
    "stale": ":stale",
    "at": ":at",
    "duration": ":duration",
    "host": ":host",
    "pid": ":pid",
    "row": ":row",
}
_PG_MARKS = {key: f"%({key})s" for key in _SQLITE_MARKS}


class Probe:
    """What the idle check saw: whether a full pass is needed, and the tick before this one."""

    __slots__ = ("busy", "previous_tick_at")

    def __init__(self, busy: bool, previous_tick_at: datetime | None) -> None:
        self.busy = busy
        self.previous_tick_at = previous_tick_at


def known_revisions() -> frozenset[str]:
    """The schema revisions this code knows, from its migration files' names (`0002_runs_catalog_review.py`)."""
    return frozenset(name.partition("_")[0] for name in os.listdir(MIGRATIONS) if name[:1].isdigit())


def _known_schema(row) -> bool:
    """False when a newer AMX wrote the store: then the full pass opens it and says so in one line."""
    return row is not None and row[0] in known_revisions()


def host_name() -> str:
    """This machine's name without importing `socket`."""
    try:
        return os.uname().nodename
    except AttributeError:  # Windows
        return os.environ.get("COMPUTERNAME", "unknown")


def sqlite_instant(value: datetime) -> str:
    """The text SQLite holds for an instant (naive UTC, microseconds), so comparisons sort right."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _parse_sqlite_instant(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _params(now: datetime, lease_seconds: float, duration_ms: float, pid: int, instant, simulated: bool) -> dict:
    return {
        "row": 2 if simulated else 1,
        "now": instant(now),
        "stale": instant(now - timedelta(seconds=lease_seconds)),
        "at": instant(now),
        "duration": duration_ms,
        "host": host_name(),
        "pid": pid,
    }


def _writable(path: str) -> bool:
    """False for a store the user made read-only: opening it here would leave read-only -wal/-shm files beside it
    (SQLite gives them the file's mode); the full pass opens it without them and says it is read-only."""
    return os.access(path, os.W_OK) and os.access(os.path.dirname(path) or ".", os.W_OK)


def _probe_sqlite(
    path: str,
    now: datetime,
    lease_seconds: float,
    duration_ms: float,
    password: str | None = None,
    simulated: bool = False,
) -> Probe | None:
    import sqlite3

    if not os.path.isfile(path) or not _writable(path):
        return None
    params = _params(now, lease_seconds, duration_ms, os.getpid(), sqlite_instant, simulated)
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout_seconds(), isolation_level=None)
    except sqlite3.Error:
        return None  # cannot even open it: the full pass says why in one line
    try:
        conn.execute("PRAGMA synchronous = NORMAL")  # as the engine does: WAL, no fsync per commit
        conn.execute("BEGIN IMMEDIATE")
        try:
            if not _known_schema(conn.execute(SCHEMA_QUERY).fetchone()):
                conn.execute("ROLLBACK")
                return None
            row = conn.execute(PREVIOUS_QUERY.format(**_SQLITE_MARKS), params).fetchone()
            busy = bool(conn.execute(WORK_QUERY.format(**_SQLITE_MARKS), params).fetchone()[0])
            conn.execute(HEARTBEAT_UPSERT.format(**_SQLITE_MARKS), params)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error:
        return None  # not migrated yet, or an older schema: the full pass migrates it
    finally:
        conn.close()
    return Probe(busy, _parse_sqlite_instant(row[0]) if row else None)


def _probe_postgres(
    uri: str,
    now: datetime,
    lease_seconds: float,
    duration_ms: float,
    password: str | None = None,
    simulated: bool = False,
) -> Probe | None:
    try:
        import psycopg
    except ImportError:
        return None
    params = _params(now, lease_seconds, duration_ms, os.getpid(), lambda value: value, simulated)
    try:
        with psycopg.connect(uri, connect_timeout=30, password=password) as conn:  # None: not given
            with conn.transaction():
                if not _known_schema(conn.execute(SCHEMA_QUERY).fetchone()):
                    return None
                row = conn.execute(PREVIOUS_QUERY.format(**_PG_MARKS), params).fetchone()
                work = conn.execute(WORK_QUERY.format(**_PG_MARKS), params).fetchone()  # always one row
                busy = work is not None and bool(work[0])
                conn.execute(HEARTBEAT_UPSERT.format(**_PG_MARKS), params)
    except psycopg.Error:
        return None
    previous = row[0].astimezone(UTC) if row and row[0] else None
    return Probe(busy, previous)


_PROBES = {"sqlite": _probe_sqlite, "postgresql": _probe_postgres}


def probe(
    target: DriverTarget, now: datetime, *, lease_seconds: float, duration_ms: float = 0.0, simulated: bool = False
) -> Probe | None:
    """Record the heartbeat (the simulated row with `simulated`) and ask whether anything is due, missed,
    stale or due a change check.

    None means "cannot tell through the raw driver" (no store yet, unknown backend): run the full pass.
    """
    return _PROBES[target.backend](target.target, now, lease_seconds, duration_ms, target.password, simulated)
