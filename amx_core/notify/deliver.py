"""Emptying the outbox: the tick (and a foreground run-now) sends pending notices after its runs, within a
bounded time per pass, and records each as delivered or failed (with why) on its Notification row.

A notice is claimed before it is sent (pending -> sending, by a conditional update), so two passes at
once never send it twice; one left `sending` by a process that died is taken again after five minutes.
A failed notice is not tried again by later passes (its row says why); one the pass had no time for
stays pending for the next pass.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from amx_core.models import Notification, Notifier
from amx_core.models.base import table_of
from amx_core.notify.channels import Sent, desktop_notice, post_webhook, run_command
from amx_core.notify.message import Notice

PASS_SECONDS = 30.0  # at most this long per pass for every notice together
SENDING_LEASE = timedelta(minutes=5)
ERROR_CHARS = 500

_Q, _N = table_of(Notification), table_of(Notifier)


@dataclass(frozen=True)
class Delivery:
    """What happened to one notice."""

    id: int
    notifier: str
    event: str
    run_id: int | None
    ok: bool
    attempts: int
    error: str | None


def _claimable(now: datetime):
    return sa.or_(_Q.c.status == "pending", sa.and_(_Q.c.status == "sending", _Q.c.claimed_at < now - SENDING_LEASE))


def _claim(store, now: datetime, skip: set[int]) -> int | None:
    """The next notice, now ours (status sending), or None."""
    with store.write_session() as session:
        conn = session.connection()
        query = sa.select(_Q.c.id).where(_claimable(now)).order_by(_Q.c.id).limit(1)
        if skip:
            query = query.where(_Q.c.id.notin_(sorted(skip)))
        found = conn.execute(query).scalar()
        if found is None:
            return None
        taken = conn.execute(
            _Q.update().where(_Q.c.id == found, _claimable(now)).values(status="sending", claimed_at=now)
        ).rowcount
        return found if taken == 1 else -1


def _load(store, notice_id: int) -> tuple[Notice, sa.Row | None]:
    with store.session() as session:
        conn = session.connection()
        row = conn.execute(sa.select(_Q).where(_Q.c.id == notice_id)).one()
        notifier = conn.execute(sa.select(_N).where(_N.c.id == row.notifier_id)).first()
    notice = Notice(
        id=row.id,
        notifier=row.notifier_name,
        event=row.event,
        schedule_id=row.schedule_id,
        schedule_name=row.schedule_name,
        run_id=row.run_id,
        facts=json.loads(row.facts_json or "{}"),
    )
    return notice, notifier


def send(
    notifier, notice: Notice, *, deadline: float, secrets=None, sleep: Callable[[float], None] = time.sleep
) -> Sent:
    """Send one notice through `notifier` (a Notifier row or view: kind, target, timeout_seconds)."""
    timeout = float(notifier.timeout_seconds)
    if notifier.kind == "webhook":
        from amx_core.secrets.resolve import resolve_secret

        try:
            url = (secrets or resolve_secret)(notifier.target)
        except Exception as exc:  # noqa: BLE001 - an unreadable secrets.env is this notice's failure
            return Sent(False, 0, str(getattr(exc, "message", exc)))
        if not url:
            return Sent(False, 0, f"{notifier.target} is not set (the webhook URL is looked up there)")
        return post_webhook(url.strip(), notice.body(), timeout=timeout, deadline=deadline, sleep=sleep)
    if notifier.kind == "command":
        return run_command(notifier.target or "", notice, timeout=min(timeout, max(0.1, deadline - time.monotonic())))
    return desktop_notice(notice, timeout=timeout)


def _finish(store, notice_id: int, sent: Sent, now: datetime) -> None:
    with store.write_session() as session:
        session.connection().execute(
            _Q.update()
            .where(_Q.c.id == notice_id)
            .values(
                status="delivered" if sent.ok else "failed",
                attempts=_Q.c.attempts + sent.attempts,
                error=None if sent.ok else (sent.error or "failed")[:ERROR_CHARS],
                sent_at=now,
            )
        )


def pending_count(store) -> int:
    with store.session() as session:
        return session.connection().execute(sa.select(sa.func.count()).where(_Q.c.status == "pending")).scalar_one()


def deliver_pending(
    store,
    now: datetime,
    *,
    seconds: float = PASS_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Send pending notices, oldest first, until none is left or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    done: list[Delivery] = []
    lost: set[int] = set()
    while time.monotonic() < deadline:
        notice_id = _claim(store, now, lost)
        if notice_id is None:
            break
        if notice_id < 0:  # another pass took it first
            continue
        notice, notifier = _load(store, notice_id)
        if notifier is None:
            sent = Sent(False, 0, f"notifier {notice.notifier!r} was removed")
        else:
            sent = send(notifier, notice, deadline=deadline, sleep=sleep)
        _finish(store, notice_id, sent, now)
        lost.add(notice_id)
        done.append(
            Delivery(notice_id, notice.notifier, notice.event, notice.run_id, sent.ok, sent.attempts, sent.error)
        )
    return done
