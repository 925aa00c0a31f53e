"""Queueing notices: each event a notifier listens to becomes one Notification row (an outbox), written in the
same store transaction as the event itself, so a notice exists exactly when its event does.

Events: `failed`, `completed`, `cancelled`, `stopped` (a run ended so; lease recovery's failures
included) and `missed` (the tick recorded missed slots of a schedule: one notice per schedule per
detection, however many slots). A notice holds the facts only (schedule, run, status, error); a
webhook's URL is looked up when it is sent and never stored.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from amx_core.models import Notification, Notifier
from amx_core.models.base import table_of

EVENTS = ("failed", "missed", "completed", "cancelled", "stopped")
DEFAULT_EVENTS = ("failed", "missed")
ERROR_CHARS = 1000

_N, _Q = table_of(Notifier), table_of(Notification)


def _listeners(conn: sa.Connection, event: str) -> list[tuple[int, str]]:
    """(id, name) of the notifiers subscribed to `event` (their `events` is a comma-separated list)."""
    rows = conn.execute(sa.select(_N.c.id, _N.c.name, _N.c.events)).all()
    return [(row.id, row.name) for row in rows if event in (row.events or "").split(",")]


def enqueue(
    session: Session,
    event: str,
    *,
    schedule_id: int | None,
    schedule_name: str | None,
    run_id: int | None,
    facts: dict[str, Any],
    now: datetime,
) -> int:
    """One pending notice per notifier listening to `event`; returns how many were queued."""
    conn = session.connection()
    listeners = _listeners(conn, event)
    if not listeners:
        return 0
    text = json.dumps({k: v for k, v in facts.items() if v is not None}, ensure_ascii=False, default=str)
    rows = [
        {
            "notifier_id": notifier_id,
            "notifier_name": name,
            "event": event,
            "schedule_id": schedule_id,
            "schedule_name": schedule_name,
            "run_id": run_id,
            "facts_json": text,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
        }
        for notifier_id, name in listeners
    ]
    conn.execute(sa.insert(_Q), rows)
    return len(rows)


def enqueue_run_end(
    session: Session,
    *,
    run_id: int,
    schedule_id: int | None,
    schedule_name: str | None,
    status: str,
    error: str | None,
    reason: str | None,
    retry_at: datetime | None,
    now: datetime,
) -> int:
    """Notices for a run that just ended `status` (failed, completed, cancelled, stopped)."""
    facts = {
        "status": status,
        "error": (error or None) and error[:ERROR_CHARS],
        "reason": reason,
        "retry_at": retry_at.isoformat() if retry_at else None,
        "at": now.isoformat(),
    }
    return enqueue(
        session, status, schedule_id=schedule_id, schedule_name=schedule_name, run_id=run_id, facts=facts, now=now
    )


def enqueue_missed(
    session: Session, *, schedule_id: int, schedule_name: str, slots: int, why: str, action: str, now: datetime
) -> int:
    """Notices for `slots` missed slots of a schedule just recorded (policy `action`: ask, run or skip)."""
    facts = {"status": "missed", "slots": slots, "why": why, "policy": action, "at": now.isoformat()}
    return enqueue(
        session, "missed", schedule_id=schedule_id, schedule_name=schedule_name, run_id=None, facts=facts, now=now
    )
