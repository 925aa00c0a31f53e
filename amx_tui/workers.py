"""How thread workers hand results to the UI: by message, and only while the worker is still wanted.

`exclusive=True` cancels an older worker of the same group, but a thread cannot be stopped; its
result is dropped here instead, so a stale answer never overwrites a newer one.
"""

from __future__ import annotations

from collections.abc import Callable

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
