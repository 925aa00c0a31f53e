"""The main screen's verbs in one table: key bindings, Footer words, command palette entries and F1 help.

Each verb mirrors a CLI command, so the palette, the keys and `amx ...` speak the same language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Verb:
    action: str  # a MainScreen action
    keys: str  # Textual key names, comma-separated; "" = palette only
    label: str  # Footer word
    title: str  # command palette title
    help: str  # what it does (palette help, F1, tooltip)
    cli: str  # the CLI equivalent
    show: bool = True

    @property
    def key_display(self) -> str:
        names = {"delete": "del", "enter": "⏎", "ctrl+r": "^r", "f5": "F5", "f1": "F1"}
        return "/".join(names.get(k, k) for k in self.keys.split(",") if k)


VERBS: tuple[Verb, ...] = (
    Verb("new_schedule", "n", "New", "New schedule", "Plan a new analyze schedule", "amx schedule add"),
    Verb("edit_schedule", "e", "Edit", "Edit schedule", "Edit the highlighted schedule", "amx schedule edit ID"),
    Verb("toggle_pause", "p", "Pause/Resume", "Pause or resume schedule",
         "Pause the highlighted schedule, or resume it when paused", "amx schedule pause ID, amx schedule resume ID"),
    Verb("verb('pause')", "", "Pause", "Pause schedule", "Pause the highlighted schedule", "amx schedule pause ID"),
    Verb("verb('resume')", "", "Resume", "Resume schedule",
         "Resume the highlighted schedule at its next occurrence", "amx schedule resume ID"),
    Verb("verb('run_now')", "r", "Run now", "Run schedule now", "Start the highlighted schedule now, in the background",
         "amx schedule run-now ID"),
    Verb("verb('skip')", "s", "Skip", "Skip missed run", "Skip the highlighted Missed schedule's occurrence",
         "amx schedule skip ID", show=False),
    Verb("delete_schedule", "delete,d", "Delete", "Delete schedule",
         "Delete the highlighted schedule (asks first; its runs stay in history)", "amx schedule rm ID"),
    Verb("row_menu", "enter", "Actions", "Row actions", "Open the action menu of the highlighted schedule", "", show=False),
    Verb("toggle_chip('pending')", "1", "Pending", "Filter: Pending", "Show or hide Pending schedules",
         "amx schedule list --status pending", show=False),
    Verb("toggle_chip('paused')", "2", "Paused", "Filter: Paused", "Show or hide Paused schedules",
         "amx schedule list --status paused", show=False),
    Verb("toggle_chip('failed')", "3", "Failed", "Filter: Failed", "Show or hide Failed schedules",
         "amx schedule list --status failed", show=False),
    Verb("refresh", "f5,ctrl+r", "Refresh", "Refresh", "Reload schedules and the daemon status now", "amx schedule list"),
    Verb("show_missed", "m", "Missed", "Missed runs", "Review missed schedules: run now or skip",
         "amx schedule list --status missed", show=False),
    Verb("install_daemon", "i", "Install daemon", "Install daemon",
         "Install (or repair) the per-user OS hook that runs the tick every minute", "amx schedule install-daemon"),
    Verb("uninstall_daemon", "u", "Uninstall", "Uninstall daemon",
         "Remove the OS hook; schedules stay queued", "amx schedule uninstall-daemon", show=False),
    Verb("daemon_status", "D", "Daemon status", "Daemon status", "Show the daemon's unit, log and last tick",
         "amx schedule status", show=False),
)


def verb_bindings() -> list[Binding]:
    return [
        Binding(v.keys, v.action, v.label, show=v.show, tooltip=v.help, id=re.sub(r"\W+", "-", v.action).strip("-"))
        for v in VERBS
        if v.keys
    ]
