"""The new/edit schedule dialog (one ModalScreen for both): trigger first, the form adapts, the core validates.

Everything that reads the store (profiles, databases, the catalog, saving) runs in thread workers;
the dialog stays open until the core accepts, showing each ValidationError beside its field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Button, Input, Select, Static

from amx_core.catalog.counting import ScopeCount
from amx_core.errors import AmxError, ConflictError, UncheckedError, ValidationError
from amx_core.store import Store
from amx_core.timing import zone_names
from amx_core.views import DbProfileView, LlmProfileView, ScheduleView
from amx_core.wording import counted
from amx_tui.backend import Backend
from amx_tui.formatting import local_input_text
from amx_tui.screens.save_dialog import SaveDialog
from amx_tui.screens.schedule_form import FIELD_OF_ERROR, FormValues, build_input
from amx_tui.screens.schedule_hints import (
    COLUMN_CHOICES,
    COLUMN_HINT,
    MISSED_CHOICES,
    MISSED_HINTS,
    at_hint,
    cadence_hint,
    cap_hint,
    retries_hint,
    zone_hint,
)
from amx_tui.widgets.choice import Choice
from amx_tui.widgets.form_field import FormField
from amx_tui.widgets.profile_tables import ProfileLists
from amx_tui.widgets.scope_tree import ScopeTree, Target
from amx_tui.workers import deliver, first_line

PREVIEW_DELAY = 0.15
NUMBER_HINTS = {"cap": cap_hint, "retries": retries_hint}  # field -> the core's check as a live hint
NARROW_WIDTH = 110  # below this the form and the scope tree stack
SQLITE_DATABASE = "main (the SQLite file)"


def default_fire_at(now: datetime, tz: str) -> str:
    """The next whole hour at least 30 minutes away, as local text in `tz`."""
    from amx_core.timing import to_local

    local = to_local(now + timedelta(minutes=30), tz)
    return local_input_text(local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))


def llm_words(profile: LlmProfileView) -> str:
    """`openai gpt-4o-mini`, `heuristic`: what an LLM profile runs."""
    return " ".join(part for part in (profile.provider, profile.model) if part)


def edit_title(view: ScheduleView) -> str:
    return f"Edit “{view.name}”  (#{view.id}, version {view.version})"


def file_label(profile: DbProfileView) -> str:
    """`demo_shop.db (SQLite file)` for a single-database profile (its one database is the file)."""
    name = profile.url.rsplit("/", 1)[-1] or SQLITE_DATABASE
    return f"{name} ({profile.engine} file)"


def profile_database(profile: DbProfileView) -> str | None:
    """The database a profile points at by default (its own setting, else the one in its URL)."""
    from sqlalchemy.engine import make_url

    try:
        return profile.default_database or make_url(profile.url).database or None
    except Exception:  # noqa: BLE001 - a URL the core accepted but we cannot read: no default
        return None


class ScheduleDialog(SaveDialog[ScheduleView]):
    """Dismisses with the saved ScheduleView, or None when cancelled. Pass `view` to edit."""

    AUTO_FOCUS = "#name"  # one focus change while opening (each one restyles the dialog)
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, tooltip="Save the schedule (the core validates it)"),
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving"),
        Binding("ctrl+r", "reload", "Reload", show=False, tooltip="Reload the schedule as it is stored now"),
        Binding(
            "ctrl+o",
            "save_unchecked",
            "Save unchecked",
            show=False,
            tooltip="Save without checking the database and scope against the catalog (offline)",
        ),
        Binding(
            "ctrl+e",
            "estimate",
            "Estimate",
            show=False,
            tooltip="What a run of this schedule would ask and cost (reads the database, asks no model)",
        ),
    ]

    class ProfilesRead(Message):
        def __init__(self, profiles: ProfileLists | None, error: str | None = None) -> None:
            super().__init__()
            self.profiles = profiles
            self.error = error

    class DatabasesRead(Message):
        def __init__(self, profile: str, names: list[str], error: str | None = None) -> None:
            super().__init__()
            self.profile = profile
            self.names = names
            self.error = error

    class Estimated(Message):
        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class Reloaded(Message):
        def __init__(self, view: ScheduleView | None, error: str | None = None) -> None:
            super().__init__()
            self.view = view
            self.error = error

    def __init__(
        self,
        backend: Backend,
        store_getter: Callable[[], Store],
        view: ScheduleView | None = None,
        profiles: ProfileLists | None = None,
    ) -> None:
        """`profiles` = (DB profiles, LLM profiles) as last read by the list, shown at once and re-read behind."""
        super().__init__(classes="dialog-screen")
        self.profiles = profiles
        self.backend = backend
        self.store_getter = store_getter
        self.view = view
        self.detected_zone = backend.local_zone()
        now = backend.clock()
        if view is None:
            self.initial = None
            self.values = FormValues(tz=self.detected_zone, at=default_fire_at(now, self.detected_zone))
        else:
            self.initial = FormValues.of_view(view)
            self.values = self.initial
        self.expected_version = view.version if view is not None else None
        self.files: dict[str, str] = {}
        self.default_databases: dict[str, str | None] = {}
        self._preview_timer: Timer | None = None
        self._scope_summary = ""
        self._picked: dict[str, str] = {}  # select id -> the value the dialog chose by itself (one option, a default)
        self.verify = True  # check the database and scope against the catalog when saving

    # --- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        v = self.values
        title = "New schedule" if self.view is None else edit_title(self.view)
        with Vertical(id="schedule-dialog", classes="dialog"):
            yield Static(Text(title), classes="dialog-title", id="dialog-title")
            yield Static("", id="form-error", classes="form-error hidden", markup=False)
            with Horizontal(id="dialog-body"):
                with VerticalScroll(id="form-pane"):
                    yield FormField(
                        "Trigger",
                        Choice([("cron", "Cron-based"), ("change", "Change-triggered")], v.trigger, id="trigger"),
                        key="trigger",
                    )
                    name = Input(v.name, id="name", placeholder="e.g. Nightly sales descriptions", compact=True)
                    yield FormField("Name", name, key="name")
                    with Vertical(id="cron-fields"):
                        at = Input(v.at, id="at", placeholder="YYYY-MM-DD HH:MM", compact=True)
                        yield FormField("Fire at (local)", at, key="at")
                        yield FormField(
                            "Cadence (cron)",
                            Input(
                                v.cron, id="cron", placeholder="optional: e.g. 0 9 * * 1-5 (empty = once)", compact=True
                            ),
                            key="cron",
                            hint="one-shot: fires once at the time above",
                        )
                    with Vertical(id="change-fields"):
                        yield FormField(
                            "Run at most every",
                            Input(v.cap, id="cap", placeholder="hours, e.g. 6", compact=True, type="number"),
                            Static("hours", classes="field-unit"),
                            key="cap",
                        )
                        yield FormField(
                            "Settle for",
                            Input(
                                v.settle, id="settle", placeholder="minutes, default 15", compact=True, type="number"
                            ),
                            Static("minutes", classes="field-unit"),
                            key="settle",
                            hint="after the first change, wait this long for the rest of a migration",
                        )
                    yield FormField(
                        "Timezone",
                        Input(
                            v.tz, id="tz", compact=True, suggester=SuggestFromList(zone_names(), case_sensitive=False)
                        ),
                        key="tz",
                    )
                    yield FormField(
                        "DB profile", Select([], id="db", prompt="choose a DB profile", compact=True), key="db"
                    )
                    database: Select[str] = Select([], id="database", prompt="choose a database", compact=True)
                    yield FormField("Database", database, key="database")
                    yield FormField(
                        "LLM profile", Select([], id="llm", prompt="choose an LLM profile", compact=True), key="llm"
                    )
                    yield FormField(
                        "Review",
                        Choice([("manual", "Manual"), ("auto", "Auto")], v.review, id="review"),
                        key="review",
                        hint="Manual: suggestions wait in the review queue · Auto: confident ones are applied",
                    )
                    yield FormField(
                        "Columns",
                        Choice(list(COLUMN_CHOICES), v.columns, id="columns"),
                        key="columns",
                        hint=COLUMN_HINT,
                    )
                    yield FormField(
                        "If missed",
                        Choice(list(MISSED_CHOICES), v.missed, id="missed"),
                        key="missed",
                        hint=MISSED_HINTS[v.missed],
                    )
                    yield FormField(
                        "Retries",
                        Input(v.retries, id="retries", placeholder="e.g. 3", compact=True, type="integer"),
                        Static("attempts", classes="field-unit"),
                        key="retries",
                    )
                    yield FormField(
                        "Statistics",
                        Choice([("off", "Not stated"), ("on", "Dated")], v.statistics, id="statistics"),
                        key="statistics",
                        hint='Dated: descriptions may end "As of <date>, in a sample of N rows: …"',
                    )
                with Vertical(id="scope-pane"):
                    yield Static(
                        "Scope  (space ticks, ctrl+x only this, type to filter, enter/→ opens, ← closes)",
                        classes="pane-title",
                        markup=False,
                    )
                    yield ScopeTree(self.store_getter, id="scope-tree")
                    yield Static("", id="scope-summary", markup=False)
                    yield Static("", id="error-scope", classes="field-message -error hidden", markup=False)
                    yield Static("", id="estimate", classes="hidden", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Static("ctrl+s save · esc cancel · tab next field", classes="dialog-keys", markup=False)
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW_WIDTH, "-narrow")
        self._show_trigger(self.values.trigger)
        self.update_previews()
        self.query_one("#scope-tree", ScopeTree).load(None, self.values.scope)
        if self.profiles is not None:  # as the list read them moments ago: no store access while opening
            self._got_profiles(self.profiles)
        else:
            self.call_after_refresh(self._load_profiles)

    # --- reading the form ------------------------------------------------------------------------------

    def field(self, key: str) -> FormField:
        return self.query_one(f"#field-{key}", FormField)

    def _select_value(self, select_id: str) -> str | None:
        value = self.query_one(f"#{select_id}", Select).value
        return value if isinstance(value, str) else None

    def read_values(self) -> FormValues:
        db = self._select_value("db")
        database = self._select_value("database")
        if db is not None and db in self.files:
            database = None
        return FormValues(
            trigger=self.query_one("#trigger", Choice).value,
            name=self.query_one("#name", Input).value,
            at=self.query_one("#at", Input).value,
            cron=self.query_one("#cron", Input).value,
            cap=self.query_one("#cap", Input).value,
            settle=self.query_one("#settle", Input).value,
            tz=self.query_one("#tz", Input).value,
            db=db,
            database=database,
            scope=tuple(self.query_one("#scope-tree", ScopeTree).scope),
            llm=self._select_value("llm"),
            review=self.query_one("#review", Choice).value,
            statistics=self.query_one("#statistics", Choice).value,
            missed=self.query_one("#missed", Choice).value,
            retries=self.query_one("#retries", Input).value,
            columns=self.query_one("#columns", Choice).value,
        )

    # --- adapting the form -------------------------------------------------------------------------------

    def _show_trigger(self, trigger: str) -> None:
        self.query_one("#cron-fields").display = trigger == "cron"
        self.query_one("#change-fields").display = trigger == "change"

    @on(Choice.Changed, "#trigger")
    def _trigger_changed(self, event: Choice.Changed) -> None:
        self._show_trigger(event.value)
        self.field("trigger").set_error(None)
        self.update_previews()

    @on(Choice.Changed, "#missed")
    def _missed_changed(self, event: Choice.Changed) -> None:
        self.field("missed").set_hint(MISSED_HINTS[event.value])

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        key = event.input.id or ""
        if key in ("name", "at", "cron", "cap", "settle", "tz", "retries"):
            self.field(key).set_error(None)
        if key in NUMBER_HINTS:  # cheap: shown as typed
            self.field(key).set_hint(*NUMBER_HINTS[key](event.value))
        if key in ("at", "cron", "tz"):
            if self._preview_timer is not None:
                self._preview_timer.stop()
            self._preview_timer = self.set_timer(PREVIEW_DELAY, self.update_previews)

    def update_previews(self) -> None:
        """Hints computed by the core from what is typed: UTC instant, cadence words, next fire times."""
        values = self.read_values()
        now = self.backend.clock()
        tz = values.tz.strip() or self.detected_zone
        zone, zone_unknown = zone_hint(values.tz, self.detected_zone, now)
        self.field("tz").set_hint(zone, warning=zone_unknown)
        waiting = ("shown once the time zone below is known", False)
        self.field("at").set_hint(*(waiting if zone_unknown else at_hint(values.at, tz, now)))
        self.field("cron").set_hint(*(waiting if zone_unknown else cadence_hint(values.cron, values.at, tz, now)))
        self.field("cap").set_hint(*cap_hint(values.cap))
        self.field("retries").set_hint(*retries_hint(values.retries))

    # --- profiles and databases (workers) -------------------------------------------------------------

    @work(thread=True, exclusive=True, group="dialog-profiles", exit_on_error=False)
    def _load_profiles(self) -> None:
        from amx_core.services.profiles import list_db_profiles, list_llm_profiles

        try:
            store = self.store_getter()
            value = (list_db_profiles(store), list_llm_profiles(store))
        except Exception as exc:  # noqa: BLE001 - shown in the dialog
            deliver(self, self.ProfilesRead(None, str(exc)))
            return
        deliver(self, self.ProfilesRead(value))

    @work(thread=True, exclusive=True, group="dialog-databases", exit_on_error=False)
    def _load_databases(self, profile: str) -> None:
        from amx_core.catalog.listing import list_databases

        try:
            names = list_databases(self.store_getter(), profile)
        except Exception as exc:  # noqa: BLE001 - the Database field says why
            deliver(self, self.DatabasesRead(profile, [], getattr(exc, "message", str(exc))))
            return
        deliver(self, self.DatabasesRead(profile, names))

    def on_schedule_dialog_profiles_read(self, message: ScheduleDialog.ProfilesRead) -> None:
        message.stop()
        if message.profiles is None:
            self.field("db").set_error(f"cannot read profiles: {message.error}")
            return
        self._got_profiles(message.profiles)

    def _got_profiles(self, profiles: ProfileLists) -> None:
        self.profiles = profiles
        dbs, llms = profiles
        self.files = {p.name: file_label(p) for p in dbs if p.single_database}  # single-database profiles
        self.default_databases = {p.name: profile_database(p) for p in dbs}
        self._fill_select("db", [(Text(f"{p.name}  ({p.dialect})"), p.name) for p in dbs], self.values.db)
        self._fill_select("llm", [(Text(f"{p.name}  ({llm_words(p)})"), p.name) for p in llms], self.values.llm)
        if not dbs:
            self.field("db").set_hint("no DB profile yet: add one on the Profiles screen (P)", warning=True)
        if not llms:
            self.field("llm").set_hint("no LLM profile yet: add one on the Profiles screen (P)", warning=True)

    def _fill_select(self, select_id: str, options: list[tuple[Text, str]], wanted: str | None) -> None:
        select = self.query_one(f"#{select_id}", Select)
        select.set_options(options)
        values = [value for _, value in options]
        if wanted in values:
            select.value = wanted
        elif len(values) == 1:
            select.value = values[0]
        else:
            return
        if select.value != getattr(self.values, select_id):
            self._picked[select_id] = select.value  # the dialog's own pick, not an edit (see `dirty`)

    def dirty(self) -> bool:
        """Anything typed, chosen or ticked that differs from what the dialog opened with (and picked itself)."""
        picked, values = self._picked, self.values
        baseline = replace(
            values,
            db=picked.get("db", values.db),
            database=picked.get("database", values.database),
            llm=picked.get("llm", values.llm),
        )
        mine = self.read_values()
        if mine.db is not None and mine.db in self.files:  # a single-database profile sends no database
            baseline = replace(baseline, database=None)
        return bool(mine.changed(baseline))

    @on(Select.Changed, "#db")
    def _db_changed(self, event: Select.Changed) -> None:
        self.field("db").set_error(None)
        profile = event.value if isinstance(event.value, str) else None
        database = self.query_one("#database", Select)
        database.set_options([])
        if profile is None:
            self._retarget()
            return
        self.field("database").set_hint("reading the databases of this profile…")
        self.call_after_refresh(self._load_databases, profile)  # draw first, then read

    def on_schedule_dialog_databases_read(self, message: ScheduleDialog.DatabasesRead) -> None:
        message.stop()
        profile, names, error = message.profile, message.names, message.error
        if profile != self._select_value("db"):
            return
        single = profile in self.files
        if error is not None:
            fallback = self.values.database if profile == self.values.db else None
            names = [fallback] if fallback else []
            self.field("database").set_hint(f"cannot list databases: {error}", warning=True)
        else:
            one = "single database" if single else f"{len(names)} database(s)"
            self.field("database").set_hint(one if len(names) <= 1 else "")
        wanted = self.values.database if profile == self.values.db else None
        wanted = wanted or self.default_databases.get(profile)
        if single and names:
            wanted = names[0]
        label = self.files.get(profile, SQLITE_DATABASE)
        self._fill_select("database", [(Text(n or label), n) for n in names], wanted)
        select = self.query_one("#database", Select)
        select.disabled = len(names) <= 1
        if len(names) == 0:
            self._retarget()

    @on(Select.Changed, "#database")
    def _database_changed(self, _event: Select.Changed) -> None:
        self.field("database").set_error(None)
        self._retarget()

    @on(Select.Changed, "#llm")
    def _llm_changed(self, _event: Select.Changed) -> None:
        self.field("llm").set_error(None)

    def _retarget(self) -> None:
        """Point the ScopeTree at the chosen profile and database (the stored scope only for the stored database)."""
        tree = self.query_one("#scope-tree", ScopeTree)
        profile = self._select_value("db")
        database = self._select_value("database")
        if profile is None or (database is None and profile not in self.files):
            tree.load(None, ())
            return
        keep = profile == self.values.db and (database == self.values.database or profile in self.files)
        scope = self.values.scope if keep else ()
        single = profile in self.files
        label = self.files.get(profile, SQLITE_DATABASE) if single else (database or "")
        tree.load(Target(profile, None if single else database, label), scope)

    @on(ScopeTree.Changed)
    def _scope_changed(self, event: ScopeTree.Changed) -> None:
        event.stop()
        self._scope_summary = event.summary
        self._show_scope_summary(None)
        self._note("#error-scope", None)

    @on(ScopeTree.Counted)
    def _scope_counted(self, event: ScopeTree.Counted) -> None:
        event.stop()
        self._show_scope_summary(event.count)

    def _show_scope_summary(self, count: ScopeCount | None) -> None:
        """`Scope: main.orders +1 · 2 tables, 14 columns picked` (the count once the cached catalog answered)."""
        text = Text.assemble(("Scope: ", "bold"), self._scope_summary)
        if count is not None:
            text.append(f" · {counted(count.tables, 'table')}, {counted(count.columns, 'column')} picked", style="bold")
        self.query_one("#scope-summary", Static).update(text)

    # --- saving ------------------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def save_call(self) -> Callable[[], ScheduleView]:
        """Create, or edit with only what changed (and the version the dialog opened, for a clean conflict)."""
        from amx_core.services.schedules import create_schedule, edit_schedule

        values, now, verify = self.read_values(), self.backend.clock(), self.verify
        if self.view is None:
            return lambda: create_schedule(self.store_getter(), build_input(values), now=now, verify=verify)
        inp, version, schedule_id = build_input(values, self.initial), self.expected_version, self.view.id
        return lambda: edit_schedule(
            self.store_getter(), schedule_id, inp, expected_version=version, now=now, verify=verify
        )

    def action_save_unchecked(self) -> None:
        """Save as ctrl+s does, without the catalog check (the CLI's --no-verify)."""
        self.verify = False
        try:
            self.action_save()
        finally:
            self.verify = True

    def clear_errors(self) -> None:
        super().clear_errors()
        self._note("#form-error", None)
        self._note("#error-scope", None)

    def show_error(self, error: AmxError) -> None:
        """Put the core's message beside its field (or on top when it is about the whole schedule)."""
        field = error.field if isinstance(error, ValidationError) else None
        detail = error.detail if isinstance(error, ValidationError) else error.message
        target = FIELD_OF_ERROR.get(field or "")
        if target == "scope":
            self._note("#error-scope", f"✗ {detail}")
            return
        if target is not None:
            form_field = self.field(target)
            form_field.set_error(detail)
            self._focus_field(target)
            return
        if isinstance(error, ConflictError) and field == "version":
            text = f"Changed underneath: {detail}. Press ctrl+r to load the stored version."
        elif isinstance(error, ValidationError):
            text = f"{field}: {detail}"
        elif isinstance(error, UncheckedError):
            text = f"{error.message} · ctrl+o saves it unchecked"
        else:
            text = error.message
        self._note("#form-error", f"✗ {text}")

    def _note(self, selector: str, text: str | None) -> None:
        """Show (or hide, with None) one of the dialog's message lines."""
        note = self.query_one(selector, Static)
        note.update(Text(text or ""))
        note.set_class(text is None, "hidden")

    def _focus_field(self, key: str) -> None:
        widget = self.field(key).controls[0]
        if widget.display and not widget.disabled:
            widget.focus()

    # --- estimate ------------------------------------------------------------------------------------------

    def action_estimate(self) -> None:
        """The estimate line for the schedule as the form holds it (`amx schedule estimate`), read in a worker."""
        values = self.read_values()
        inp = build_input(values) if self.view is None else build_input(values, self.initial)
        self._note("#estimate", "Estimating… (reading the database; no model is asked)")
        self._estimate(inp, None if self.view is None else self.view.id)

    @work(thread=True, exclusive=True, group="dialog-estimate", exit_on_error=False)
    def _estimate(self, inp, schedule_id: int | None) -> None:
        from amx_core.services.estimate import estimate_draft

        try:
            line = f"Estimate: {estimate_draft(self.store_getter(), inp, schedule_id).line()}"
        except AmxError as exc:
            line = f"Estimate: ✗ {exc.message}"
        except Exception as exc:  # noqa: BLE001 - a database that cannot be read: said on the line
            line = f"Estimate: ✗ {first_line(exc)}"
        deliver(self, self.Estimated(line))

    def on_schedule_dialog_estimated(self, message: ScheduleDialog.Estimated) -> None:
        message.stop()
        self._note("#estimate", message.line)

    # --- reload after a conflict --------------------------------------------------------------------------

    def action_reload(self) -> None:
        if self.view is not None:
            self._reload(self.view.id)

    @work(thread=True, exclusive=True, group="dialog-reload", exit_on_error=False)
    def _reload(self, schedule_id: int) -> None:
        from amx_core.services.schedules import get_schedule

        try:
            view = get_schedule(self.store_getter(), schedule_id)
        except AmxError as exc:
            deliver(self, self.Reloaded(None, exc.message))
            return
        deliver(self, self.Reloaded(view))

    def on_schedule_dialog_reloaded(self, message: ScheduleDialog.Reloaded) -> None:
        message.stop()
        view = message.view
        if view is None:
            self._note("#form-error", f"✗ {message.error}")
            return
        mine = self.read_values()
        typed = mine.changed(self.initial) if self.initial is not None else set()
        stored = FormValues.of_view(view)
        self.view = view
        self.initial = stored
        self.expected_version = view.version
        self.values = replace(stored, **{name: getattr(mine, name) for name in typed})
        self.show_values(self.values, stored.changed(mine) - typed)
        kept = f"kept your changes to {', '.join(sorted(typed))}" if typed else "nothing of yours to keep"
        self._note("#form-error", f"Reloaded version {view.version}; {kept}.")
        self.query_one("#dialog-title", Static).update(Text(edit_title(view)))

    def show_values(self, values: FormValues, names: set[str]) -> None:
        """Put `values` into the widgets of the fields in `names` (profiles and scope re-cascade)."""
        for name in names & {"name", "at", "cron", "cap", "settle", "tz", "retries"}:
            self.query_one(f"#{name}", Input).value = getattr(values, name)
        for name in names & {"trigger", "review", "statistics", "missed", "columns"}:
            self.query_one(f"#{name}", Choice).value = getattr(values, name)
        if "llm" in names and values.llm is not None:
            self.query_one("#llm", Select).value = values.llm
        if names & {"db", "database"} and values.db is not None:
            self.query_one("#db", Select).value = values.db
            self._load_databases(values.db)
        elif "scope" in names:
            self._retarget()
