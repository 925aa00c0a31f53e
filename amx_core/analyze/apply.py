"""The one safe write path, for `auto` runs and `amx review apply` alike.

Per table: one transaction (a real one on PostgreSQL and in the local catalog) and, per
statement, a savepoint holding: re-read the live text (changed since the suggestion was
made -> `stale`, nothing written), fit the text to the backend, write, read back. Then the
suggestions get their state, the SQL that ran and the old value, and every written target a
WrittenMark (the text's hash, the target's structure, whether a person accepted or edited it)
so a later missing-only run knows whose text is there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

import sqlalchemy as sa
from sqlmodel import Session

from amx_core.analyze.local_comments import LocalWriter
from amx_core.analyze.marks import MarkWrite, save_marks
from amx_core.analyze.storewrites import store_write
from amx_core.analyze.suggestions import NOTE_PREFIX
from amx_core.analyze.targets import same_text
from amx_core.catalog.connect import resolve_target
from amx_core.engines.comments import CommentWriter, Prepared, WriterClass, WriteRefused
from amx_core.engines.registry import engine_for
from amx_core.models import Suggestion
from amx_core.models.base import table_of
from amx_core.profiles.urls import db_connect_url
from amx_core.scope.targets import Target
from amx_core.secrets.masking import mask_url

STALE_MESSAGE = "the database text changed since this suggestion was made; nothing written"


def writer_class(dialect: str) -> WriterClass | None:
    """The comment writer of the dialect's engine; None where the local catalog keeps descriptions (SQLite...)."""
    return engine_for(dialect).writer


@dataclass(frozen=True)
class PlannedWrite:
    """One suggestion to write: `expected` is the text it saw; `reviewed` when a person accepted or edited it."""

    suggestion_id: int
    target: Target
    expected: str | None
    text: str
    reviewed: bool = False
    fingerprint: str | None = None  # the target's structure the text was written for
    run_id: int | None = None  # the run that proposed it (recorded on the target's mark)


@dataclass(frozen=True)
class WriteOutcome:
    suggestion_id: int
    target: str
    state: str  # applied | stale | apply_failed
    written: str | None = None
    sql: str | None = None
    live: str | None = None  # the database text just before writing (the old value)
    error: str | None = None
    notes: tuple[str, ...] = ()


@dataclass
class Destination:
    """Where one (profile, database) keeps descriptions, with an engine for live reads and writes."""

    store: object
    profile_id: int
    profile: str
    database: str
    dialect: str
    engine: sa.Engine  # reads and writes
    read_engine: sa.Engine | None = None  # profiling, where the engine opens read-only (DuckDB); else `engine`

    @property
    def reader(self) -> sa.Engine:
        return self.read_engine or self.engine

    @property
    def local_only(self) -> bool:
        return writer_class(self.dialect) is None

    def uses_local(self, kind: str) -> bool:
        """Does a table of this kind keep its descriptions in the local catalog (not in the database)?"""
        writer = writer_class(self.dialect)
        return writer is None or kind not in writer.HOLDS


@contextmanager
def open_destination(store, profile: str, database: str | None, *, pool_size: int = 2) -> Iterator[Destination]:
    """The destination for (profile, database) with a small connection pool, disposed afterwards."""
    target = resolve_target(store, profile, database, require_database=False)
    url = db_connect_url(store, profile, target.database or None)
    kind = engine_for(target.dialect)
    engine = kind.open(url, pool_size=pool_size)
    reader = kind.open(url, read_only=True, pool_size=pool_size) if kind.read_only_opening else None
    try:
        yield Destination(store, target.profile_id, profile, target.database, target.dialect, engine, reader)
    finally:
        engine.dispose()
        if reader is not None:
            reader.dispose()


