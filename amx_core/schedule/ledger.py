"""The missed-slot ledger: which occurrences fell in a window, and one MissedSlot row per slot, written once.

Resume (a schedule paused past its slots), the tick's missed sweep and a run-now over late
slots all record through here, so a slot is never listed twice whoever noticed it first.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from amx_core.models import MissedSlot, Schedule
from amx_core.models.base import saved_id
from amx_core.timing import next_fires

MAX_LEDGER_SLOTS = 500


def record_missed(
    session: Session, row: Schedule, slots: list[datetime], reason: str, action: str, now: datetime
) -> int:
    """Add ledger rows for slots not yet recorded; returns how many were new."""
    if not slots:
        return 0
    known = set(
        session.exec(
            select(MissedSlot.slot_utc).where(MissedSlot.schedule_id == row.id, col(MissedSlot.slot_utc).in_(slots))
        ).all()
    )
    added = 0
    for slot in slots:
        if slot in known:
            continue
        session.add(MissedSlot(schedule_id=saved_id(row), slot_utc=slot, detected_at=now, reason=reason, action=action))
        added += 1
    return added


def slots_between(row: Schedule, start: datetime, end: datetime, limit: int = MAX_LEDGER_SLOTS) -> list[datetime]:
    """Occurrences of the schedule in [start, end): its pending slot and cadence slots after it."""
    out: list[datetime] = []
    if start >= end:
        return out
    out.append(start)
    if not row.cadence:
        return out
    cursor = start
    while len(out) < limit:
        batch = next_fires(row.cadence, row.tz, cursor, 64)
        for slot in batch:
            if slot >= end or len(out) >= limit:
                return out
            out.append(slot)
        if not batch:
            return out
        cursor = batch[-1]
    return out
