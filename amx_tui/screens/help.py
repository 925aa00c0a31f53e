"""F1 help: every key of the list with its CLI twin, then how statuses, scope ticks and the daemon work."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from amx_tui.verbs import VERBS

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


def keys_markdown() -> str:
    rows = ["| Key | Does | CLI |", "|---|---|---|"]
    for verb in VERBS:
        keys = f"`{verb.key_display}`" if verb.keys else "palette"
        rows.append(f"| {keys} | {verb.help} | `{verb.cli}` |" if verb.cli else f"| {keys} | {verb.help} | |")
    rows.append("| `ctrl+p` | Command palette: every verb above by name | |")
    rows.append("| `F1` / `q` | This help / quit | |")
    return "\n".join(rows)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close help")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static("AMX Schedules: keys and concepts", classes="dialog-title", markup=False)
            yield Markdown("## Keys\n" + keys_markdown() + "\n" + GUIDE, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
