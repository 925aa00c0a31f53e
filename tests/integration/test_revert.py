"""Undo: `amx runs revert` and `amx review revert` put back exactly the text a target held before AMX wrote
there (hostile texts included), or remove the description AMX added; a text a person changed since is
reported stale and kept. On PostgreSQL and MariaDB (the engines that hold comments themselves) and SQLite
(the local catalog)."""

from __future__ import annotations

import json

import pytest
from analyze_support import HOSTILE, add_profiles, make_schedule, start_run
from chinook import execute_sql

from amx_core.analyze.apply import PlannedWrite, open_destination, write_table
from amx_core.analyze.descriptions import read_live
from amx_core.analyze.executor import run_analyze
from amx_core.scope.targets import Target
from amx_core.services import review
from amx_core.services.descriptions import catalog_children

COLUMNS = {f"c_{name}": text for name, text in sorted(HOSTILE.items())}
DDL = {
    "postgresql": 'CREATE TABLE notes (id integer PRIMARY KEY, {columns}, "empty_one" text)',
    "mariadb": "CREATE TABLE notes (id integer PRIMARY KEY, {columns}, empty_one text)",
}


@pytest.fixture(params=["postgresql", "mariadb", "sqlite"])
def target_db(request, tmp_path):
    """(dialect, url, schema) of a database holding the table `notes`, one hostile column each."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'notes.db'}"
        execute_sql(url, DDL["postgresql"].format(columns=", ".join(f"{c} text" for c in COLUMNS)))
        return request.param, url, "main"
    url = request.getfixturevalue("pg_url" if request.param == "postgresql" else "mysql_url")
    execute_sql(url, DDL[request.param].format(columns=", ".join(f"{c} text" for c in COLUMNS)))
    schema = "public" if request.param == "postgresql" else url.rsplit("/", 1)[1]
    return request.param, url, schema


def _person_writes(store, texts: dict[Target, str]) -> None:
    """Texts written as a person would (SQL, or the local catalog by hand): no WrittenMark."""
    now = read_live(store, "db", None, texts)
    with open_destination(store, "db", None) as dest:
        outcomes = write_table(dest, [PlannedWrite(0, t, now[t.path], text) for t, text in texts.items()])
    assert {o.state for o in outcomes} == {"applied"}, outcomes


def _texts(store, targets) -> dict[str, str | None]:
    return read_live(store, "db", None, targets)


def test_revert_restores_every_previous_text_exactly_and_keeps_a_persons_later_change(target_db, store, cli_call):
    dialect, url, schema = target_db
    add_profiles(store, url)
    targets = {name: Target(schema, "notes", name) for name in COLUMNS}
    _person_writes(store, {targets[name]: text for name, text in COLUMNS.items()})
    every = [
        Target(schema, "notes"),
        *targets.values(),
        Target(schema, "notes", "id"),
        Target(schema, "notes", "empty_one"),
    ]
    before = _texts(store, every)
    assert before[f"{schema}.notes.empty_one"] is None and before[f"{schema}.notes"] is None
    assert before[f"{schema}.notes.c_quote"] == HOSTILE["quote"]

    handle = start_run(store, make_schedule(store, scope=[f"{schema}.notes"], review="manual", missing_only=False))
    assert run_analyze(handle.ctx).ok
    views = review.list_suggestions(store, run_id=handle.run_id)
    review.accept_suggestions(store, [v.id for v in views])
    assert all(r.ok for r in review.apply_suggestions(store, run_id=handle.run_id))
    written = _texts(store, every)
    assert all(written[t.path] != before[t.path] for t in every)

    changed = targets["c_semicolon"]
    _person_writes(store, {changed: "A person's correction after the apply."})

    result = cli_call("runs", "revert", str(handle.run_id), "--json", code=1)
    items = {item["target"]: item for item in json.loads(result.stdout)}
    assert items[changed.path]["state"] == "stale" and not items[changed.path]["ok"]
    assert {item["state"] for path, item in items.items() if path != changed.path} == {"reverted"}
    assert len(items) == len(every)

    after = _texts(store, every)
    assert after[changed.path] == "A person's correction after the apply."
    assert {path: text for path, text in after.items() if path != changed.path} == {
        path: text for path, text in before.items() if path != changed.path
    }
    states = {v.target: v.state for v in review.list_suggestions(store, run_id=handle.run_id)}
    assert states[changed.path] == "applied" and list(states.values()).count("reverted") == len(every) - 1

    page = catalog_children(store, "db", None, (schema, "notes"))
    who = {node.name: node.written_by for node in page.items}
    assert who["c_quote"] == "person" and who["empty_one"] is None and who["c_semicolon"] == "person"

    again = cli_call("review", "revert", str(views[0].id), code=2)
    assert again.stderr.startswith("error: id: suggestion")
    assert "only applied, auto_applied can be reverted" in again.stderr


def test_revert_puts_back_amx_s_own_earlier_text_with_its_mark(store, chinook_sqlite):
    """Run 1 wrote A (auto); a reviewed edit replaced it with B; reverting B puts A back and A is AMX's again."""
    add_profiles(store, chinook_sqlite)
    first = start_run(store, make_schedule(store, scope=["main.Genre"], review="auto", name="one"))
    assert run_analyze(first.ctx).ok
    second = start_run(
        store, make_schedule(store, scope=["main.Genre"], review="manual", missing_only=False, name="two")
    )
    assert run_analyze(second.ctx).ok
    view = next(v for v in review.list_suggestions(store, run_id=second.run_id) if v.target == "main.Genre.Name")
    original = view.current
    review.edit_suggestion(store, view.id, "The genre's name, as the shop shows it.")
    assert review.apply_suggestions(store, ids=[view.id])[0].ok

    results = review.revert_suggestions(store, [view.id])
    assert [(r.state, r.ok) for r in results] == [("reverted", True)]
    node = {n.name: n for n in catalog_children(store, "db", None, ("main", "Genre")).items}["Name"]
    assert (node.description, node.written_by, node.written_run) == (original, "amx", first.run_id)
