"""The review queue against a real SQLite target (Chinook) and suggestions from the loopback LLM server:
accept, edit, reject and apply end where the same `amx review ...` commands end; stale is reported, not written."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from analyze_support import NOW as ANALYZE_NOW
from chinook import copy_sqlite
from click.testing import CliRunner
from screens_support import (
    analyzed_run,
    local_comments,
    notes,
    review_outcome,
    write_underneath,
)
from sqlalchemy.engine import make_url
from tui_support import KEY_NAMES, SIZE, make_app, press, screen_text, settle

from amx_cli.main import build_cli
from amx_core.analyze.apply import STALE_MESSAGE
from amx_core.services import review
from amx_core.store import open_store
from amx_tui.screens.apply_results import ApplyResultsDialog
from amx_tui.screens.confirm import ConfirmDialog
from amx_tui.screens.review import ReviewScreen
from amx_tui.screens.suggestion_edit import EditSuggestionDialog

pytestmark = pytest.mark.asyncio

EDITED = "Genre name\nfor example Rock"


@dataclass
class Workspace:
    home: Path
    store: object
    target: Path
    run_id: int


def _workspace(tmp_path, monkeypatch, llm_server, label: str) -> Workspace:
    home = tmp_path / f"home-{label}"
    monkeypatch.setenv("AMX_HOME", str(home))
    store = open_store()
    folder = tmp_path / f"target-{label}"
    folder.mkdir()
    url = copy_sqlite(folder)
    run_id = analyzed_run(store, url, llm_server)
    return Workspace(home, store, Path(make_url(url).database), run_id)


@pytest.fixture
def twins(amx_home, tmp_path, monkeypatch, llm_server):
    """Two identical workspaces (own AMX_HOME, own Chinook copy, the same analyze run); AMX_HOME ends on the CLI's."""
    return _workspace(tmp_path, monkeypatch, llm_server, "tui"), _workspace(tmp_path, monkeypatch, llm_server, "cli")


@pytest.fixture
def queue(amx_home, tmp_path, monkeypatch, llm_server):
    return _workspace(tmp_path, monkeypatch, llm_server, "one")


def review_app(store):
    """The app on the clock of the analyze run (its schedule is not yet due then)."""
    return make_app(store, clock=lambda: ANALYZE_NOW)


def _ids(store) -> dict[str, int]:
    return {v.target: v.id for v in review.list_suggestions(store)}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def open_queue(pilot) -> ReviewScreen:
    await settle(pilot)
    await press(pilot, "v")
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def highlight(pilot, screen: ReviewScreen, suggestion_id: int) -> None:
    assert screen.table.move_to_key(str(suggestion_id))
    await pilot.pause()


