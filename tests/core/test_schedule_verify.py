"""schedule add|edit check --database and --scope against the catalog: refused with the field and the nearest names,
nothing written; --no-verify saves offline; a server-wide profile needs a database."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from amx_core.catalog.refresh import refresh_catalog
from amx_core.catalog.verify import nearest
from amx_core.errors import ActionError, UncheckedError, ValidationError
from amx_core.services.profiles import add_db_profile, add_llm_profile
from amx_core.services.schedules import ScheduleInput, create_schedule, edit_schedule, list_schedules

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _input(profile: str, *scope: str, database: str | None = None, name: str = "s") -> ScheduleInput:
    return ScheduleInput(
        name=name,
        at="2026-03-02 11:00",
        tz="UTC",
        db_profile=profile,
        llm_profile="llm",
        database=database,
        scope=scope,
    )


def _store_rows(store) -> dict[str, list[tuple]]:
    """Every row of every table of the store (what a refused save must leave as it was)."""
    meta = sa.MetaData()
    with warnings.catch_warnings():  # the tables are what counts here, not an index on an expression (SQLite)
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        meta.reflect(store.engine)
    with store.engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(sa.select(t))), key=repr) for t in meta.sorted_tables}


def _refused(store, inp: ScheduleInput, field: str) -> str:
    before = _store_rows(store)
    with pytest.raises(ValidationError) as err:
        create_schedule(store, inp, now=NOW)
    assert err.value.field == field
    assert _store_rows(store) == before
    return err.value.detail


@pytest.fixture
def chinook(store, chinook_sqlite):  # noqa: F811
    add_db_profile(store, name="chinook", url=chinook_sqlite)
    add_llm_profile(store, name="llm", provider="heuristic")
    return store


@pytest.mark.parametrize("warm", [False, True], ids=["cold cache", "warm cache"])
def test_scope_paths_that_do_not_exist_are_refused_with_the_nearest_names(chinook, warm):
    if warm:
        refresh_catalog(chinook, "chinook")
    cases = {
        "main.Albm": "table main.Albm does not exist in main (did you mean main.Album?)",
        "main.album": "table main.album does not exist in main (did you mean main.Album?)",
        "mian": "schema mian does not exist in main (did you mean main?)",
        "main.Track.Composr": "column main.Track.Composr does not exist in main (did you mean main.Track.Composer?)",
        "main.Nope": "table main.Nope does not exist in main",
    }
    for path, message in cases.items():
        assert _refused(chinook, _input("chinook", "main.Artist", path), "scope") == message
    assert list_schedules(chinook) == []


def test_existing_paths_are_accepted_and_an_edit_is_checked_only_when_it_changes_them(chinook):
    view = create_schedule(chinook, _input("chinook", "main.Album", "main.Track.Composer"), now=NOW)
    assert view.scope == ("main.Album", "main.Track.Composer")
    assert create_schedule(chinook, _input("chinook", "main", name="whole schema"), now=NOW).scope == ("main",)
    assert edit_schedule(chinook, view.id, ScheduleInput(scope=["main.Genre"]), now=NOW).scope == ("main.Genre",)
    with pytest.raises(ValidationError) as err:
        edit_schedule(chinook, view.id, ScheduleInput(scope=["main.Genr"]), now=NOW)
    assert err.value.field == "scope" and "did you mean main.Genre?" in err.value.detail
    offline = edit_schedule(chinook, view.id, ScheduleInput(scope=["main.Genr"]), now=NOW, verify=False)
    assert offline.scope == ("main.Genr",)
    assert edit_schedule(chinook, view.id, ScheduleInput(review="auto"), now=NOW).review == "auto"  # not re-checked


def test_an_unreachable_server_fails_with_the_offline_hint_and_no_verify_saves(store):
    add_db_profile(store, name="down", url="postgresql+psycopg://amx@127.0.0.1:9/shop")
    add_llm_profile(store, name="llm", provider="heuristic")
    with pytest.raises(ActionError) as err:
        create_schedule(store, _input("down", "public.users"), now=NOW)
    assert err.value.message.startswith("scope: cannot check public.users against down/shop: cannot connect to")
    assert err.value.message.endswith("save it unchecked to keep it anyway (--no-verify)")
    assert isinstance(err.value, UncheckedError)
    assert list_schedules(store) == []
    saved = create_schedule(store, _input("down", "public.users"), now=NOW, verify=False)
    assert saved.scope == ("public.users",)
    assert create_schedule(store, _input("down", name="whole database"), now=NOW).scope == ()  # nothing to check


def test_a_server_wide_profile_needs_a_database_even_offline(store):
    add_db_profile(store, name="wide", url="postgresql+psycopg://amx@127.0.0.1:9")
    add_llm_profile(store, name="llm", provider="heuristic")
    for verify in (True, False):
        with pytest.raises(ValidationError) as err:
            create_schedule(store, _input("wide"), now=NOW, verify=verify)
        assert err.value.field == "database" and "server-wide" in err.value.detail
    assert create_schedule(store, _input("wide", database="shop"), now=NOW, verify=False).database == "shop"


@pytest.mark.postgres
def test_postgresql_database_and_scope_are_checked_live(store, chinook_pg):  # noqa: F811
    server = sa.engine.make_url(chinook_pg).set(database="postgres").render_as_string(hide_password=False)
    name = sa.engine.make_url(chinook_pg).database
    add_db_profile(store, name="pg", url=server)
    add_llm_profile(store, name="llm", provider="heuristic")
    detail = _refused(store, _input("pg", database=name + "x"), "database")
    assert detail == f"database {name}x does not exist on the server of profile pg (did you mean {name}?)"
    detail = _refused(store, _input("pg", "public.artst", database=name), "scope")
    assert detail == f"table public.artst does not exist in {name} (did you mean public.artist?)"
    detail = _refused(store, _input("pg", "publik.artist", database=name), "scope")
    assert detail == f"schema publik does not exist in {name} (did you mean public?)"
    view = create_schedule(store, _input("pg", "public.artist.name", database=name), now=NOW)
    assert (view.database, view.scope) == (name, ("public.artist.name",))


def test_nearest_prefers_another_case_then_similar_spellings():
    assert nearest("album", ["Album", "Albums", "Artist"]) == ["Album", "Albums"]
    assert nearest("zzz", ["Album"]) == []
    assert nearest("Album", ["Album"]) == []
