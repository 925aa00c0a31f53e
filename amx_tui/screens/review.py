"""The review queue: suggestions of one run or of every run, filtered by state and band, changed through the core.

The queue is read once per (re)load in a thread worker and filtered here (a dict walk, no store
access), so toggling a filter over thousands of suggestions is instant; a big queue's first page is
drawn while the rest is read. Accept, edit, reject and apply call `amx_core.services.review` in
thread workers, exactly as `amx review ...` does.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from amx_core.services import review as core
from amx_core.services.review import ApplyResult, SuggestionView
from amx_core.store import Store
from amx_core.wording import counted
from amx_tui.formatting import SUGGESTION_WORDS
from amx_tui.screens.apply_results import ApplyResultsDialog
from amx_tui.screens.confirm import ConfirmDialog
from amx_tui.screens.suggestion_edit import EditSuggestionDialog
from amx_tui.screens.verb_screen import VerbScreen
from amx_tui.verbs import REVIEW_VERBS
from amx_tui.widgets.chip_row import ChipRow
from amx_tui.widgets.keyed_table import KeyedTable
from amx_tui.widgets.quiet_footer import QuietFooter
from amx_tui.widgets.suggestion_table import SuggestionTable
from amx_tui.workers import Serial, deliver, first_line

# state chip -> the suggestion states it shows (number key, label)
STATE_CHIPS = (
    ("pending", "1", "Pending"),
    ("accepted", "2", "Accepted"),
    ("edited", "3", "Edited"),
    ("rejected", "4", "Rejected"),
    ("stale", "5", "Stale"),
    ("apply_failed", "6", "Failed"),
    ("applied", "7", "Applied"),
)
CHIP_OF_STATE = {state: state for state, _, _ in STATE_CHIPS} | {"auto_applied": "applied"}
BAND_CHIPS = (("high", "8", "High"), ("medium", "9", "Medium"), ("low", "0", "Low"))
APPLICABLE = frozenset(core.APPLICABLE)
FIRST_PAGE = 400  # drawn while the rest of a bigger queue is read

GUIDE = """
## Review queue
A suggestion is **pending** until you decide: **accept** it (apply writes the proposed text), **edit** it (apply
writes your text), or **reject** it (nothing is written). **Apply** writes the accepted and edited suggestions of
this queue through the same safe path as auto runs: each target is re-read first, and one whose text changed
since the suggestion was made becomes **stale** (nothing written; accept it again to replace the new text).
A write the database refuses is **apply failed**, with the database's message.
`space` marks rows; accept, reject and apply then act on the marked ones. Number keys toggle the state
(1-7) and band (8-0) filters; none active means everything.
"""

# verb -> (core call(store, ids), past tense)
CHANGES: dict[str, tuple[Callable[[Store, list[int]], list[SuggestionView]], str]] = {
    "accept": (lambda store, ids: core.accept_suggestions(store, ids), "Accepted"),
    "reject": (lambda store, ids: core.reject_suggestions(store, ids), "Rejected"),
}


def _author(text: Text, view: SuggestionView) -> Text:
    """The pane's second line: who wrote the text shown (`written by person`, `... amx (run 3)`), when known."""
    if view.current_author:
        text.append(f"written by {view.current_author}\n", "dim")
    return text


def current_text(view: SuggestionView) -> Text:
    """The left pane: what the database holds now (after apply: the text written, and what it replaced; after a
    revert: the text put back), and who wrote it."""
    if view.state == "reverted":
        text = _author(Text("Current (put back by a revert)\n", style="bold"), view)
        text.append(view.old_value or "(no description)", "" if view.old_value else "dim italic")
        text.append("\n\nReverted: ", "bold dim")
        text.append(view.proposed, "dim")
        return text
    if view.state in core.FINAL:
        text = _author(Text("Current (what the database holds: written by apply)\n", style="bold"), view)
        text.append(view.proposed)
        text.append("\n\nBefore: ", "bold dim")
        text.append(view.old_value or "(no description)", "dim" if view.old_value else "dim italic")
        return text
    text = Text(
        f"Current ({'what the database holds' if view.state != 'stale' else 'changed underneath'})\n", style="bold"
    )
    _author(text, view)
    text.append(view.current if view.current else "(no description)", "" if view.current else "dim italic")
    return text


