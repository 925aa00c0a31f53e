"""F1 help: every key of the current screen with its CLI twin, then its concepts (statuses, scope ticks, daemon...)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
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
`space` ticks or unticks the node it is on, `ctrl+x` keeps only that node, `enter`/`→` opens a branch, `←`
closes it; typing filters the level the cursor is on (`backspace` edits, `esc` clears). Nothing ticked means the
whole database (☑ everywhere). Ticking deeper narrows that branch to what you tick (◐ on the way up);
unticking a node under a ticked branch keeps the rest of that branch. Branches add up. The line under the tree
counts the tables and columns picked.

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

    BINDINGS = [
        Binding("escape,f1,q", "close", "Close help"),
        Binding("tab", "page(1)", "Next page", show=False),
        Binding("shift+tab", "page(-1)", "Previous page", show=False),
    ]
    AUTO_FOCUS = "#help-scroll"

    def __init__(self, verbs: tuple[Verb, ...] = VERBS, guide: str = GUIDE, title: str = "AMX Schedules") -> None:
        super().__init__()
        self.verbs = verbs
        self.guide = guide
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(f"{self.title_text}: keys and concepts", classes="dialog-title", markup=False)
            with VerticalScroll(id="help-scroll"):
                yield Markdown("## Keys\n" + keys_markdown(self.verbs) + "\n" + self.guide, id="help-text")
            yield Static(
                "↑↓ PgUp PgDn Home End scroll · tab next page · esc close", classes="dialog-keys", markup=False
            )

    @property
    def scroller(self) -> VerticalScroll:
        return self.query_one("#help-scroll", VerticalScroll)

    def action_page(self, direction: int) -> None:
        """Tab pages down (shift+tab up): the help has no fields to move between."""
        if direction > 0:
            self.scroller.scroll_page_down(animate=False)
        else:
            self.scroller.scroll_page_up(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
