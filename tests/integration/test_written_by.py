"""`catalog show` says whose description each table and column holds, on every Chinook engine: a person's
(written outside AMX), AMX's own (an `auto` run, not reviewed) and a reviewed one (accepted, then applied)."""

from __future__ import annotations

import json

from analyze_support import add_profiles, make_schedule, start_run

from amx_core.analyze.apply import PlannedWrite, open_destination, write_table
from amx_core.analyze.executor import run_analyze
from amx_core.scope.targets import Target
from amx_core.services import review


def _run(store, schedule) -> int:
    handle = start_run(store, schedule)
    assert run_analyze(handle.ctx).ok
    return handle.run_id


def _items(cli_call, *path: str) -> dict[str, dict]:
    page = json.loads(cli_call("catalog", "show", "db", ".".join(path), "--json").stdout)
    assert page["descriptions_from"] in ("database", "local")  # local: SQLite keeps them in the local catalog
    return {item["name"]: item for item in page["items"]}


def test_catalog_show_says_who_wrote_each_description(chinook_db, store, cli_call):  # noqa: F811
    db = chinook_db
    add_profiles(store, db.url)
    schema, artist, genre, media = db.schema, db.name("artist"), db.name("genre"), db.name("media_type")
    person_text = "How the track is stored, as the label's catalogue names it."
    with open_destination(store, "db", None) as dest:  # a person's SQL (or edit of the local catalog): no mark
        assert [
            o.state
            for o in write_table(dest, [PlannedWrite(0, Target(schema, media, db.name("name")), None, person_text)])
        ] == ["applied"]

    auto_run = _run(store, make_schedule(store, scope=[f"{schema}.{artist}"], review="auto", name="auto"))
    manual_run = _run(store, make_schedule(store, scope=[f"{schema}.{genre}"], review="manual", name="manual"))
    queued = {v.target: v for v in review.list_suggestions(store, run_id=manual_run)}
    table_view = queued[f"{schema}.{genre}"]
    review.accept_suggestions(store, [table_view.id])
    assert [r.ok for r in review.apply_suggestions(store, run_id=manual_run)] == [True]

    tables = _items(cli_call, schema)
    assert (tables[artist]["written_by"], tables[artist]["run"]) == ("amx", auto_run)
    assert tables[artist]["description"]
    assert (tables[genre]["written_by"], tables[genre]["run"]) == ("reviewed", manual_run)
    assert tables[genre]["description"] == table_view.proposed
    assert (tables[media]["written_by"], tables[media]["description"]) == (None, None)

    columns = _items(cli_call, schema, media)
    assert columns[db.name("name")]["description"] == person_text
    assert (columns[db.name("name")]["written_by"], columns[db.name("name")]["run"]) == ("person", None)
    assert {c["written_by"] for c in _items(cli_call, schema, artist).values()} == {"amx"}
    assert {c["written_by"] for c in _items(cli_call, schema, genre).values()} == {None}  # still in review

    shown = cli_call("catalog", "show", "db", schema).stdout
    assert f"amx (run {auto_run})" in shown and f"reviewed (run {manual_run})" in shown
