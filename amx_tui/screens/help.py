"""F1 help: every key of the current screen with its CLI twin, then its concepts (statuses, scope ticks, daemon...)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from amx_tui.verbs import VERBS, Verb

GUIDE = """
## Statuses
**Pending** waits for its fire time · **Paused** will not fire until resumed · **Running** is firing now ·
**Completed** a one-shot that ran · **Failed** its last run failed (a recurring schedule stays armed) ·
**Missed** its time passed with nothing running it (run it now or skip) · **Cancelled** will not fire.

## The schedule dialog
Pick the **trigger** first: *Cron-based* fires at *Fire at* (your local time in *Timezone*) and then by the
optional *Cadence*; *Change-triggered* fires when a catalog refresh sees a schema change inside the scope,
at most once per *N hours*. Errors appear beside the field they concern; the dialog stays open until saved.
`ctrl+s` saves, `esc` cancels, `tab` moves between fields, `→`/`tab` completes a time zone.

## Scope tree
`space` ticks or unticks, `enter`/`→` opens a branch, `←` closes it. Nothing ticked means the whole database
(☑ everywhere). Ticking deeper narrows that branch to what you tick (◐ on the way up); unticking the last
deeper tick widens back to the whole branch. Branches add up.

## Daemon
*Not installed*: no OS hook. *Installed*: the hook file exists but the OS does not run it (reinstall to repair).
*Loaded*: the OS runs `amx-tick` every minute. While it is not loaded, this window runs the tick itself each minute.
"""


def _cell(text: str) -> str:
    """Text for a Markdown table cell (a `|` inside would start a new cell)."""
    return text.replace("|", "\\|")


def keys_markdown(verbs: tuple[Verb, ...] = VERBS) -> str:
    rows = ["| Key | Does | CLI |", "|---|---|---|"]
    for verb in verbs:
        keys = f"`{verb.key_display}`" if verb.keys else "palette"
        does, cli = _cell(verb.help), _cell(verb.cli)
        rows.append(f"| {keys} | {does} | `{cli}` |" if cli else f"| {keys} | {does} | |")
    rows.append("| `ctrl+p` | Command palette: every verb above by name | |")
    rows.append("| `F1` / `q` | This help / quit | |" if verbs is VERBS else "| `F1` | This help | |")
    return "\n".join(rows)


class HelpScreen(ModalScreen[None]):
    """`HelpScreen(verbs, guide)` for a screen's own keys and notes; no arguments: the schedule list's."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close help")]

    def __init__(self, verbs: tuple[Verb, ...] = VERBS, guide: str = GUIDE, title: str = "AMX Schedules") -> None:
        super().__init__()
        self.verbs = verbs
        self.guide = guide
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(f"{self.title_text}: keys and concepts", classes="dialog-title", markup=False)
            yield Markdown("## Keys\n" + keys_markdown(self.verbs) + "\n" + self.guide, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