def _driver_message(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return mask_url(" ".join(line.strip() for line in text.splitlines() if line.strip())[:300])


def _write_one(writer: CommentWriter, kind: str, item: PlannedWrite) -> WriteOutcome:
    live = None
    try:
        with writer.savepoint():
            live = writer.read(item.target)
            if not same_text(live, item.expected):
                return WriteOutcome(item.suggestion_id, item.target.path, "stale", live=live, error=STALE_MESSAGE)
            prepared = writer.prepare(item.target, item.text)
            sql = writer.write(item.target, kind, prepared.text)
    except WriteRefused as exc:
        return WriteOutcome(item.suggestion_id, item.target.path, "apply_failed", live=live, error=exc.message)
    except sa.exc.DBAPIError as exc:
        return WriteOutcome(item.suggestion_id, item.target.path, "apply_failed", live=live, error=_driver_message(exc))
    return WriteOutcome(item.suggestion_id, item.target.path, "applied", prepared.text, sql, live, None, prepared.notes)


Recorder = Callable[[Session, Sequence[WriteOutcome]], None]


def _write_local_batch(writer: LocalWriter, items: Sequence[PlannedWrite]) -> list[WriteOutcome]:
    """One table's local writes with a few statements and one read-back, in one savepoint: what `_write_one`
    does for each item, at a fraction of the statements (a run writes a table's columns together)."""
    outcomes: dict[int, WriteOutcome] = {}
    writes: list[tuple[int, PlannedWrite, str | None, Prepared]] = []
    with writer.savepoint():
        for index, item in enumerate(items):
            live = writer.read(item.target)
            if not same_text(live, item.expected):
                outcomes[index] = WriteOutcome(
                    item.suggestion_id, item.target.path, "stale", live=live, error=STALE_MESSAGE
                )
            else:
                writes.append((index, item, live, writer.prepare(item.target, item.text)))
        sqls = writer.write_many([(item.target, prepared.text) for _i, item, _live, prepared in writes])
    for (index, item, live, prepared), sql in zip(writes, sqls, strict=True):
        outcomes[index] = WriteOutcome(
            item.suggestion_id, item.target.path, "applied", prepared.text, sql, live, None, prepared.notes
        )
    return [outcomes[index] for index in range(len(items))]


def _write_local_items(writer: LocalWriter, items: Sequence[PlannedWrite]) -> list[WriteOutcome]:
    """The batch when it goes through; when any of it fails (nothing of it is kept), item by item, each in a
    savepoint of its own, so one refused text costs only itself. A target named twice is written in turn."""
    one_table = len({item.target.table_key for item in items}) == 1
    if one_table and len({item.target.path for item in items}) == len(items):
        try:
            return _write_local_batch(writer, items)
        except (WriteRefused, sa.exc.DBAPIError):
            writer.forget(items[0].target)
    return [_write_one(writer, "table", item) for item in items]


def _write_local(dest: Destination, items: Sequence[PlannedWrite], record: Recorder | None) -> list[WriteOutcome]:
    """Local catalog writes and their bookkeeping share one store transaction."""
    with store_write(dest.store) as session:
        writer = LocalWriter(session, dest.profile_id, dest.database)
        outcomes = _write_local_items(writer, items)
        if record is not None:
            record(session, outcomes)
        return outcomes


def _failed_all(items: Sequence[PlannedWrite], message: str) -> list[WriteOutcome]:
    return [WriteOutcome(i.suggestion_id, i.target.path, "apply_failed", error=message) for i in items]


def _write_database(
    dest: Destination, items: Sequence[PlannedWrite], record: Recorder | None
) -> tuple[list[WriteOutcome], bool]:
    """(outcomes, whether `record` already ran) for a dialect that holds comments."""
    schema, table = items[0].target.table_key
    make_writer = writer_class(dest.dialect)
    if make_writer is None:  # not a dialect that holds comments: the local catalog keeps them
        return _write_local(dest, items, record), True
    try:
        with dest.engine.connect() as conn:
            writer = make_writer(conn)
            kind = writer.table_kind(schema, table)
            if kind is None:
                return _failed_all(items, f"{items[0].target.schema}.{table} no longer exists"), False
            if not writer.holds(kind):
                return _write_local(dest, items, record), True
            with writer.transaction():
                return [_write_one(writer, kind, item) for item in items], False
    except sa.exc.DBAPIError as exc:
        return _failed_all(items, f"writing failed, nothing kept: {_driver_message(exc)}"), False


def write_table(dest: Destination, items: Sequence[PlannedWrite], record: Recorder | None = None) -> list[WriteOutcome]:
    """Write the suggestions of one table in one transaction, a savepoint per statement; then `record` them."""
    if not items:
        return []
    if dest.local_only:
        return _write_local(dest, items, record)
    outcomes, recorded = _write_database(dest, items, record)
    if record is not None and not recorded:
        with store_write(dest.store) as session:
            record(session, outcomes)
    return outcomes


_T = table_of(Suggestion)
_B = sa.bindparam
_BY_ID = _T.c.id == _B("b_id")
_SET_APPLIED = (
    sa.update(_T)
    .where(_BY_ID)
    .values(
        state=_B("b_state"),
        applied_sql=_B("b_sql"),
        old_value=_B("b_old"),
        error=_B("b_error"),
        updated_at=_B("b_at"),
        written_text=_B("b_written"),
    )
)
_SET_STALE = (
    sa.update(_T)
    .where(_BY_ID)
    .values(state=_B("b_state"), error=_B("b_error"), current_text=_B("b_old"), updated_at=_B("b_at"))
)
_SET_FAILED = sa.update(_T).where(_BY_ID).values(state=_B("b_state"), error=_B("b_error"), updated_at=_B("b_at"))
_STATEMENTS = {"applied": _SET_APPLIED, "stale": _SET_STALE, "apply_failed": _SET_FAILED}


def record_outcomes(
    session: Session,
    dest: Destination,
    outcomes: Sequence[WriteOutcome],
    planned: dict[int, PlannedWrite],
    *,
    applied_state: str,
    now: datetime,
) -> None:
    """Store each suggestion's new state, SQL, old value and error; mark every written target."""
    rows: dict[str, list[dict]] = {}
    for o in outcomes:
        note = NOTE_PREFIX + "; ".join(o.notes) if o.notes else None
        rows.setdefault(o.state, []).append(
            {
                "b_id": o.suggestion_id,
                "b_state": applied_state if o.state == "applied" else o.state,
                "b_sql": o.sql,
                "b_old": o.live,
                "b_error": note if o.state == "applied" else o.error,
                "b_at": now,
                **({"b_written": o.written} if o.state == "applied" else {}),
            }
        )
    conn = session.connection()
    for state, batch in rows.items():
        conn.execute(_STATEMENTS[state], batch)
    written = [(o, planned[o.suggestion_id]) for o in outcomes if o.state == "applied"]
    marks = [MarkWrite(o.target, o.written or "", p.fingerprint, p.reviewed, p.run_id) for o, p in written]
    save_marks(session, dest.profile_id, dest.database, marks, now)


def apply_planned(
    store, dest: Destination, items: Sequence[PlannedWrite], *, applied_state: str, now: datetime
) -> list[WriteOutcome]:
    """Write `items` table by table and record every outcome."""
    outcomes: list[WriteOutcome] = []
    planned = {item.suggestion_id: item for item in items}

    def record(session: Session, written: Sequence[WriteOutcome]) -> None:
        record_outcomes(session, dest, written, planned, applied_state=applied_state, now=now)

    ordered = sorted(
        items, key=lambda item: (item.target.table_key, item.target.column is not None, item.target.column or "")
    )
    for _key, group in groupby(ordered, key=lambda item: item.target.table_key):
        outcomes.extend(write_table(dest, list(group), record))
    return outcomes
