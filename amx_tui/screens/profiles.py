"""Profiles: the DB and LLM profiles, add / edit / delete through the core, and a connection test for each.

The list with the focus decides what `n`, `e`, `t` and `d` act on. Tests run in thread workers
(`amx_core.services.profile_checks`); their outcome stays beside the profile until it is tested again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from amx_core.services.profile_checks import CheckResult, check_db_profile, check_llm_profile
from amx_core.services.profiles import list_db_profiles, list_llm_profiles, remove_db_profile, remove_llm_profile
from amx_core.store import Store
from amx_core.views import DbProfileView, LlmProfileView
from amx_tui.screens.confirm import ConfirmDialog
from amx_tui.screens.profile_dialog import KIND_WORDS, ProfileDialog
from amx_tui.screens.verb_screen import VerbScreen
from amx_tui.verbs import PROFILE_VERBS
from amx_tui.widgets.keyed_table import KeyedTable
from amx_tui.widgets.profile_tables import DbProfileTable, LlmProfileTable, ProfileLists, ProfileView, secret_ref_text
from amx_tui.widgets.quiet_footer import QuietFooter
from amx_tui.workers import deliver, first_line

TESTING = "testing"

GUIDE = """
## Profiles
A **DB profile** is a SQLAlchemy URL (SQLite, PostgreSQL, MariaDB/MySQL, …) without its password, and where
the password is found: an environment variable, a key in `$AMX_HOME/secrets.env` (mode 0600; what the
daemon uses), or the OS keyring. An **LLM profile** names a provider (`heuristic` offline, `openai` for any
OpenAI-compatible server, `anthropic`), model, base URL and where its API key is found.
Only the reference (`env:PGPASSWORD`) is stored and shown; the secret's value never is.
**Test connection** (`t`): a DB profile connects and lists its databases; an LLM profile sends one tiny request.
`tab` moves between the two lists; `n`, `e`, `t` and `d` act on the list with the focus.
"""


# (kind, verb) -> the core call on one profile: a delete (None) or a connection test (CheckResult)
CALLS: dict[tuple[str, str], Callable[[Store, str], CheckResult | None]] = {
    ("db", "remove"): remove_db_profile,
    ("llm", "remove"): remove_llm_profile,
    ("db", "test"): check_db_profile,
    ("llm", "test"): check_llm_profile,
}


def _fact(text: Text, label: str, value: str) -> None:
    text.append(f"\n{label:<13}", "bold")
    text.append(value)


def db_facts(view: DbProfileView) -> Text:
    text = Text(f"{view.name}", style="bold")
    text.append(f"  DB profile · {view.dialect}")
    _fact(text, "URL", view.url)
    _fact(
        text,
        "Password",
        f"{secret_ref_text(view.password_ref, masked=True)} (reference; the value is never shown)"
        if view.password_ref
        else "none",
    )
    _fact(text, "Database", view.default_database or "the one in the URL")
    _fact(text, "Samples", view.sample_mode)
    return text


def llm_facts(view: LlmProfileView) -> Text:
    text = Text(f"{view.name}", style="bold")
    text.append(f"  LLM profile · {view.provider}")
    _fact(text, "Model", view.model or "the provider's default")
    _fact(text, "Base URL", view.base_url or "the provider's default")
    key = (
        "not needed (offline)"
        if view.provider == "heuristic"
        else (
            f"{secret_ref_text(view.key_ref, masked=True)} (reference; the value is never shown)"
            if view.key_ref
            else "none"
        )
    )
    _fact(text, "API key", key)
    _fact(text, "Temperature", f"{view.temperature:g}")
    _fact(text, "Concurrency", f"{view.max_concurrency} requests at once, {view.timeout_seconds:g} s timeout")
    _fact(text, "Per request", f"{view.columns_per_request} columns")
    return text


def profile_facts(view: ProfileView) -> Text:
    return db_facts(view) if isinstance(view, DbProfileView) else llm_facts(view)


def check_text(result: CheckResult | str | None) -> Text:
    """A connection test's outcome: not run, running, or its message and details."""
    text = Text("\n\nTest connection (t): ", style="bold")
    if result is None:
        text.append("not run yet", "dim")
    elif isinstance(result, str):  # TESTING
        text.append("testing…", "italic")
    else:
        text.append(f"{'✓' if result.ok else '✗'} ", "bold green" if result.ok else "bold red")
        text.append(result.message, "" if result.ok else "red")
        for detail in result.details:
            text.append(f"\n  {detail}", "dim")
    return text


