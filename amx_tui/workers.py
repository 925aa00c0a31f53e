"""How thread workers hand results to the UI: by message, and only while the worker is still wanted.

`exclusive=True` cancels an older worker of the same group, but a thread cannot be stopped; its
result is dropped here instead, so a stale answer never overwrites a newer one.
"""

from __future__ import annotations

import time
from typing import Callable, TypeVar

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import NoActiveWorker, get_current_worker


def deliver(node: MessagePump, message: Message) -> bool:
    """Post `message` to `node` unless the current worker was cancelled; True when posted."""
    try:
        if get_current_worker().is_cancelled:
            return False
    except NoActiveWorker:
        pass
    return node.post_message(message)


T = TypeVar("T")
LOCKED_ATTEMPTS = 4


def _sqlite_locked(exc: Exception) -> bool:
    return type(exc).__name__ == "OperationalError" and "database is locked" in str(exc)


def retry_locked(call: Callable[[], T], attempts: int = LOCKED_ATTEMPTS) -> T:
    """Run a store write again when SQLite refuses a lock upgrade ("database is locked").

    A transaction that read first and writes second cannot wait for the lock when another
    connection wrote meanwhile (SQLITE_BUSY_SNAPSHOT); the remedy is to run it again. The
    failed attempt was rolled back, so running it again is safe. Thread workers only.
    """
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - anything but the lock refusal is re-raised
            if attempt == attempts or not _sqlite_locked(exc):
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def first_line(exc: BaseException) -> str:
    """An exception as one line for a dialog or a notification: the core's own words, else type and first line."""
    message = getattr(exc, "detail", None) or getattr(exc, "message", None)
    if message:
        return message
    text = (str(exc) or "").splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Serial:
    """Starts a piece of work now, or once more right after the one in flight: never two at once, none lost.

    `request()` from the UI; `done()` when the worker's answer has been handled.
    """

    def __init__(self, start: Callable[[], object]) -> None:
        self.start = start
        self.running = False
        self.again = False

    def request(self) -> None:
        if self.running:
            self.again = True
            return
        self.running = True
        self.start()

    def done(self) -> None:
        self.running = False
        if self.again:
            self.again = False
            self.request()
