"""Missed runs: the dialog shown at start (and on `m`), each missed schedule with Run now / Skip, and both for all.

A decision is the list's own verb (`run_now` or `skip` through `Backend.schedule_verb`), run in a thread worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from amx_core.store import Store
from amx_core.views import ScheduleView
from amx_tui.backend import Backend
from amx_tui.formatting import fire_time_text
from amx_tui.workers import deliver

EXPLANATION = (
    "Their fire time passed while nothing ran them (machine asleep, no tick, or paused). Run each now, "
    "or skip this occurrence: a one-shot is then cancelled, a recurring one waits for its next time."
)
DONE_WORDS = {"run": "▶ run started", "skip": "⤼ skipped"}
VERB_OF_OUTCOME = {"run": "run_now", "skip": "skip"}


def decisions_text(decisions: dict[int, str]) -> str:
    """What the dialog settled, for the notification once it closes."""
    runs = sum(1 for d in decisions.values() if d == "run")
    return f"Missed runs: {runs} started, {len(decisions) - runs} skipped."


class MissedRow(Horizontal):
    """One missed schedule: what and when, then its two buttons (replaced by the outcome once decided)."""

    def __init__(self, view: ScheduleView) -> None:
        super().__init__(id=f"missed-{view.id}", classes="missed-row")
        self.view = view
        self.outcome: str | None = None

    def compose(self) -> ComposeResult:
        when = fire_time_text(self.view)
        reason = self.view.last_error or "fire time passed with no tick running"
        yield Static(Text.assemble((self.view.name, "bold"), f"\nmissed {when} · {reason}"), classes="missed-what")
        yield Static("", classes="missed-outcome", markup=False)
        yield Button("Run now", id=f"run-{self.view.id}", classes="missed-run", variant="primary", compact=True)
        yield Button("Skip", id=f"skip-{self.view.id}", classes="missed-skip", compact=True)

    def settle(self, outcome: str, error: str | None) -> None:
        self.outcome = None if error else outcome
        text = f"✗ {error}" if error else DONE_WORDS[outcome]
        self.query_one(".missed-outcome", Static).update(Text(text))
        self.set_class(error is not None, "-error")
        for button in self.query(Button):
            button.display = error is not None
            button.disabled = False


class MissedDialog(ModalScreen[dict[int, str]]):
    """Dismisses with {schedule id: 'run' | 'skip'} for what was decided; undecided ones stay Missed."""

    BINDINGS = [
        Binding("r", "decide_focused('run')", "Run now", tooltip="Run the focused schedule now"),
        Binding("s", "decide_focused('skip')", "Skip", tooltip="Skip the focused schedule's missed run"),
        Binding("R", "decide_all('run')", "Run all"),
        Binding("S", "decide_all('skip')", "Skip all"),
        Binding("escape", "later", "Decide later"),
    ]

    class Decided(Message):
        def __init__(self, schedule_id: int, outcome: str, error: str | None) -> None:
            super().__init__()
            self.schedule_id = schedule_id
            self.outcome = outcome
            self.error = error

    def __init__(self, missed: Sequence[ScheduleView], backend: Backend, store: Callable[[], Store]) -> None:
        super().__init__(classes="dialog-screen")
        self.missed = list(missed)
        self.backend = backend
        self.store = store
        self.decisions: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        count = len(self.missed)
        with Vertical(id="missed-dialog", classes="dialog"):
            yield Static(Text(f"{count} missed schedule{'s' if count != 1 else ''}"), classes="dialog-title")
            yield Static(Text(EXPLANATION), classes="dialog-body")
            with VerticalScroll(id="missed-list"):
                for view in self.missed:
                    yield MissedRow(view)
            with Horizontal(classes="dialog-buttons"):
                yield Static("r run · s skip · R run all · S skip all · esc later", classes="dialog-keys", markup=False)
                yield Button("Later", id="missed-later")
                yield Button("Skip all", id="missed-skip-all")
                yield Button("Run all", id="missed-run-all", variant="primary")

    def on_mount(self) -> None:
        first = self.query(".missed-run").first(Button) if self.missed else None
        if first is not None:
            first.focus()

    def row(self, schedule_id: int) -> MissedRow:
        return self.query_one(f"#missed-{schedule_id}", MissedRow)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id or ""
        whole = {"missed-run-all": "run", "missed-skip-all": "skip"}
        if button_id == "missed-later":
            self.action_later()
        elif button_id in whole:
            self.action_decide_all(whole[button_id])
        else:
            outcome, _, schedule_id = button_id.partition("-")
            self.start(int(schedule_id), outcome)

    def start(self, schedule_id: int, outcome: str) -> None:
        row = self.row(schedule_id)
        if row.outcome is not None:
            return
        for button in row.query(Button):
            button.disabled = True
        self.run_worker(
            partial(self._decide, schedule_id, outcome),
            thread=True,
            group=f"missed-{schedule_id}",
            exclusive=True,
            exit_on_error=False,
        )

    def _decide(self, schedule_id: int, outcome: str) -> None:
        """Thread: run the schedule now, or skip its missed occurrence (the core's refusal is shown on the row)."""
        try:
            self.backend.schedule_verb(VERB_OF_OUTCOME[outcome], self.store(), schedule_id)
        except Exception as exc:  # noqa: BLE001 - the row shows the refusal
            deliver(self, self.Decided(schedule_id, outcome, getattr(exc, "message", str(exc))))
            return
        deliver(self, self.Decided(schedule_id, outcome, None))

    def on_missed_dialog_decided(self, message: MissedDialog.Decided) -> None:
        message.stop()
        self.row(message.schedule_id).settle(message.outcome, message.error)
        if message.error is None:
            self.decisions[message.schedule_id] = message.outcome
        if len(self.decisions) == len(self.missed):
            self.dismiss(dict(self.decisions))

    def _focused_row(self) -> MissedRow | None:
        node: DOMNode | None = self.focused
        while node is not None and not isinstance(node, MissedRow):
            node = node.parent
        return node

    def action_decide_focused(self, outcome: str) -> None:
        row = self._focused_row()
        if row is not None:
            self.start(row.view.id, outcome)

    def action_decide_all(self, outcome: str) -> None:
        for view in self.missed:
            self.start(view.id, outcome)

    def action_later(self) -> None:
        self.dismiss(dict(self.decisions))