class ProfilesScreen(VerbScreen):
    """Both profile lists, the highlighted profile in full, and its last connection test."""

    VERBS = PROFILE_VERBS
    GUIDE = GUIDE
    HELP_TITLE = "Profiles"

    class Loaded(Message):
        def __init__(self, profiles: ProfileLists | None, error: str | None) -> None:
            super().__init__()
            self.profiles = profiles
            self.error = error

    class Done(Message):
        """A delete or a connection test finished (`result` is the CheckResult of a test)."""

        def __init__(self, verb: str, kind: str, name: str, result: CheckResult | None, error: str | None) -> None:
            super().__init__()
            self.verb = verb
            self.kind = kind
            self.name = name
            self.result = result
            self.error = error

    def __init__(self) -> None:
        super().__init__(id="profiles-screen")
        self.views: dict[str, dict[str, ProfileView]] = {"db": {}, "llm": {}}
        self.checks: dict[tuple[str, str], CheckResult | str] = {}  # a test's outcome, or TESTING while it runs
        self.kind = "db"
        self.loads = 0
        self._select: tuple[str, str] | None = None

    # --- layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Text("Profiles · loading…"), id="profiles-title", classes="screen-title")
        with Horizontal(id="profiles-body"):
            with Vertical(id="profile-lists"):
                yield Static("Database profiles", classes="pane-title", markup=False)
                yield DbProfileTable(id="db-profiles", classes="profile-table")
                yield Static("LLM profiles", classes="pane-title", markup=False)
                yield LlmProfileTable(id="llm-profiles", classes="profile-table")
            with VerticalScroll(id="profile-detail"):
                yield Static("", id="profile-facts")
        yield QuietFooter()

    def table(self, kind: str) -> KeyedTable[DbProfileView] | KeyedTable[LlmProfileView]:
        return self.query_one(DbProfileTable) if kind == "db" else self.query_one(LlmProfileTable)

    def on_mount(self) -> None:
        self.table("db").focus()
        self.request_load()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        kind = {"db-profiles": "db", "llm-profiles": "llm"}.get(event.widget.id or "")
        if kind is not None and kind != self.kind:
            self.kind = kind
            self.show_detail()

    # --- loading ----------------------------------------------------------------------------------

    def request_load(self, select: tuple[str, str] | None = None) -> None:
        if select is not None:
            self._select = select
        self._load()

    @work(thread=True, exclusive=True, group="profiles-load", exit_on_error=False)
    def _load(self) -> None:
        try:
            store = self.store()
            profiles = (list_db_profiles(store), list_llm_profiles(store))
        except Exception as exc:  # noqa: BLE001 - the lists keep their last state
            deliver(self, self.Loaded(None, first_line(exc)))
            return
        deliver(self, self.Loaded(profiles, None))

    def on_profiles_screen_loaded(self, message: ProfilesScreen.Loaded) -> None:
        message.stop()
        if message.profiles is None:
            self.notify(message.error or "", title="Profiles", severity="error", markup=False)
            return
        self.loads += 1
        db_views, llm_views = message.profiles
        self.views = {"db": {v.name: v for v in db_views}, "llm": {v.name: v for v in llm_views}}
        self.query_one(DbProfileTable).set_rows([(v.name, v) for v in db_views])
        self.query_one(LlmProfileTable).set_rows([(v.name, v) for v in llm_views])
        if self._select is not None:
            kind, name = self._select
            self._select = None
            self.table(kind).move_to_key(name)
            self.table(kind).focus()
            self.kind = kind
        dbs, llms = (len(self.views[k]) for k in ("db", "llm"))
        self.query_one("#profiles-title", Static).update(
            Text(
                f"Profiles · {dbs} DB, {llms} LLM · secrets are shown as references "
                "(env:NAME, key:NAME, keyring:NAME), never their values"
            )
        )
        self.show_detail()

    # --- the highlighted profile ------------------------------------------------------------------

    def current(self, kind: str | None = None) -> ProfileView | None:
        kind = kind or self.kind
        key = self.table(kind).cursor_key
        return self.views[kind].get(key) if key is not None else None

    def on_keyed_table_row_highlighted(self, message: KeyedTable.RowHighlighted) -> None:
        message.stop()
        self.show_detail()

    def show_detail(self) -> None:
        facts = self.query_one("#profile-facts", Static)
        view = self.current()
        if view is None:
            facts.update(Text(f"No {KIND_WORDS[self.kind]} here yet. Press n to add one.", style="dim"))
            return
        text = profile_facts(view)
        text.append_text(check_text(self.checks.get((self.kind, view.name))))
        facts.update(text)

    def _need_current(self) -> ProfileView | None:
        view = self.current()
        if view is None:
            self.notify(f"No {KIND_WORDS[self.kind]} is highlighted.", severity="warning")
        return view

    # --- add, edit, delete ------------------------------------------------------------------------

    def action_new_profile(self, kind: str | None = None) -> None:
        kind = kind or self.kind
        self.app.push_screen(ProfileDialog(kind, None, self.store), partial(self._saved, kind, True))

    def action_edit_profile(self) -> None:
        view = self._need_current()
        if view is not None:
            self.app.push_screen(ProfileDialog(self.kind, view, self.store), partial(self._saved, self.kind, False))

    def _saved(self, kind: str, added: bool, view: ProfileView | None) -> None:
        if view is None:
            return
        self.checks.pop((kind, view.name), None)
        self.notify(
            f"{'Added' if added else 'Saved'} {KIND_WORDS[kind]} “{view.name}”. Press t to test the connection.",
            markup=False,
        )
        self.request_load(select=(kind, view.name))

    def action_delete_profile(self) -> None:
        view = self._need_current()
        if view is None:
            return
        kind = self.kind
        question = ConfirmDialog(
            f"Delete {KIND_WORDS[kind]}?",
            f"“{view.name}” will be removed. A profile that a schedule uses is kept (the core refuses).",
            "Delete",
            danger=True,
        )
        self.app.push_screen(question, lambda yes: self._run("remove", kind, view.name) if yes else None)

    def action_test_profile(self) -> None:
        view = self._need_current()
        if view is not None:
            self.checks[(self.kind, view.name)] = TESTING
            self.show_detail()
            self._run("test", self.kind, view.name)

    def _run(self, verb: str, kind: str, name: str) -> None:
        self.run_worker(
            partial(self._call, verb, kind, name),
            thread=True,
            group=f"profile-{verb}-{kind}-{name}",
            exclusive=True,
            exit_on_error=False,
        )

    def _call(self, verb: str, kind: str, name: str) -> None:
        call = CALLS[(kind, verb)]
        try:
            result = call(self.store(), name)
        except Exception as exc:  # noqa: BLE001 - the core's refusal (used by a schedule) is shown
            deliver(self, self.Done(verb, kind, name, None, first_line(exc)))
            return
        deliver(self, self.Done(verb, kind, name, result, None))

    def on_profiles_screen_done(self, message: ProfilesScreen.Done) -> None:
        message.stop()
        words = f"{KIND_WORDS[message.kind]} “{message.name}”"
        if message.error is not None:
            self.checks.pop((message.kind, message.name), None)
            self.notify(message.error, title=f"{words}", severity="error", markup=False, timeout=10)
        elif message.verb == "remove":
            self.checks.pop((message.kind, message.name), None)
            self.notify(f"Deleted {words}.", markup=False)
            self.request_load()
        elif message.result is not None:
            result = message.result
            self.checks[(message.kind, message.name)] = result
            self.notify(
                f"{'✓' if result.ok else '✗'} {result.message}",
                title=words,
                severity="information" if result.ok else "error",
                markup=False,
                timeout=8,
            )
        self.show_detail()

    # --- other --------------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.request_load()
