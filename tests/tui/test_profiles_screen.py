"""Profiles: add, edit and delete DB and LLM profiles through the dialog (core errors beside their fields),
connection tests against a real SQLite file, PostgreSQL and the loopback LLM server; secrets only as references."""

from __future__ import annotations

import pytest
from chinook import copy_sqlite
from llm_server import Reply, openai_reply
from screens_support import PATH, notes
from tui_support import SIZE, make_app, paste_into, press, screen_text, settle

from amx_core.errors import NotFoundError
from amx_core.services.profiles import (
    SecretSource,
    add_db_profile,
    add_llm_profile,
    show_db_profile,
    show_llm_profile,
)
from amx_tui.screens.confirm import ConfirmDialog
from amx_tui.screens.profile_dialog import ProfileDialog
from amx_tui.screens.profiles import ProfilesScreen
from amx_tui.widgets.choice import Choice

pytestmark = pytest.mark.asyncio

SECRET = "s3cr3t-Value-never-shown"


async def open_profiles(pilot) -> ProfilesScreen:
    await settle(pilot)
    await press(pilot, "P")
    screen = pilot.app.screen
    assert isinstance(screen, ProfilesScreen)
    return screen


async def choose(pilot, selector: str, value: str) -> None:
    pilot.app.screen.query_one(selector, Choice).value = value
    await pilot.pause()


def field_error(dialog: ProfileDialog, key: str) -> str | None:
    return dialog.field(key).error


async def test_add_edit_and_delete_a_db_profile_with_errors_beside_their_fields(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_profiles(pilot)
        await press(pilot, "n")
        dialog = app.screen
        assert isinstance(dialog, ProfileDialog) and dialog.kind == "db"
        await paste_into(pilot, "#p-name", "warehouse")
        await paste_into(pilot, "#p-url", "postgresql+psycopg://amx:hunter2@db.example/sales")
        await press(pilot, "ctrl+s")
        assert app.screen is dialog
        assert "must not contain a password" in field_error(dialog, "url")

        await paste_into(pilot, "#p-url", "postgresql+psycopg://amx@db.example/sales")
        assert field_error(dialog, "url") is None, "editing a field clears its error"
        await choose(pilot, "#p-password-source", "env")
        await press(pilot, "ctrl+s")
        assert "is not a valid secret name" in field_error(dialog, "password")
        await paste_into(pilot, "#p-password-name", "PGPASSWORD")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        saved = show_db_profile(demo, "warehouse")
        assert (saved.url, saved.password_ref, saved.sample_mode) == (
            "postgresql+psycopg://amx@db.example/sales",
            "env:PGPASSWORD",
            "masked",
        )
        assert screen.table("db").cursor_key == "warehouse"
        assert "env:PGPASSWORD" in screen.table("db").row_text("warehouse")
        assert "env:PGPASSWORD ••••" in screen_text(app)  # the detail pane masks it
        assert "hunter2" not in screen_text(app)

        await press(pilot, "e")  # edit: only what changed is sent; the name is the identity
        dialog = app.screen
        assert dialog.query_one("#p-name").disabled
        await paste_into(pilot, "#p-database", "sales_eu")
        await choose(pilot, "#p-sample", "raw")
        await press(pilot, "ctrl+s")
        edited = show_db_profile(demo, "warehouse")
        assert (edited.default_database, edited.sample_mode, edited.password_ref) == (
            "sales_eu",
            "raw",
            "env:PGPASSWORD",
        )

        await press(pilot, "d")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "y")
        with pytest.raises(NotFoundError):
            show_db_profile(demo, "warehouse")
        assert "warehouse" not in screen.table("db").keys

        assert screen.table("db").move_to_key("demo-shop")
        await press(pilot, "d", "y")  # used by the demo schedules: the core refuses, the profile stays
        assert "is used by schedule(s)" in notes(app)
        assert show_db_profile(demo, "demo-shop").name == "demo-shop"


