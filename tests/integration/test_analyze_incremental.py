"""Incremental descriptions against a loopback LLM server, counting requests, on every Chinook engine.

A second run over an unchanged, described scope asks nothing; a structure change asks about
exactly the changed object; a person's accepted and edited texts survive every later run.
"""

from __future__ import annotations

from analyze_support import add_profiles, make_schedule, start_run
from llm_server import asked_columns, auto_openai

from amx_core.analyze.apply import open_destination
from amx_core.analyze.executor import run_analyze
from amx_core.analyze.incremental import current_texts
from amx_core.analyze.local_comments import read_local
from amx_core.catalog.resolve import resolve_scope
from amx_core.scope.paths import format_path
from amx_core.services import review

PATH = "/chat/completions"
OLD_TYPE = {"sqlite": "INTEGER", "postgresql": "integer", "mariadb": "INT", "duckdb": "INTEGER"}


class Runs:
    """Runs analyze schedules of one Chinook against the replay server and counts what each asked."""

    def __init__(self, store, db, llm_server) -> None:
        self.store, self.db, self.server = store, db, llm_server
        add_profiles(store, db.url, llm="openai", base_url=llm_server.url, concurrency=2)
        llm_server.respond(PATH, auto_openai())
        self.count = 0

    def path(self, *snake: str) -> str:
        return format_path((self.db.schema, *(self.db.name(s) for s in snake)))

    def schedule(self, tables, *, review: str = "auto", missing_only: bool = True):
        self.count += 1
        scope = [self.path(*t.split(".")) for t in tables]
        return make_schedule(
            store=self.store, scope=scope, review=review, missing_only=missing_only, name=f"s{self.count}"
        )

    def run(self, schedule):
        """(outcome, counters, suggestions by target, the requests this run made)."""
        before = len(self.server.requests)
        handle = start_run(self.store, schedule)
        outcome = run_analyze(handle.ctx)
        assert outcome.ok, outcome
        views = {v.target: v for v in review.list_suggestions(self.store, run_id=handle.run_id)}
        return handle.run_id, handle.sink.counts, views, self.server.requests[before:]

    def texts(self, tables) -> dict[str, str | None]:
        """Every object's description as it is now (the database's comments, or the local catalog)."""
        resolved = resolve_scope(self.store, "db", None, [self.path(t) for t in tables])
        found: dict[str, str | None] = {}
        with open_destination(self.store, "db", resolved.database or None) as dest:
            local = read_local(self.store, dest.profile_id, dest.database)
            for table in resolved.tables:
                for name, text in current_texts(table, dest, local).items():
                    found[format_path((table.schema, table.name) + ((name,) if name else ()))] = text
        return found


def test_an_unchanged_scope_asks_nothing_and_a_change_asks_only_about_it(chinook_db, store, llm_server):  # noqa: F811
    runs = Runs(store, chinook_db, llm_server)
    tables = ("artist", "genre", "invoice_line")
    schedule = runs.schedule(tables)

    _, counts, views, requests = runs.run(schedule)
    assert len(requests) == 3 and len(views) == 3 + 2 + 2 + 5
    assert {v.state for v in views.values()} == {"auto_applied"}
    described = runs.texts(tables)

    _, counts, views, requests = runs.run(schedule)
    assert (len(requests), views, counts["tokens_in"], counts["tokens_out"]) == (0, {}, 0, 0)
    assert (counts["tables_planned"], counts["skipped_unchanged"], counts["skipped_described"]) == (0, 12, 0)
    assert runs.texts(tables) == described

    chinook_db.add_column("artist", "country", "VARCHAR(40)")
    _, counts, views, requests = runs.run(schedule)
    assert [asked_columns(r) for r in requests] == [([chinook_db.name("country")], False)]
    assert list(views) == [runs.path("artist", "country")] and counts["skipped_unchanged"] == 12
    assert (counts["tokens_in"], counts["tokens_out"]) == (100, 50)

    chinook_db.change_type("invoice_line", "quantity", OLD_TYPE[chinook_db.dialect], "BIGINT")
    _, counts, views, requests = runs.run(schedule)
    assert [asked_columns(r) for r in requests] == [([chinook_db.name("quantity")], False)]
    assert list(views) == [runs.path("invoice_line", "quantity")]

    _, counts, views, requests = runs.run(schedule)
    assert (len(requests), counts["skipped_unchanged"]) == (0, 13)


def test_a_persons_accept_and_edit_survive_every_later_run(chinook_db, store, llm_server):  # noqa: F811
    runs = Runs(store, chinook_db, llm_server)
    tables = ("artist", "genre")
    manual = runs.schedule(tables, review="manual")
    first, _, views, requests = runs.run(manual)
    assert len(requests) == 2 and {v.state for v in views.values()} == {"pending"}

    _, counts, _, requests = runs.run(manual)  # waiting for review: not asked again
    assert (len(requests), counts["skipped_pending"]) == (0, 6)

    edited = runs.path("genre", "name")
    review.accept_suggestions(store, [v.id for t, v in views.items() if t != edited])
    review.edit_suggestion(store, views[edited].id, "The genre as the shop files it.")
    assert all(r.ok for r in review.apply_suggestions(store, run_id=first))
    reviewed = runs.texts(tables)
    assert reviewed[edited] == "The genre as the shop files it."
    assert reviewed[runs.path("artist", "name")] == views[runs.path("artist", "name")].proposed

    _, counts, views, requests = runs.run(runs.schedule(tables))
    assert (len(requests), views, counts["skipped_described"]) == (0, {}, 6)
    assert runs.texts(tables) == reviewed

    chinook_db.add_column("genre", "origin", "VARCHAR(40)")
    _, counts, views, requests = runs.run(runs.schedule(tables))
    assert [asked_columns(r) for r in requests] == [([chinook_db.name("origin")], False)]
    assert list(views) == [runs.path("genre", "origin")]
    now = runs.texts(tables)
    assert {k: v for k, v in now.items() if k in reviewed} == reviewed

    _, _, views, requests = runs.run(runs.schedule(tables, missing_only=False))  # --all-columns
    assert len(requests) == 2
    for target in reviewed:
        assert views[target].state == "pending" and views[target].note == "queued: a person reviewed the current text"
    assert {k: v for k, v in runs.texts(tables).items() if k in reviewed} == reviewed


def test_a_column_scope_asks_for_no_table_description(store, chinook_sqlite, llm_server):  # noqa: F811
    from chinook import ChinookDb

    runs = Runs(store, ChinookDb("sqlite", chinook_sqlite), llm_server)
    _, counts, views, requests = runs.run(runs.schedule(("album.title", "track.composer")))
    assert sorted(asked_columns(r) for r in requests) == [(["Composer"], False), (["Title"], False)]
    assert sorted(views) == [runs.path("album", "title"), runs.path("track", "composer")]
    assert counts["columns_planned"] == 2
