"""Every screen's verbs in tables: key bindings, Footer words, command palette entries and F1 help.

Each verb mirrors a CLI command, so the palette, the keys and `amx ...` speak the same language.
A screen lists its table as `VERBS`; the palette (amx_tui.commands) and F1 help read it from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Verb:
    action: str  # an action of the screen listing the verb (`app.` prefix: an AmxApp action)
    keys: str  # Textual key names, comma-separated; "" = palette only
    label: str  # Footer word
    title: str  # command palette title
    help: str  # what it does (palette help, F1, tooltip)
    cli: str  # the CLI equivalent
    show: bool = True

    @property
    def key_display(self) -> str:
        names = {
            "delete": "del",
            "enter": "⏎",
            "ctrl+r": "^r",
            "f5": "F5",
            "f1": "F1",
            "escape": "esc",
            "space": "space",
            "slash": "/",
        }
        return "/".join(names.get(k, k) for k in self.keys.split(",") if k)


# Going to the other screens, from any screen. Kept out of the Footers: two more Footer keys cost the list's
# start about 50 ms with 10,000 schedules (bench/tui.py: the Footer is recomposed several times while it
# starts); F1 and the palette list them.
NAV_VERBS: tuple[Verb, ...] = (
    Verb(
        "app.navigate('review')",
        "v",
        "Review",
        "Review queue",
        "Suggestions of every run: accept, edit, reject, apply",
        "amx review list",
        show=False,
    ),
    Verb(
        "app.navigate('history')",
        "H",
        "All runs",
        "Run history: all runs",
        "Every run and missed occurrence, newest first",
        "amx runs list",
        show=False,
    ),
    Verb(
        "app.navigate('profiles')",
        "P",
        "Profiles",
        "Profiles",
        "DB and LLM profiles: add, edit, delete, test the connection",
        "amx profile db list, amx profile llm list",
        show=False,
    ),
)


BACK = Verb("back", "escape", "Back", "Back", "Close this screen and return to the previous one", "")

# What every table offers (AppScreen runs them on the focused table); a header click sorts too.
TABLE_VERBS: tuple[Verb, ...] = (
    Verb(
        "sort_next",
        "o",
        "Sort",
        "Sort by the next column",
        "Sort the list by the next column (after the last one: the usual order); a header click sorts by it",
        "",
        show=False,
    ),
    Verb("sort_reverse", "O", "Reverse", "Reverse the sort", "Sort the other way round", "", show=False),
    Verb("copy_row", "y", "Copy", "Copy the row", "Copy the highlighted row's text to the clipboard", "", show=False),
)

VERBS: tuple[Verb, ...] = (
    Verb("new_schedule", "n", "New", "New schedule", "Plan a new analyze schedule", "amx schedule add"),
    Verb("edit_schedule", "e", "Edit", "Edit schedule", "Edit the highlighted schedule", "amx schedule edit ID"),
    Verb(
        "toggle_pause",
        "p",
        "Pause/Resume",
        "Pause or resume schedule",
        "Pause the highlighted schedule, or resume it when paused",
        "amx schedule pause ID, amx schedule resume ID",
    ),
    Verb("verb('pause')", "", "Pause", "Pause schedule", "Pause the highlighted schedule", "amx schedule pause ID"),
    Verb(
        "verb('resume')",
        "",
        "Resume",
        "Resume schedule",
        "Resume the highlighted schedule at its next occurrence",
        "amx schedule resume ID",
    ),
    Verb(
        "verb('run_now')",
        "r",
        "Run now",
        "Run schedule now",
        "Start the highlighted schedule now, in the background",
        "amx schedule run-now ID",
    ),
    Verb(
        "verb('cancel_run')",
        "c",
        "Cancel run",
        "Cancel running run",
        "Stop the highlighted schedule's running run at its next table or request; it returns to its prior status",
        "amx runs cancel RUN",
        show=False,
    ),
    Verb(
        "verb('skip')",
        "s",
        "Skip",
        "Skip missed run",
        "Skip the highlighted Missed schedule's occurrence",
        "amx schedule skip ID",
        show=False,
    ),
    Verb(
        "delete_schedule",
        "delete,d",
        "Delete",
        "Delete schedule",
        "Delete the highlighted schedule (asks first; its runs stay in history)",
        "amx schedule rm ID",
    ),
    Verb(
        "row_menu",
        "enter",
        "Actions",
        "Row actions",
        "Open the action menu of the highlighted schedule",
        "",
        show=False,
    ),
    Verb(
        "toggle_chip('pending')",
        "1",
        "Pending",
        "Filter: Pending",
        "Show or hide Pending schedules",
        "amx schedule list --status pending",
        show=False,
    ),
    Verb(
        "toggle_chip('paused')",
        "2",
        "Paused",
        "Filter: Paused",
        "Show or hide Paused schedules",
        "amx schedule list --status paused",
        show=False,
    ),
    Verb(
        "toggle_chip('failed')",
        "3",
        "Failed",
        "Filter: Failed",
        "Show or hide Failed schedules",
        "amx schedule list --status failed",
        show=False,
    ),
    Verb(
        "search",
        "slash",
        "Filter",
        "Filter the list",
        "Show only schedules whose name, scope or profile holds the text typed (esc clears)",
        "",
    ),
    Verb(
        "history",
        "h",
        "History",
        "Run history of schedule",
        "Runs and missed occurrences of the highlighted schedule",
        "amx runs list --schedule ID",
        show=False,
    ),
    Verb(
        "last_run_history",
        "L",
        "Last run",
        "History of the run that just ended",
        "The history of the schedule whose run ended last (the toast says which)",
        "amx runs list --schedule ID",
        show=False,
    ),
    *NAV_VERBS,
    *TABLE_VERBS,
    Verb(
        "refresh", "f5,ctrl+r", "Refresh", "Refresh", "Reload schedules and the daemon status now", "amx schedule list"
    ),
    Verb(
        "show_missed",
        "m",
        "Missed",
        "Missed runs",
        "Review missed schedules: run now or skip",
        "amx schedule list --status missed",
        show=False,
    ),
    Verb(
        "install_daemon",
        "i",
        "Install daemon",
        "Install daemon",
        "Install (or repair) the per-user OS hook that runs the tick every minute",
        "amx schedule install-daemon",
    ),
    Verb(
        "uninstall_daemon",
        "u",
        "Uninstall",
        "Uninstall daemon",
        "Remove the OS hook; schedules stay queued",
        "amx schedule uninstall-daemon",
        show=False,
    ),
    Verb(
        "daemon_status",
        "D",
        "Daemon status",
        "Daemon status",
        "Show the daemon's unit, log and last tick",
        "amx schedule status",
        show=False,
    ),
)


HISTORY_VERBS: tuple[Verb, ...] = (
    Verb(
        "review_run",
        "enter",
        "Review run",
        "Review this run's suggestions",
        "Open the review queue of the highlighted run",
        "amx review list --run RUN",
    ),
    Verb(
        "cancel_run",
        "c",
        "Cancel run",
        "Cancel the highlighted run",
        "Stop the highlighted running run at its next table or request; its suggestions so far stay",
        "amx runs cancel RUN",
    ),
    Verb(
        "revert_run",
        "u",
        "Revert run",
        "Revert what the highlighted run wrote",
        "Put back every description the highlighted run wrote over (asks first); a text changed since is kept",
        "amx runs revert RUN",
    ),
    Verb(
        "refresh",
        "f5,ctrl+r",
        "Refresh",
        "Refresh history",
        "Reload the runs and missed occurrences now",
        "amx runs list --schedule ID",
    ),
    BACK,
    *NAV_VERBS,
    *TABLE_VERBS,
)

REVIEW_VERBS: tuple[Verb, ...] = (
    Verb(
        "accept",
        "a",
        "Accept",
        "Accept suggestion",
        "Accept the marked suggestions (or the highlighted one): apply will write their text",
        "amx review accept ID ...",
    ),
    Verb(
        "edit",
        "e",
        "Edit",
        "Edit suggestion",
        "Write your own text for the highlighted suggestion",
        "amx review edit ID --text TEXT",
    ),
    Verb(
        "reject",
        "r",
        "Reject",
        "Reject suggestion",
        "Reject the marked suggestions (or the highlighted one)",
        "amx review reject ID ...",
    ),
    Verb(
        "accept_high",
        "A",
        "Accept all high",
        "Accept all high-confidence",
        "Accept every pending suggestion shown whose confidence band is high (asks first)",
        "amx review accept ID ...",
    ),
    Verb(
        "apply",
        "w",
        "Apply",
        "Apply accepted suggestions",
        "Write the accepted and edited suggestions of this queue to the database (asks first)",
        "amx review apply [--run RUN]",
    ),
    Verb(
        "revert",
        "u",
        "Revert",
        "Revert applied suggestion",
        "Put back what the marked (or the highlighted) applied suggestions replaced (asks first)",
        "amx review revert ID ...",
    ),
    Verb(
        "toggle_mark",
        "space",
        "Mark",
        "Mark suggestion",
        "Mark or unmark the highlighted suggestion for accept/reject",
        "",
        show=False,
    ),
    Verb("clear_marks", "ctrl+u", "Unmark all", "Unmark all", "Clear every mark", "", show=False),
    *(
        Verb(
            f"toggle_state('{chip}')",
            key,
            label,
            f"Filter: {label}",
            f"Show or hide {label.lower()} suggestions",
            f"amx review list --state {state}",
            show=False,
        )
        for key, chip, label, state in (
            ("1", "pending", "Pending", "pending"),
            ("2", "accepted", "Accepted", "accepted"),
            ("3", "edited", "Edited", "edited"),
            ("4", "rejected", "Rejected", "rejected"),
            ("5", "stale", "Stale", "stale"),
            ("6", "apply_failed", "Failed", "apply_failed"),
            ("7", "applied", "Applied", "applied,auto_applied"),
        )
    ),
    *(
        Verb(
            f"toggle_band('{band}')",
            key,
            band.capitalize(),
            f"Filter: {band} confidence",
            f"Show or hide suggestions of {band} confidence",
            "",
            show=False,
        )
        for key, band in (("8", "high"), ("9", "medium"), ("0", "low"))
    ),
    Verb("refresh", "f5,ctrl+r", "Refresh", "Refresh review queue", "Reload the suggestions now", "amx review list"),
    BACK,
    *NAV_VERBS,
    *TABLE_VERBS,
)

PROFILE_VERBS: tuple[Verb, ...] = (
    Verb(
        "new_profile",
        "n",
        "New",
        "New profile (of the focused list)",
        "Add a DB profile or an LLM profile, whichever list has the focus",
        "amx profile db|llm add NAME ...",
    ),
    Verb(
        "new_profile('db')",
        "",
        "New DB",
        "New DB profile",
        "Add a database profile",
        "amx profile db add NAME --url URL",
    ),
    Verb(
        "new_profile('llm')",
        "",
        "New LLM",
        "New LLM profile",
        "Add an LLM profile",
        "amx profile llm add NAME --provider P",
    ),
    Verb(
        "edit_profile", "e", "Edit", "Edit profile", "Edit the highlighted profile", "amx profile db|llm edit NAME ..."
    ),
    Verb(
        "test_profile",
        "t",
        "Test",
        "Test connection",
        "DB: connect and list the databases · LLM: send one tiny request",
        "amx profile db|llm test NAME",
    ),
    Verb(
        "delete_profile",
        "delete,d",
        "Delete",
        "Delete profile",
        "Delete the highlighted profile (asks first; refused while a schedule uses it)",
        "amx profile db|llm rm NAME",
    ),
    Verb("refresh", "f5,ctrl+r", "Refresh", "Refresh profiles", "Reload the profiles now", "amx profile db list"),
    BACK,
    *NAV_VERBS,
    *TABLE_VERBS,
)


def binding_id(action: str) -> str:
    return re.sub(r"\W+", "-", action).strip("-")


def verb_bindings(verbs: tuple[Verb, ...] = VERBS) -> list[BindingType]:
    return [
        Binding(v.keys, v.action, v.label, show=v.show, tooltip=v.help, id=binding_id(v.action))
        for v in verbs
        if v.keys
    ]
