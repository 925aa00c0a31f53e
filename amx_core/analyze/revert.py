"""Undoing AMX's writes: put back the text a target held before AMX wrote there (or none), through the one
safe write path (amx_core.analyze.apply).

A revert writes only where the database still holds exactly the text AMX wrote (the write path's
re-read: anything else is `stale` and left alone), verifies by reading back, and then fixes the
target's WrittenMark: when the text put back is one AMX wrote earlier (an older applied suggestion
for the same target wrote exactly it), the mark is that write's again (its run, structure and
review); otherwise the text is a person's, or there is none, and the mark goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from amx_core.analyze.apply import Destination, PlannedWrite, WriteOutcome, write_table
from amx_core.analyze.marks import MarkWrite, forget_marks, save_marks
from amx_core.analyze.suggestions import REVERTIBLE
from amx_core.analyze.targets import same_text
from amx_core.models import Suggestion
from amx_core.models.base import table_of
from amx_core.scope.targets import Target

REVERTED = "reverted"

_T = table_of(Suggestion)
_SET_REVERTED = (
    sa.update(_T)
    .where(_T.c.id == sa.bindparam("b_id"))
    .values(state=REVERTED, revert_sql=sa.bindparam("b_sql"), updated_at=sa.bindparam("b_at"))
)


@dataclass(frozen=True)
class RevertItem:
    """One applied suggestion to undo: what AMX wrote at `target` and what was there before (None: nothing)."""

    suggestion_id: int
    target: Target
    written: str
    old: str | None


def written_text(row) -> str:
    """What AMX wrote for a suggestion row: the fitted text it recorded, else (older rows) its proposal."""
    return row.written_text if row.written_text is not None else (row.proposed or "").replace("\x00", "")


def _earlier_write(session: Session, profile_id: int, database: str, item: RevertItem) -> MarkWrite | None:
    """The mark of AMX's own earlier write of the text being put back, if the old text is one."""
    if not item.old:
        return None
    query = (
        sa.select(_T.c.proposed, _T.c.written_text, _T.c.state, _T.c.fingerprint, _T.c.run_id)
        .where(
            _T.c.db_profile_id == profile_id,
            _T.c.database == database,
            _T.c.target == item.target.path,
            _T.c.id < item.suggestion_id,
            _T.c.state.in_(REVERTIBLE),
        )
        .order_by(_T.c.id.desc())
        .limit(1)
    )
    row = session.connection().execute(query).first()
    if row is None or not same_text(written_text(row), item.old):
        return None
    return MarkWrite(item.target.path, item.old, row.fingerprint, row.state == "applied", row.run_id)


def revert_items(dest: Destination, items: Sequence[RevertItem], *, now: datetime) -> list[WriteOutcome]:
    """Put the old texts back table by table (each only where AMX's text is still there) and record it."""
    by_id = {item.suggestion_id: item for item in items}

    def record(session: Session, outcomes: Sequence[WriteOutcome]) -> None:
        done = [by_id[o.suggestion_id] for o in outcomes if o.state == "applied"]
        if not done:
            return
        sql = {o.suggestion_id: o.sql for o in outcomes}
        session.connection().execute(
            _SET_REVERTED, [{"b_id": i.suggestion_id, "b_sql": sql[i.suggestion_id], "b_at": now} for i in done]
        )
        earlier = {i.target.path: _earlier_write(session, dest.profile_id, dest.database, i) for i in done}
        forget_marks(session, dest.profile_id, dest.database, [path for path, mark in earlier.items() if not mark])
        save_marks(session, dest.profile_id, dest.database, [m for m in earlier.values() if m is not None], now)

    ordered = sorted(items, key=lambda i: (i.target.table_key, i.target.column is not None, i.target.column or ""))
    outcomes: list[WriteOutcome] = []
    for key in dict.fromkeys(i.target.table_key for i in ordered):
        group = [i for i in ordered if i.target.table_key == key]
        planned = [PlannedWrite(i.suggestion_id, i.target, i.written, i.old or "") for i in group]
        outcomes.extend(write_table(dest, planned, record))
    return outcomes
