"""What AMX last wrote at each target (WrittenMark): the text's hash, the target's structure then, and
whether a person reviewed it, so missing-only runs replace only AMX's own unreviewed text, and only
after the target's structure changed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from amx_core.analyze.storewrites import store_write
from amx_core.models import WrittenMark
from amx_core.models.base import table_of


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Mark:
    """One target's mark; `fingerprint` None for marks written before structures were recorded."""

    text_hash: str
    fingerprint: str | None = None
    reviewed: bool = False

    def holds(self, current: str | None) -> bool:
        """Is `current` exactly the text this mark was written for?"""
        return bool(current) and self.text_hash == text_hash(current or "")


@dataclass(frozen=True)
class MarkWrite:
    """A text just written at `target`: AMX's own (`reviewed` False) or one a person accepted or edited."""

    target: str
    text: str
    fingerprint: str | None
    reviewed: bool


def by_target(store, model, column, profile_id: int, database: str) -> dict[str, str]:
    """target path -> `column` of `model` (WrittenMark, LocalComment) rows of one (profile, database)."""
    with store.session() as s:
        rows = s.exec(
            select(model.target, column).where(model.profile_id == profile_id, model.database == database)
        ).all()
    return {target: value for target, value in rows if value}


_M = table_of(WrittenMark)
_B = sa.bindparam
_MINE = (_M.c.profile_id == _B("b_profile")) & (_M.c.database == _B("b_database")) & (_M.c.target == _B("b_target"))
_UPDATE = (
    sa.update(_M)
    .where(_MINE)
    .values(text_hash=_B("b_hash"), written_at=_B("b_at"), fingerprint=_B("b_fp"), reviewed=_B("b_reviewed"))
)
_ADOPT = sa.update(_M).where(_MINE, _M.c.fingerprint.is_(None)).values(fingerprint=_B("b_fp"))


def load_marks(store, profile_id: int, database: str) -> dict[str, Mark]:
    """target path -> its mark, for one (profile, database)."""
    query = sa.select(_M.c.target, _M.c.text_hash, _M.c.fingerprint, _M.c.reviewed).where(
        _M.c.profile_id == profile_id, _M.c.database == database
    )
    with store.session() as s:
        rows = s.connection().execute(query).all()
    return {target: Mark(hash_, fingerprint, bool(reviewed)) for target, hash_, fingerprint, reviewed in rows}


def save_marks(session: Session, profile_id: int, database: str, written: Iterable[MarkWrite], now: datetime) -> None:
    """Record what was just written at each target (the last write of a target wins)."""
    latest = {w.target: w for w in written}
    if not latest:
        return
    conn = session.connection()
    mine = (_M.c.profile_id == profile_id) & (_M.c.database == database)
    existing = set(conn.execute(sa.select(_M.c.target).where(mine, _M.c.target.in_(list(latest)))).scalars())
    key = {"b_profile": profile_id, "b_database": database}
    update = [
        {
            **key,
            "b_target": w.target,
            "b_hash": text_hash(w.text),
            "b_at": now,
            "b_fp": w.fingerprint,
            "b_reviewed": w.reviewed,
        }
        for w in latest.values()
        if w.target in existing
    ]
    insert = [
        {
            "profile_id": profile_id,
            "database": database,
            "target": w.target,
            "text_hash": text_hash(w.text),
            "written_at": now,
            "fingerprint": w.fingerprint,
            "reviewed": w.reviewed,
        }
        for w in latest.values()
        if w.target not in existing
    ]
    if update:
        conn.execute(_UPDATE, update)
    if insert:
        conn.execute(sa.insert(_M), insert)


def adopt_fingerprints(store, profile_id: int, database: str, found: dict[str, str]) -> None:
    """Give marks that predate structure fingerprints the structure seen now (target -> fingerprint)."""
    if not found:
        return
    key = {"b_profile": profile_id, "b_database": database}
    with store_write(store) as session:
        session.connection().execute(_ADOPT, [{**key, "b_target": t, "b_fp": fp} for t, fp in found.items()])