async def test_add_an_llm_profile_and_refuse_bad_numbers(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_profiles(pilot)
        screen.table("llm").focus()
        await press(pilot, "n")
        dialog = app.screen
        assert dialog.kind == "llm"
        await paste_into(pilot, "#p-name", "local-llama")
        await choose(pilot, "#p-provider", "openai")
        await paste_into(pilot, "#p-base_url", "http://127.0.0.1:11434/v1")
        await paste_into(pilot, "#p-model", "llama3.1")
        await paste_into(pilot, "#p-temperature", "hot")
        await press(pilot, "ctrl+s")
        assert "'hot' is not a number" in field_error(dialog, "temperature")
        await paste_into(pilot, "#p-temperature", "0.1")
        await paste_into(pilot, "#p-concurrency", "0")
        await press(pilot, "ctrl+s")
        assert "must be greater than 0" in field_error(dialog, "concurrency")
        await paste_into(pilot, "#p-concurrency", "2")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        view = show_llm_profile(demo, "local-llama")
        assert (view.provider, view.model, view.base_url, view.temperature, view.max_concurrency, view.key_ref) == (
            "openai",
            "llama3.1",
            "http://127.0.0.1:11434/v1",
            0.1,
            2,
            None,
        )
        assert screen.table("llm").cursor_key == "local-llama"


async def test_db_connection_test_lists_the_databases_of_a_sqlite_file(store, tmp_path):
    add_db_profile(store, name="chinook", url=copy_sqlite(tmp_path))
    add_db_profile(store, name="gone", url=f"sqlite:///{tmp_path / 'missing.db'}")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_profiles(pilot)
        screen.table("db").move_to_key("chinook")
        await press(pilot, "t")
        check = screen.checks[("db", "chinook")]
        assert check.ok and check.details == ("database: main (the SQLite file)",)
        assert "✓ connected to" in screen_text(app)
        screen.table("db").move_to_key("gone")
        await press(pilot, "t")
        check = screen.checks[("db", "gone")]
        assert not check.ok and check.message.startswith("cannot open sqlite:///") and "no such file" in check.message
        assert "✗ cannot open" in screen_text(app)
        assert not (tmp_path / "missing.db").exists(), "a test never creates the file"


@pytest.mark.postgres
async def test_db_connection_test_on_postgresql_masks_the_password(store, pg_url, monkeypatch):
    from sqlalchemy.engine import make_url

    monkeypatch.setenv("AMX_TEST_PGPW", SECRET)
    good = make_url(pg_url)
    add_db_profile(store, name="pg", url=pg_url, password=SecretSource(env="AMX_TEST_PGPW"))
    add_db_profile(
        store,
        name="pg-down",
        url=good.set(port=1).render_as_string(hide_password=False),
        password=SecretSource(env="AMX_TEST_PGPW"),
    )
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_profiles(pilot)
        screen.table("db").move_to_key("pg")
        await press(pilot, "t")
        check = screen.checks[("db", "pg")]
        assert check.ok and f"database: {good.database}" in check.details
        screen.table("db").move_to_key("pg-down")
        await press(pilot, "t")
        check = screen.checks[("db", "pg-down")]
        assert not check.ok and ":***@127.0.0.1:1/" in check.message
        assert "password: env:AMX_TEST_PGPW (value hidden)" in check.details
        text = screen_text(app) + notes(app)
        assert "✗ cannot connect to" in text and SECRET not in text and SECRET not in check.message


async def test_llm_connection_test_sends_one_tiny_request(store, llm_server, monkeypatch):
    monkeypatch.setenv("AMX_TEST_LLM_KEY", SECRET)
    add_llm_profile(
        store,
        name="gpt",
        provider="openai",
        model="test-model",
        base_url=llm_server.url,
        api_key=SecretSource(env="AMX_TEST_LLM_KEY"),
    )
    add_llm_profile(store, name="offline", provider="heuristic")
    llm_server.script(PATH, Reply(openai_reply("pong")), Reply({"error": {"message": f"bad key {SECRET}"}}, status=401))
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_profiles(pilot)
        screen.table("llm").focus()
        screen.table("llm").move_to_key("gpt")
        await press(pilot, "t")
        [request] = llm_server.requests
        assert request.headers["authorization"] == f"Bearer {SECRET}"
        assert "pong" in request.body["messages"][0]["content"]
        check = screen.checks[("llm", "gpt")]
        assert check.ok and "answered: 'pong'" in check.message
        text = screen_text(app)
        assert "answered: 'pong'" in text and "env:AMX_TEST_LLM_KEY ••••" in text and SECRET not in text

        await press(pilot, "t")  # the server now refuses the key, quoting it: the message hides it
        check = screen.checks[("llm", "gpt")]
        assert not check.ok and len(llm_server.requests) == 2, "one request, no retries"
        assert SECRET not in check.message and SECRET not in screen_text(app) + notes(app)

        screen.table("llm").move_to_key("offline")
        await press(pilot, "t")
        assert screen.checks[("llm", "offline")].ok and len(llm_server.requests) == 2


async def test_palette_and_help_reach_the_screens(demo):
    from amx_tui.screens.help import HelpScreen
    from amx_tui.screens.main import MainScreen

    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await press(pilot, *"profiles")
        await press(pilot, "enter")
        assert isinstance(app.screen, ProfilesScreen)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Profiles: keys and concepts" in text and "amx profile db|llm test NAME" in text
        assert "amx profile db|llm rm NAME" in text  # a `|` inside a table cell stays text
        await press(pilot, "escape")
        await press(pilot, "v")  # from one screen straight to another: the list stays underneath
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["MainScreen", "ReviewScreen"]
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)
