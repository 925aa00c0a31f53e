"""The one progress renderer of long commands (`catalog refresh`, `run-now`), always on stderr so stdout stays
clean for --json and pipes: a rich bar on a terminal, a plain line per step otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from amx_cli.output import is_terminal
from amx_core.text import shown


class Progress:
    """Tables done of planned, the current step and the time taken, under `label` (plain lines start with it)."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = is_terminal(self.stream)
        self.started = time.monotonic()
        self.done = self.total = 0
        self.current = ""
        self._last: tuple[int, int, str] | None = None
        self._bar: Any = None  # rich's Progress and its task id, made on the first draw on a terminal
        self._task: Any = None

    def update(self, done: int, total: int, current: str | None = None) -> None:
        """`done` of `total` tables; `current` (a table, a step) when given replaces the step shown."""
        self.done, self.total = done, total
        if current is not None:
            self.current = current
        self._draw()

    def note(self, line: str) -> None:
        """A step's log line: the bar's current step on a terminal, an indented line of its own otherwise."""
        if self.tty:
            self.current = line
            self._draw()
        else:
            self._write(f"  {shown(line)}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def _draw(self) -> None:
        if self.tty:
            self._draw_bar()
            return
        seen = (self.done, self.total, self.current)
        if not self.total or seen == self._last:
            return
        self._last = seen
        where = f"  {shown(self.current)}" if self.current else ""
        elapsed = time.monotonic() - self.started
        self._write(f"{self.label}: {self.done}/{self.total} tables{where} ({elapsed:.1f}s)")

    def _draw_bar(self) -> None:
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self._bar = progress = RichProgress(
                TextColumn(self.label, markup=False),
                BarColumn(bar_width=24),
                MofNCompleteColumn(),
                TextColumn("tables"),
                TextColumn("{task.fields[step]}", markup=False),
                TimeElapsedColumn(),
                console=Console(file=self.stream, highlight=False),
            )
            self._task = progress.add_task(self.label, total=self.total or None, step="")
            progress.start()
        self._bar.update(self._task, completed=self.done, total=self.total or None, step=shown(self.current)[:40])

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()