async def test_accept_edit_reject_apply_end_where_the_cli_ends(twins):
    tui, cli = twins
    ids = _ids(tui.store)
    assert ids == _ids(cli.store) and len(ids) == 6
    before = _sha(tui.target)
    app = review_app(tui.store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        assert len(screen.table.keys) == 6 and "6 suggestions" in screen_text(app)

        await highlight(pilot, screen, ids["main.Genre"])
        await press(pilot, "a")
        await highlight(pilot, screen, ids["main.MediaType"])
        await press(pilot, "space")  # mark two, then accept both at once
        await highlight(pilot, screen, ids["main.MediaType.Name"])
        await press(pilot, "space")
        assert screen.marked == {ids["main.MediaType"], ids["main.MediaType.Name"]}
        await press(pilot, "a")
        assert not screen.marked

        await highlight(pilot, screen, ids["main.Genre.Name"])
        await press(pilot, "e")
        dialog = app.screen
        assert isinstance(dialog, EditSuggestionDialog)
        assert "Another wording for Name." in screen_text(app)  # the alternatives are offered
        editor = dialog.editor
        editor.load_text("")
        first, second = EDITED.split("\n")
        await pilot.press(*[KEY_NAMES.get(c, c) for c in first], "enter", *[KEY_NAMES.get(c, c) for c in second])
        assert editor.text == EDITED
        await press(pilot, "ctrl+s")
        assert app.screen is screen

        await highlight(pilot, screen, ids["main.Genre.GenreId"])
        await press(pilot, "r")
        states = {v.target: v.state for v in screen.views.values()}
        assert states == {
            "main.Genre": "accepted",
            "main.Genre.GenreId": "rejected",
            "main.Genre.Name": "edited",
            "main.MediaType": "accepted",
            "main.MediaType.MediaTypeId": "pending",
            "main.MediaType.Name": "accepted",
        }

        await press(pilot, "w")
        assert isinstance(app.screen, ConfirmDialog)
        assert "Write 4 accepted or edited suggestions of all runs" in screen_text(app)
        await press(pilot, "y")
        assert isinstance(app.screen, ApplyResultsDialog)
        text = screen_text(app)
        assert "Apply: 4 applied" in text and "main.Genre.Name" in text
        assert [(r.state, r.ok) for r in screen.last_results] == [("applied", True)] * 4
        await press(pilot, "escape")
        assert app.screen is screen
        assert "✔ applied" in screen.table.row_text(str(ids["main.Genre.Name"]))

    runner, command = CliRunner(), build_cli()
    for args in (
        ["review", "accept", str(ids["main.Genre"])],
        ["review", "accept", str(ids["main.MediaType"]), str(ids["main.MediaType.Name"])],
        ["review", "edit", str(ids["main.Genre.Name"]), "--text", EDITED],
        ["review", "reject", str(ids["main.Genre.GenreId"])],
        ["review", "apply"],
    ):
        result = runner.invoke(command, args)
        assert result.exit_code == 0, (args, result.output)

    assert review_outcome(tui.store) == review_outcome(cli.store)
    assert local_comments(tui.store)["main.Genre.Name"] == EDITED
    assert _sha(tui.target) == before, "SQLite holds no comments: descriptions go to the local catalog"


async def test_a_stale_suggestion_is_reported_and_not_written(queue):
    ids = _ids(queue.store)
    target = "main.MediaType.Name"
    app = review_app(queue.store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        await highlight(pilot, screen, ids[target])
        await press(pilot, "a")
        write_underneath(queue.store, target, "Written by a person meanwhile.")
        await press(pilot, "w")
        await press(pilot, "y")
        assert isinstance(app.screen, ApplyResultsDialog)
        [result] = screen.last_results
        assert (result.id, result.state, result.ok, result.error) == (ids[target], "stale", False, STALE_MESSAGE)
        text = screen_text(app)
        assert "Apply: 1 stale" in text and "⚠ stale" in text and "changed since this suggestion" in text
        await press(pilot, "escape")
        await settle(pilot)
        assert screen.views[ids[target]].state == "stale"
        assert "Written by a person meanwhile." in screen_text(app)  # the current side shows the new text
    assert local_comments(queue.store) == {target: "Written by a person meanwhile."}
    assert review.get_suggestion(queue.store, ids[target]).current == "Written by a person meanwhile."


async def test_filters_by_state_and_band_and_accept_all_high(queue):
    store = queue.store
    app = review_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        bands = {v.id: v.band for v in screen.views.values()}
        high = sorted(i for i, b in bands.items() if b == "high")
        assert set(bands.values()) == {"high", "medium", "low"} and len(high) == 2

        await press(pilot, "8")  # band: high
        assert sorted(int(k) for k in screen.table.keys) == high
        assert "showing 2 of 6" in screen_text(app)
        await press(pilot, "A")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "y")
        assert {v.id for v in review.list_suggestions(store, states="accepted")} == set(high)

        await press(pilot, "8", "1")  # band filter off, state: pending
        pending = [int(k) for k in screen.table.keys]
        assert len(pending) == 4 and all(bands[i] != "high" for i in pending)
        await press(pilot, "1", "2")  # pending off, accepted on
        assert sorted(int(k) for k in screen.table.keys) == high
        await press(pilot, "9")  # ...and medium: nothing matches both
        assert screen.table.keys == () and "No suggestion matches the filter." in screen_text(app)
        x = screen.bands.render().plain.index(" 9 Medium")
        await pilot.click("#review-bands", offset=(x + 2, 0))  # the mouse toggles a chip too
        await settle(pilot)
        assert screen.bands.active == frozenset() and sorted(int(k) for k in screen.table.keys) == high


async def test_the_core_refusals_show_where_they_belong(queue):
    store = queue.store
    ids = _ids(store)
    app = review_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        await highlight(pilot, screen, ids["main.Genre"])
        await press(pilot, "e")
        dialog = app.screen
        dialog.editor.load_text("   ")
        await press(pilot, "ctrl+s")
        assert app.screen is dialog, "the dialog stays open"
        assert "✗ must not be empty" in screen_text(app)
        await press(pilot, "escape", "y")  # the text was changed: discard it
        assert app.screen is screen
        assert review.get_suggestion(store, ids["main.Genre"]).state == "pending"

        await press(pilot, "w")  # nothing accepted yet
        assert not isinstance(app.screen, ConfirmDialog)
        assert "Nothing to apply" in notes(app)

        review.accept_suggestions(store, [ids["main.Genre"]])
        review.apply_suggestions(store, ids=[ids["main.Genre"]])
        await press(pilot, "f5")
        await press(pilot, "r")  # an applied suggestion cannot be rejected: the core says so
        assert f"Not rejected: suggestion {ids['main.Genre']} is applied" in notes(app)
        assert review.get_suggestion(store, ids["main.Genre"]).state == "applied"


async def test_user_and_model_text_is_never_markup(queue):
    store = queue.store
    ids = _ids(store)
    review.edit_suggestion(store, ids["main.Genre"], "[bold red]Genres[/] of [link=x]tracks[/link]")
    app = review_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        await highlight(pilot, screen, ids["main.Genre"])
        text = screen_text(app)
        assert text.count("[bold red]Genres[/] of [link=x]tracks[/link]") >= 2  # in the row and side by side


async def test_the_quality_checks_findings_show_beside_the_proposal(queue):
    """A proposal the quality check flagged says which check failed and what that means."""
    from amx_core.analyze.policy import Verdict
    from amx_core.analyze.suggestions import Proposed, RunKey, save_suggestions
    from amx_core.llm.flags import FLAG_MEANINGS
    from amx_core.llm.types import Proposal
    from amx_core.scope.targets import Target
    from amx_core.services.profiles import show_db_profile

    store = queue.store
    key = RunKey(queue.run_id, None, show_db_profile(store, "db").id, "")
    proposal = Proposal("Identifier of the genre, from 1 to 25.", 0.9, flags=("volatile_facts", "too_short"))
    proposed = Proposed(Target("main", "Genre", "GenreId"), None, proposal, Verdict(False, "flagged: volatile_facts"))
    (flagged,) = save_suggestions(store, key, [proposed], ANALYZE_NOW)
    app = review_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        await highlight(pilot, screen, flagged)
        text = " ".join(screen_text(app).split())  # the pane wraps long lines
        for flag in ("volatile_facts", "too_short"):
            first_words = " ".join(FLAG_MEANINGS[flag].split()[:3])
            assert f"Quality: {flag}: {first_words}" in text
        await highlight(pilot, screen, _ids(store)["main.Genre.Name"])
        assert "Quality:" not in screen_text(app)


async def test_the_palette_offers_the_review_verbs(queue):
    ids = _ids(queue.store)
    app = review_app(queue.store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        await highlight(pilot, screen, ids["main.Genre"])
        await pilot.press("ctrl+p")
        await pilot.pause()
        await press(pilot, *"reject", "space", *"suggestion")
        await press(pilot, "enter")
        assert review.get_suggestion(queue.store, ids["main.Genre"]).state == "rejected"
        await press(pilot, "escape")
        assert type(app.screen).__name__ == "MainScreen"


@pytest.fixture
def pg_not_owner(pg_url):
    """The test database with a small table owned by postgres, and a URL for a role that may read but not comment."""
    import uuid

    import sqlalchemy as sa

    role = f"amx_reader_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    database = make_url(pg_url).database
    with admin.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE genre (genre_id integer PRIMARY KEY, name text NOT NULL)")
        conn.exec_driver_sql("INSERT INTO genre VALUES (1, 'Rock'), (2, 'Jazz'), (3, 'Blues')")
        conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
        conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"')
        conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA public TO "{role}"')
        conn.exec_driver_sql(f'GRANT SELECT ON genre TO "{role}"')
    try:
        yield make_url(pg_url).set(username=role).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
        admin.dispose()


@pytest.mark.postgres
async def test_apply_failed_shows_the_databases_own_message(store, pg_url, pg_not_owner, llm_server):
    import sqlalchemy as sa

    run_id = analyzed_run(store, pg_not_owner, llm_server, scope=("public.genre",))
    ids = _ids(store)
    app = review_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        await highlight(pilot, screen, ids["public.genre.name"])
        await press(pilot, "a")
        await press(pilot, "w")
        await press(pilot, "y")
        [result] = screen.last_results
        assert (result.state, result.ok) == ("apply_failed", False)
        assert "must be owner of relation genre" in result.error
        assert "must be owner of relation genre" in screen_text(app)
        await press(pilot, "escape")
        await settle(pilot)
        assert screen.views[ids["public.genre.name"]].state == "apply_failed"
    assert review.list_suggestions(store, run_id=run_id, states="applied") == []
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT col_description('genre'::regclass, 2)").scalar() is None
    engine.dispose()


async def test_a_big_queue_draws_its_first_page_then_the_rest(queue, monkeypatch):
    import amx_tui.screens.review as review_screen

    reads = []
    real = review.list_suggestions

    def recorded(store, **kwargs):
        reads.append(kwargs.get("limit"))
        return real(store, **kwargs)

    monkeypatch.setattr(review_screen, "FIRST_PAGE", 2)
    monkeypatch.setattr(review_screen.core, "list_suggestions", recorded)
    app = review_app(queue.store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        assert reads == [2, None]  # the first page went ahead, then the whole queue
        assert screen.loads == 1 and len(screen.table.keys) == 6 and "6 suggestions" in screen_text(app)
        await press(pilot, "f5")
        assert reads == [2, None, None], "a reload reads the whole queue at once"


async def test_decide_moves_on_to_the_next_and_after_apply_the_pane_shows_what_the_database_holds(queue):
    app = review_app(queue.store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_queue(pilot)
        table = screen.table
        assert table.size.height >= (table.size.height + screen.query_one("#review-detail").size.height) / 2, (
            "the list gets at least half of what the list and the detail share"
        )
        keys = list(table.keys)
        await press(pilot, "a")
        assert screen.views[int(keys[0])].state == "accepted"
        assert table.cursor_key == keys[1], "accept moved on to the next suggestion"
        await press(pilot, "r")
        assert screen.views[int(keys[1])].state == "rejected" and table.cursor_key == keys[2]

        accepted = screen.views[int(keys[0])]
        await press(pilot, "w", "y", "escape")
        await highlight(pilot, screen, accepted.id)
        assert screen.views[accepted.id].state == "applied"
        pane = str(screen.query_one("#current-text").render())
        assert "Current (what the database holds: written by apply)" in pane
        assert accepted.proposed.splitlines()[0] in pane and "(no description)" in pane.split("Before:")[1]
