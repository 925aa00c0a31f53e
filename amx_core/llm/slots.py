"""A run's request slots: at most `size` requests in flight, handed from one request to the next the moment
an answer arrives (not when the answer has been checked and saved), so a slot never idles while work is ready.

Tables wait for a slot with their facts gathered, and take their first slot in the order the run started them
(`turn()`), so a run asks in plan order whatever order their profiles finish in. A table that has sent nothing
yet is withdrawn instead when the run stops asking (cancelled, or its token budget spent), exactly as if it had
never been started; a table already started finishes (the budget refuses its requests one by one if it must).
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Withdrawn(Exception):
    """The run stopped asking before this table's first request got a slot: the table was never started."""


class RequestSlots:
    """A counting semaphore whose first-request holders are served in turn order."""

    def __init__(self, size: int, stopping: Callable[[], bool] = lambda: False) -> None:
        self.size = max(1, int(size))
        self._free = self.size
        self._stopping = stopping
        self._changed = threading.Condition()
        self._issued = 0  # turns handed out
        self._serving = 0  # the turn whose first request goes next
        self._spent: set[int] = set()  # later turns already served or given up

    def turn(self) -> Turn:
        """The next table's turn (call in the order the tables should ask)."""
        with self._changed:
            self._issued += 1
            return Turn(self, self._issued - 1)

    def _take(self, number: int | None) -> None:
        with self._changed:
            while True:
                if number is not None and self._stopping():
                    self._spend(number)
                    raise Withdrawn
                if self._free and (number is None or number == self._serving):
                    self._free -= 1
                    if number is not None:
                        self._spend(number)
                    return
                self._changed.wait(0.25)  # woken by every release and turn; the timeout notices a stop

    def _spend(self, number: int) -> None:
        """`number` needs no first slot any more: move the serving turn past every spent one."""
        with self._changed:
            self._spent.add(number)
            while self._serving in self._spent:
                self._spent.remove(self._serving)
                self._serving += 1
            self._changed.notify_all()

    def release(self) -> None:
        with self._changed:
            self._free += 1
            self._changed.notify_all()


class Turn:
    """One table's use of the run's slots: its first request waits for its turn, later ones only for a slot."""

    def __init__(self, slots: RequestSlots, number: int) -> None:
        self._slots = slots
        self._number: int | None = number

    def acquire(self) -> None:
        """A slot for the next request (Withdrawn instead of the first one once the run is stopping)."""
        number, self._number = self._number, None
        self._slots._take(number)

    def release(self) -> None:
        self._slots.release()

    def close(self) -> None:
        """The table is done with asking (or never asked): its turn, if unused, passes to the next table."""
        if self._number is not None:
            number, self._number = self._number, None
            self._slots._spend(number)
