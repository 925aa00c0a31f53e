"""`amx notify add|list|rm|test`: where run outcomes and missed schedules are told (amx_core.notify).

A webhook URL is a secret (a Slack incoming webhook's path is its key), so a webhook notifier stores only
where the URL lives: `--webhook-env VAR` (`env:VAR`, falling back to secrets.env like every `env:`
reference) or `--webhook-key KEY` (`key:KEY` in $AMX_HOME/secrets.env). A command notifier stores its
command; a desktop notifier nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from amx_core.errors import ConflictError, NotFoundError, ValidationError
from amx_core.instants import iso
from amx_core.models import Notification, Notifier
from amx_core.notify.events import DEFAULT_EVENTS, EVENTS
from amx_core.secrets.refs import make_ref
from amx_core.services.validation import plain_text, positive_number, profile_name
from amx_core.store import Store

KINDS = ("webhook", "command", "desktop")
COMMAND_MAX = 2000
DEFAULT_TIMEOUT = 5.0
MAX_TIMEOUT = 60.0


@dataclass(frozen=True)
class NotifierView:
    """A notifier as the faces show it: a webhook by its reference only, never its URL."""

    id: int
    name: str
    kind: str
    target: str | None  # webhook: `env:VAR` or `key:KEY`; command: the command; desktop: None
    events: tuple[str, ...]
    timeout_seconds: float
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "target": self.target,
            "events": list(self.events),
            "timeout_seconds": self.timeout_seconds,
            "created_at": iso(self.created_at),
        }


@dataclass(frozen=True)
class TestResult:
    """What `notify test` saw: sent or not, and why not."""

    name: str
    ok: bool
    attempts: int
    error: str | None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "attempts": self.attempts, "error": self.error}


def _view(row: Notifier) -> NotifierView:
    return NotifierView(
        id=row.id or 0,
        name=row.name,
        kind=row.kind,
        target=row.target,
        events=tuple(e for e in (row.events or "").split(",") if e),
        timeout_seconds=row.timeout_seconds,
        created_at=row.created_at,
    )


def parse_events(text: str | None) -> tuple[str, ...]:
    """`failed,missed` -> ('failed', 'missed'); the default is failed and missed; an unknown event names `on`."""
    if text is None:
        return DEFAULT_EVENTS
    events = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    if not events:
        raise ValidationError("on", f"name at least one event ({', '.join(EVENTS)})")
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise ValidationError("on", f"unknown event {unknown[0]!r} (use {', '.join(EVENTS)})")
    return events


def _target(
    webhook_env: str | None, webhook_key: str | None, command: str | None, desktop: bool
) -> tuple[str, str | None]:
    given = [
        name
        for name, value in (
            ("webhook-env", webhook_env),
            ("webhook-key", webhook_key),
            ("command", command),
            ("desktop", desktop or None),
        )
        if value is not None
    ]
    if len(given) != 1:
        raise ValidationError(
            "target", "give exactly one of --webhook-env VAR, --webhook-key KEY, --command CMD or --desktop"
        )
    if webhook_env is not None:
        return "webhook", make_ref("env", webhook_env, field="webhook-env")
    if webhook_key is not None:
        return "webhook", make_ref("key", webhook_key, field="webhook-key")
    if command is not None:
        text = plain_text(command, field="command", max_len=COMMAND_MAX)
        if not text or not text.strip():
            raise ValidationError("command", "must not be empty")
        if "://" in text:
            raise ValidationError(
                "command", "must not hold a URL (it is stored and shown); put it in a variable the command reads"
            )
        return "command", text
    return "desktop", None


def add_notifier(
    store: Store,
    name: str,
    *,
    webhook_env: str | None = None,
    webhook_key: str | None = None,
    command: str | None = None,
    desktop: bool = False,
    on: str | None = None,
    timeout: float | str | None = None,
    now: datetime | None = None,
) -> NotifierView:
    """A new notifier; every field is checked before anything is written."""
    name = profile_name(name, what="notifier")
    kind, target = _target(webhook_env, webhook_key, command, desktop)
    events = parse_events(on)
    seconds = (
        DEFAULT_TIMEOUT
        if timeout is None
        else positive_number(timeout, field="timeout", minimum=0.1, maximum=MAX_TIMEOUT)
    )
    with store.write_session() as s:
        if s.exec(select(Notifier.id).where(Notifier.name == name)).first() is not None:
            raise ConflictError("name", f"a notifier named {name!r} already exists")
        row = Notifier(
            name=name,
            kind=kind,
            target=target,
            events=",".join(events),
            timeout_seconds=float(seconds),
            created_at=(now or datetime.now(UTC)),
        )
        s.add(row)
        s.flush()
        return _view(row)


def list_notifiers(store: Store) -> list[NotifierView]:
    with store.session() as s:
        return [_view(row) for row in s.exec(select(Notifier).order_by(col(Notifier.name)))]


def _row(session, name: str) -> Notifier:
    row = session.exec(select(Notifier).where(Notifier.name == name)).first() if isinstance(name, str) else None
    if row is None:
        raise NotFoundError("name", f"no notifier named {name!r} (`amx notify list` shows them)")
    return row


def remove_notifier(store: Store, name: str) -> NotifierView:
    """Remove a notifier; notices already sent stay in the runs' history."""
    with store.write_session() as s:
        row = _row(s, name)
        view = _view(row)
        s.delete(row)
        return view


def test_notifier(store: Store, name: str, *, now: datetime | None = None) -> TestResult:
    """Send a test notice now (not through the outbox) and say whether it arrived."""
    from amx_core.notify.deliver import PASS_SECONDS, send
    from amx_core.notify.message import Notice

    with store.session() as s:
        row = _row(s, name)
        s.expunge(row)
    when = (now or datetime.now(UTC)).isoformat()
    notice = Notice(0, row.name, "test", None, None, None, {"status": "test", "at": when})
    sent = send(row, notice, deadline=time.monotonic() + PASS_SECONDS)
    return TestResult(row.name, sent.ok, sent.attempts, sent.error)


@dataclass(frozen=True)
class NoticeView:
    """One notice of a run (runs show): to whom, for what, and whether it arrived."""

    notifier: str
    event: str
    status: str  # pending | sending | delivered | failed
    attempts: int
    error: str | None
    sent_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "notifier": self.notifier,
            "event": self.event,
            "status": self.status,
            "attempts": self.attempts,
            "error": self.error,
            "sent_at": iso(self.sent_at),
        }


def run_notices(store: Store, run_id: int) -> list[NoticeView]:
    with store.session() as s:
        rows = s.exec(select(Notification).where(Notification.run_id == run_id).order_by(col(Notification.id)))
        return [NoticeView(r.notifier_name, r.event, r.status, r.attempts, r.error, r.sent_at) for r in rows]
