"""The row action menu (enter on a row, or a click on its Actions cell): Edit, Pause/Resume, Run now, Cancel run,
Delete."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

MENU_WIDTH = 24


def menu_entries(status: str) -> list[tuple[str, str, str]]:
    """(action, label, key hint) for a schedule in `status`; pause or resume depending on where it is."""
    toggle = ("resume", "Resume", "p") if status == "paused" else ("pause", "Pause", "p")
    entries = [("edit", "Edit…", "e"), toggle, ("run_now", "Run now", "r")]
    if status == "running":
        entries.append(("cancel_run", "Cancel the running run", "c"))
    if status == "missed":
        entries.append(("skip", "Skip this missed run", "s"))
    entries.append(("delete", "Delete…", "del"))
    return entries


class ActionMenu(ModalScreen[str | None]):
    """Dismisses with the chosen action (`edit`, `pause`, `resume`, `run_now`, `cancel_run`, `skip`, `delete`)."""

    BINDINGS = [
        Binding("escape", "dismiss_none", "Close"),
        Binding("e", "choose('edit')", "Edit", show=False),
        Binding("p", "choose('toggle')", "Pause/Resume", show=False),
        Binding("r", "choose('run_now')", "Run now", show=False),
        Binding("c", "choose('cancel_run')", "Cancel run", show=False),
        Binding("s", "choose('skip')", "Skip", show=False),
        Binding("d,delete", "choose('delete')", "Delete", show=False),
    ]

    def __init__(self, name: str, status: str) -> None:
        super().__init__(classes="dialog-screen")
        self.schedule_name = name
        self.entries = menu_entries(status)

    def compose(self) -> ComposeResult:
        with Vertical(id="action-menu", classes="dialog menu-dialog"):
            yield Static(Text(self.schedule_name, no_wrap=True, overflow="ellipsis"), classes="dialog-title")
            options = [
                Option(Text.assemble(label.ljust(MENU_WIDTH), (key, "dim")), id=action)
                for action, label, key in self.entries
            ]
            yield OptionList(*options, id="menu-options")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_choose(self, action: str) -> None:
        offered = {entry[0] for entry in self.entries}
        if action == "toggle":
            action = "resume" if "resume" in offered else "pause"
        if action in offered:
            self.dismiss(action)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
