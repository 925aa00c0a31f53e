"""The actions on the highlighted schedule: new/edit dialog, pause/resume, run now, cancel its run, skip, delete,
history, row menu.

Every verb runs `Backend.schedule_verb` in a thread worker; the list shows what the core returned at once
and reads itself again behind it. The list screen (MainScreen) says which schedule is highlighted.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.message import Message

from amx_core.views import ScheduleView
from amx_tui.backend import VerbOutcome
from amx_tui.formatting import fire_time_text
from amx_tui.screens.action_menu import ActionMenu
from amx_tui.screens.app_screen import AppScreen
from amx_tui.screens.confirm import ConfirmDialog
from amx_tui.screens.schedule_dialog import ScheduleDialog
from amx_tui.widgets.profile_tables import ProfileLists
from amx_tui.workers import deliver, first_line

# verb -> what the notification says once it worked (`{name}` the schedule's, `{run}` the started run's number)
DONE_TEXT = {
    "pause": "Paused “{name}”.",
    "resume": "Resumed “{name}”.",
    "skip": "Skipped the missed run of “{name}”.",
    "delete": "Deleted “{name}”. Its runs stay in the history.",
    "run_now": "Started “{name}”{run} in the background.",
    "cancel_run": "Asked “{name}”{run} to stop: it ends at its next table or request.",
}


def done_text(verb: str, name: str, outcome: VerbOutcome) -> str:
    run = f" (run #{outcome.run_id})" if outcome.run_id else ""
    return DONE_TEXT[verb].format(name=name, run=run)


class RowActions(AppScreen):
    """The schedule list's row actions; the list says which schedule is highlighted and how a change shows."""

    profiles: ProfileLists | None = None  # (DB profiles, LLM profiles) as the list last read them

    class VerbDone(Message):
        def __init__(
            self, verb: str, name: str, schedule_id: int, outcome: VerbOutcome | None, error: str | None
        ) -> None:
            super().__init__()
            self.verb = verb
            self.name = name
            self.schedule_id = schedule_id
            self.outcome = outcome
            self.error = error

    # --- what the list provides -------------------------------------------------------------------

    def current(self) -> ScheduleView | None:
        """The highlighted schedule."""
        raise NotImplementedError

    def patch(self, view: ScheduleView) -> None:
        """Show a schedule the core just returned, before the next refresh confirms it."""
        raise NotImplementedError

    def forget(self, schedule_id: int) -> None:
        raise NotImplementedError

    def move_to(self, schedule_id: int) -> None:
        """Put the list's cursor on this schedule."""
        raise NotImplementedError

    def request_refresh(self) -> None:
        raise NotImplementedError

    def _need_current(self) -> ScheduleView | None:
        view = self.current()
        if view is None:
            self.notify("No schedule is highlighted.", severity="warning")
        return view

    # --- the new/edit dialog ------------------------------------------------------------------------

    def action_new_schedule(self) -> None:
        self.app.push_screen(ScheduleDialog(self.backend, self.store, profiles=self.profiles), self._dialog_closed)

    def action_edit_schedule(self) -> None:
        view = self._need_current()
        if view is not None:
            self.edit(view)

    def edit(self, view: ScheduleView) -> None:
        self.app.push_screen(ScheduleDialog(self.backend, self.store, view, self.profiles), self._dialog_closed)

    def _dialog_closed(self, view: ScheduleView | None) -> None:
        if view is None:
            return
        self.patch(view)
        self.move_to(view.id)
        self.notify(f"Saved “{view.name}”: {view.status.capitalize()}, {fire_time_text(view)}.", markup=False)
        self.request_refresh()

    # --- verbs ----------------------------------------------------------------------------------------

    def action_toggle_pause(self) -> None:
        view = self._need_current()
        if view is not None:
            self.run_verb("resume" if view.status == "paused" else "pause", view)

    def action_verb(self, verb: str) -> None:
        """`pause`, `resume`, `skip`, `run_now` or `cancel_run` on the highlighted schedule (keys and palette)."""
        view = self._need_current()
        if view is not None:
            self.run_verb(verb, view)

    def action_delete_schedule(self) -> None:
        view = self._need_current()
        if view is None:
            return
        question = ConfirmDialog(
            "Delete schedule?",
            f"“{view.name}” will be removed. Its runs and suggestions stay in the history.",
            "Delete",
            danger=True,
        )
        self.app.push_screen(question, lambda yes: self.run_verb("delete", view) if yes else None)

    def action_history(self) -> None:
        """The run history of the highlighted schedule (runs and missed occurrences)."""
        from amx_tui.screens.history import HistoryScreen

        view = self._need_current()
        if view is not None:
            self.app.push_screen(HistoryScreen(view.id, view.name))

    def action_row_menu(self) -> None:
        view = self._need_current()
        if view is None:
            return
        chosen: dict[str, Callable[[], None]] = {
            "edit": lambda: self.edit(view),
            "pause": lambda: self.run_verb("pause", view),
            "resume": lambda: self.run_verb("resume", view),
            "run_now": lambda: self.run_verb("run_now", view),
            "cancel_run": lambda: self.run_verb("cancel_run", view),
            "skip": lambda: self.run_verb("skip", view),
            "delete": self.action_delete_schedule,
        }
        self.app.push_screen(ActionMenu(view.name, view.status), lambda action: chosen[action]() if action else None)

    def run_verb(self, verb: str, view: ScheduleView) -> None:
        self.run_worker(
            partial(self._verb_worker, verb, view.id, view.name),
            thread=True,
            group=f"verb-{view.id}",
            exit_on_error=False,
            description=f"{verb} {view.id}",
        )

    def _verb_worker(self, verb: str, schedule_id: int, name: str) -> None:
        try:
            outcome = self.backend.schedule_verb(verb, self.store(), schedule_id)
        except Exception as exc:  # noqa: BLE001 - refusals (AmxError) and failures alike are shown
            deliver(self, self.VerbDone(verb, name, schedule_id, None, first_line(exc)))
            return
        deliver(self, self.VerbDone(verb, name, schedule_id, outcome, None))

    def on_row_actions_verb_done(self, message: RowActions.VerbDone) -> None:
        outcome = message.outcome
        if outcome is None:
            self.notify(message.error or "", title=f"“{message.name}”", severity="error", markup=False, timeout=8)
            return
        if outcome.deleted:
            self.forget(message.schedule_id)
        elif outcome.view is not None:
            self.patch(outcome.view)
        self.notify(done_text(message.verb, message.name, outcome), markup=False)
        self.request_refresh()