class ReviewScreen(VerbScreen):
    """`ReviewScreen(run_id=…)` for one run's suggestions, `ReviewScreen()` for every run's."""

    VERBS = REVIEW_VERBS
    GUIDE = GUIDE
    HELP_TITLE = "Review queue"
    AUTO_FOCUS = "#suggestions"

    class Loaded(Message):
        """The queue (`complete`), or the first page of a big queue while the rest is read."""

        def __init__(
            self, views: list[SuggestionView] | None, error: str | None, seconds: float, complete: bool = True
        ) -> None:
            super().__init__()
            self.views = views
            self.error = error
            self.seconds = seconds
            self.complete = complete

    class Changed(Message):
        """Suggestions the core changed (accept, reject, edit), or its refusal."""

        def __init__(self, verb: str, views: list[SuggestionView] | None, error: str | None) -> None:
            super().__init__()
            self.verb = verb
            self.views = views
            self.error = error

    class Applied(Message):
        def __init__(self, results: list[ApplyResult] | None, error: str | None) -> None:
            super().__init__()
            self.results = results
            self.error = error

    def __init__(self, run_id: int | None = None, run_label: str | None = None) -> None:
        super().__init__(id="review-screen")
        self.run_id = run_id
        self.run_label = run_label or (f"run #{run_id}" if run_id is not None else None)
        self.views: dict[int, SuggestionView] = {}
        self.rows: dict[
            int, tuple[SuggestionView, bool]
        ] = {}  # id -> (view, marked), reused so the table diff stays cheap
        self.order: list[int] = []
        self.marked: set[int] = set()
        self.loads = 0
        self.busy = False
        self.last_results: list[ApplyResult] | None = None
        self.loader = Serial(self._load)

    # --- layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Text(self._title()), id="review-title", classes="screen-title")
        yield ChipRow(STATE_CHIPS, label="State", everything="every state", id="review-states")
        yield ChipRow(BAND_CHIPS, label="Band ", everything="every band", id="review-bands")
        yield SuggestionTable(with_run=self.run_id is None, id="suggestions")
        with Horizontal(id="review-detail"):
            with VerticalScroll(id="current-pane", classes="text-pane"):
                yield Static("", id="current-text")
            with VerticalScroll(id="proposed-pane", classes="text-pane"):
                yield Static("", id="proposed-text")
            with Vertical(id="facts-pane"):
                yield Static("", id="suggestion-facts")
        yield QuietFooter()

    def _title(self) -> str:
        scope = f"Review queue of {self.run_label}" if self.run_id is not None else "Review queue of all runs"
        if not self.loads:
            return (
                f"{scope} · first {len(self.order)} suggestions · reading the rest…"
                if self.order
                else f"{scope} · loading…"
            )
        marked = f" · {len(self.marked)} marked" if self.marked else ""
        return f"{scope} · {counted(len(self.order), 'suggestion')}{marked}"

    @property
    def table(self) -> SuggestionTable:
        return self.query_one("#suggestions", SuggestionTable)

    @property
    def states(self) -> ChipRow:
        return self.query_one("#review-states", ChipRow)

    @property
    def bands(self) -> ChipRow:
        return self.query_one("#review-bands", ChipRow)

    def on_mount(self) -> None:
        self.request_load()  # first: the read overlaps the rest of the first frame
        self.show_detail()

    # --- loading and filtering ----------------------------------------------------------------------

    def request_load(self) -> None:
        """Read the queue now, or right after the read in flight (never two at once)."""
        self.loader.request()

    def _load(self) -> None:
        self.run_worker(self._read, thread=True, exclusive=True, group="review-load", exit_on_error=False)

    def _read(self) -> None:
        """The whole queue; on the first read of a big one, its first page goes ahead to be drawn at once."""
        started = time.perf_counter()
        try:
            store = self.store()
            if not self.loads:
                first = core.list_suggestions(store, run_id=self.run_id, limit=FIRST_PAGE)
                if len(first) == FIRST_PAGE:
                    deliver(self, self.Loaded(first, None, time.perf_counter() - started, complete=False))
            views = core.list_suggestions(store, run_id=self.run_id)
        except Exception as exc:  # noqa: BLE001 - the queue keeps its last state and says why
            deliver(self, self.Loaded(None, first_line(exc), time.perf_counter() - started))
            return
        deliver(self, self.Loaded(views, None, time.perf_counter() - started))

    def on_review_screen_loaded(self, message: ReviewScreen.Loaded) -> None:
        message.stop()
        views = message.views
        if views is None:
            self.notify(message.error or "", title="Review queue", severity="error", markup=False)
        else:
            if message.complete:
                self.loads += 1
            self.views = {v.id: v for v in views}
            self.order = [v.id for v in views]
            self.marked &= set(self.views)
            self.rows = {i: (v, i in self.marked) for i, v in self.views.items()}
            self.apply_filter()
        if message.complete:
            self.loader.done()

    def apply_filter(self) -> None:
        states, bands = self.states.active, self.bands.active
        views, rows = self.views, self.rows
        keep = [
            i
            for i in self.order
            if (not states or CHIP_OF_STATE.get(views[i].state) in states) and (not bands or views[i].band in bands)
        ]
        self.table.empty_text = "No suggestion matches the filter." if states or bands else "No suggestions here."
        self.table.set_rows([(str(i), rows[i]) for i in keep])
        all_views = views.values()
        self.states.show_counts(
            Counter(CHIP_OF_STATE.get(v.state, v.state) for v in all_views), len(keep), len(self.order)
        )
        self.bands.show_counts(Counter(v.band for v in all_views))
        self.query_one("#review-title", Static).update(Text(self._title()), layout=False)  # one line, full width
        self.show_detail()

    def on_chip_row_changed(self, message: ChipRow.Changed) -> None:
        message.stop()
        self.apply_filter()

    def action_toggle_state(self, chip: str) -> None:
        self.states.toggle(chip)

    def action_toggle_band(self, band: str) -> None:
        self.bands.toggle(band)

    def patch(self, views: list[SuggestionView]) -> None:
        """Show suggestions the core just returned (a row that leaves the filter gives the cursor to the next one)."""
        for view in views:
            self.views[view.id] = view
            self.rows[view.id] = (view, view.id in self.marked)
        self.apply_filter()

    # --- the highlighted suggestion -------------------------------------------------------------------

    def current(self) -> SuggestionView | None:
        key = self.table.cursor_key
        return self.views.get(int(key)) if key is not None else None

    def on_keyed_table_row_highlighted(self, message: KeyedTable.RowHighlighted) -> None:
        message.stop()
        self.show_detail()

    def show_detail(self) -> None:
        view = self.current()
        current = self.query_one("#current-text", Static)
        proposed = self.query_one("#proposed-text", Static)
        facts = self.query_one("#suggestion-facts", Static)
        if view is None:
            current.update(Text("Current text in the database", style="bold"))
            proposed.update(Text("Proposed text", style="bold"))
            facts.update(Text("Highlight a suggestion to see it side by side.", style="dim"))
            return
        current.update(current_text(view))
        words = "Yours (edited)" if view.state == "edited" else "Proposed"
        body = Text(f"{words}\n", style="bold")
        body.append(view.proposed)
        proposed.update(body)
        facts.update(self._facts(view))

    @staticmethod
    def _facts(view: SuggestionView) -> Text:
        text = Text()
        text.append(f"#{view.id} · {SUGGESTION_WORDS.get(view.state, view.state)}", "bold")
        where = "/".join(p for p in (view.db_profile or "?", view.database) if p)
        text.append(
            f" · confidence {view.confidence:.2f} ({view.band})\n{view.target_kind} {view.target} · {where} · "
            f"run #{view.run_id}\n"
        )
        text.append("Reason: ", "bold")
        text.append(f"{view.reason or '—'}\n")
        for finding in view.quality:
            text.append(f"Quality: {finding['flag']}: ", "bold yellow")
            text.append(finding["message"] + "\n")
        if view.error:
            text.append("Error: ", "bold red")
            text.append(view.error + "\n", "red")
        if view.note:
            text.append("Note: ", "bold")
            text.append(view.note + "\n")
        text.append(f"Alternatives ({len(view.alternatives)}):", "bold")
        for number, alternative in enumerate(view.alternatives, 1):
            text.append(f"\n {number}. ")
            text.append(alternative)
        return text

    def _need_current(self) -> SuggestionView | None:
        view = self.current()
        if view is None:
            self.notify("No suggestion is highlighted.", severity="warning")
        return view

    def _chosen(self) -> list[int]:
        """The marked suggestions (in queue order), else the highlighted one."""
        if self.marked:
            return [i for i in self.order if i in self.marked]
        view = self._need_current()
        return [view.id] if view is not None else []

    # --- marks --------------------------------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        view = self._need_current()
        if view is None:
            return
        self.marked ^= {view.id}
        self.rows[view.id] = (view, view.id in self.marked)
        self.apply_filter()
        self.table.action_cursor_down()

    def action_clear_marks(self) -> None:
        for i in self.marked:
            self.rows[i] = (self.views[i], False)
        self.marked.clear()
        self.apply_filter()

    # --- accept, reject, edit -------------------------------------------------------------------------

    def action_accept(self) -> None:
        self.change("accept", self._chosen())

    def action_reject(self) -> None:
        self.change("reject", self._chosen())

    def action_accept_high(self) -> None:
        ids = [
            int(k)
            for k in self.table.keys
            if self.views[int(k)].band == "high" and self.views[int(k)].state == "pending"
        ]
        if not ids:
            self.notify("No pending high-confidence suggestion is shown.", severity="warning")
            return
        question = ConfirmDialog(
            "Accept all high-confidence suggestions?",
            f"Accept {counted(len(ids), 'pending suggestion')} of high confidence shown in this queue. "
            "Nothing is written until you apply.",
            "Accept",
        )
        self.app.push_screen(question, lambda yes: self.change("accept", ids) if yes else None)

    def change(self, verb: str, ids: list[int]) -> None:
        if not ids or self.busy:
            return
        self.busy = True
        self.run_worker(partial(self._change, verb, ids), thread=True, group="review-change", exit_on_error=False)

    def _change(self, verb: str, ids: list[int]) -> None:
        call = CHANGES[verb][0]
        try:
            views = call(self.store(), ids)
        except Exception as exc:  # noqa: BLE001 - the core's refusal names the suggestion
            deliver(self, self.Changed(verb, None, first_line(exc)))
            return
        deliver(self, self.Changed(verb, views, None))

    def on_review_screen_changed(self, message: ReviewScreen.Changed) -> None:
        message.stop()
        self.busy = False
        views = message.views
        if views is None:
            self.notify(message.error or "", title=f"Not {message.verb}ed", severity="error", markup=False, timeout=8)
            return
        changed = {v.id for v in views}
        by_cursor = not self.marked and self.table.cursor_key is not None and changed == {int(self.table.cursor_key)}
        self.marked -= changed
        self.patch(views)
        if by_cursor and message.verb in CHANGES and self.table.cursor_key == str(views[0].id):
            self.table.action_cursor_down()  # decided: on to the next one
        if not self.loads:  # the rest of the queue was being read: read it again, with this change
            self.request_load()
        words = CHANGES[message.verb][1] if message.verb in CHANGES else "Edited"
        what = views[0].target if len(views) == 1 else counted(len(views), "suggestion")
        self.notify(f"{words} {what}.", markup=False)

    def action_edit(self) -> None:
        view = self._need_current()
        if view is None:
            return
        save = partial(_edit, self.store)
        self.app.push_screen(EditSuggestionDialog(view, save), self._edited)

    def _edited(self, view: SuggestionView | None) -> None:
        if view is not None:
            self.post_message(self.Changed("edit", [view], None))

    # --- apply --------------------------------------------------------------------------------------

    def action_apply(self) -> None:
        if self.busy:
            return
        if not self.loads:
            self.notify("Still reading the queue; apply once it is shown whole.", severity="warning")
            return
        marked = [i for i in self.order if i in self.marked]
        pool = marked or self.order
        ready = [i for i in pool if self.views[i].state in APPLICABLE]
        if not ready and not marked:
            self.notify("Nothing to apply: accept or edit suggestions first.", severity="warning")
            return
        scope = "the marked suggestions" if marked else (self.run_label or "all runs")
        body = (
            f"Write {counted(len(ready), 'accepted or edited suggestion')} of {scope} to the database. "
            "Each target is re-read first: one whose text changed since the suggestion was made is reported "
            "stale and not written."
        )
        question = ConfirmDialog("Apply suggestions?", body, "Apply")
        self.app.push_screen(question, lambda yes: self._start_apply(marked) if yes else None)

    def _start_apply(self, marked: list[int]) -> None:
        self.busy = True
        self.notify("Applying…", timeout=3)
        self.run_worker(partial(self._apply, marked), thread=True, group="review-apply", exit_on_error=False)

    def _apply(self, ids: list[int]) -> None:
        try:
            store = self.store()
            results = core.apply_suggestions(store, run_id=None if ids else self.run_id, ids=ids)
        except Exception as exc:  # noqa: BLE001 - e.g. the database cannot be reached
            deliver(self, self.Applied(None, first_line(exc)))
            return
        deliver(self, self.Applied(results, None))

    def on_review_screen_applied(self, message: ReviewScreen.Applied) -> None:
        message.stop()
        self.busy = False
        results = message.results
        if results is None:
            self.notify(message.error or "", title="Apply failed", severity="error", markup=False, timeout=12)
            return
        self.last_results = results
        self.marked -= {r.id for r in results}
        self.app.push_screen(ApplyResultsDialog(results))
        self.request_load()

    # --- revert -------------------------------------------------------------------------------------

    def action_revert(self) -> None:
        """Put back what the marked (or the highlighted) applied suggestions replaced, after asking."""
        if self.busy:
            return
        marked = [i for i in self.order if i in self.marked]
        view = self.current()
        pool = marked or ([view.id] if view is not None else [])
        ready = [i for i in pool if self.views[i].state in core.REVERTIBLE]
        if not ready:
            self.notify("Nothing to revert: only applied suggestions can be reverted.", severity="warning")
            return
        body = (
            f"Put back what {counted(len(ready), 'applied suggestion')} replaced (or remove the description it "
            "added). A target whose text changed since AMX wrote it is reported stale and left alone."
        )
        question = ConfirmDialog("Revert suggestions?", body, "Revert")
        self.app.push_screen(question, lambda yes: self._start_revert(ready) if yes else None)

    def _start_revert(self, ids: list[int]) -> None:
        self.busy = True
        self.notify("Reverting…", timeout=3)
        self.run_worker(partial(self._revert, ids), thread=True, group="review-apply", exit_on_error=False)

    def _revert(self, ids: list[int]) -> None:
        try:
            results = core.revert_suggestions(self.store(), ids)
        except Exception as exc:  # noqa: BLE001 - e.g. the database cannot be reached
            deliver(self, self.Applied(None, first_line(exc)))
            return
        deliver(self, self.Applied(results, None))

    # --- other --------------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.request_load()


def _edit(store_getter: Callable[[], Store], suggestion_id: int, text: str) -> SuggestionView:
    """Thread (the edit dialog's worker): the core's edit, as `amx review edit ID --text TEXT`."""
    return core.edit_suggestion(store_getter(), suggestion_id, text)
