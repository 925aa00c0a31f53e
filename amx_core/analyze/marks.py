"""Recognising text AMX wrote itself (by hash), so missing-only runs may replace it and nothing else."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from amx_core.models import WrittenMark
from amx_core.models.base import table_of


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def by_target(store, model, column, profile_id: int, database: str) -> dict[str, str]:
    """target path -> `column` of `model` (WrittenMark, LocalComment) rows of one (profile, database)."""
    with store.session() as s:
        rows = s.exec(
            select(model.target, column).where(model.profile_id == profile_id, model.database == database)
        ).all()
    return {target: value for target, value in rows if value}


def load_marks(store, profile_id: int, database: str) -> dict[str, str]:
    """target path -> hash of the text AMX last wrote there, for one (profile, database)."""
    return by_target(store, WrittenMark, WrittenMark.text_hash, profile_id, database)


def amx_wrote(marks: dict[str, str], target: str, current: str | None) -> bool:
    """True when `current` is exactly the text AMX wrote at `target`."""
    return bool(current) and marks.get(target) == text_hash(current or "")


_M = table_of(WrittenMark)
_B = sa.bindparam
_MINE = (_M.c.profile_id == _B("b_profile")) & (_M.c.database == _B("b_database")) & (_M.c.target == _B("b_target"))
_UPDATE = sa.update(_M).where(_MINE).values(text_hash=_B("b_hash"), written_at=_B("b_at"))
_DELETE = sa.delete(_M).where(_MINE)


def save_marks(
    session: Session, profile_id: int, database: str, written: Iterable[tuple[str, str | None]], now: datetime
) -> None:
    """Record (target, text) AMX wrote; text None forgets the target (a person's text was written there)."""
    texts = dict(written)
    if not texts:
        return
    conn = session.connection()
    mine = (_M.c.profile_id == profile_id) & (_M.c.database == database)
    existing = set(conn.execute(sa.select(_M.c.target).where(mine, _M.c.target.in_(list(texts)))).scalars())
    key = {"b_profile": profile_id, "b_database": database}
    forget = [{**key, "b_target": t} for t, text in texts.items() if text is None and t in existing]
    update = [
        {**key, "b_target": t, "b_hash": text_hash(text), "b_at": now}
        for t, text in texts.items()
        if text is not None and t in existing
    ]
    insert = [
        {"profile_id": profile_id, "database": database, "target": t, "text_hash": text_hash(text), "written_at": now}
        for t, text in texts.items()
        if text is not None and t not in existing
    ]
    for statement, batch in ((_DELETE, forget), (_UPDATE, update), (sa.insert(_M), insert)):
        if batch:
            conn.execute(statement, batch)
