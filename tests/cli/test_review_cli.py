"""`amx review ...` end to end over a manual run on Chinook (SQLite, local catalog): shapes, exit codes, messages."""

from __future__ import annotations

import json

import pytest
from analyze_support import add_profiles, make_schedule, start_run
from click.testing import CliRunner

from amx_cli.main import build_cli
from amx_core.analyze.executor import run_analyze
from amx_core.llm.flags import FLAG_MEANINGS

SUGGESTION_KEYS = {
    "id",
    "run_id",
    "target",
    "current",
    "proposed",
    "confidence",
    "band",
    "state",
    "alternatives",
    "reason",
    "flags",
}


@pytest.fixture
def amx(store, chinook_sqlite):  # noqa: F811
    add_profiles(store, chinook_sqlite)
    handle = start_run(store, make_schedule(store, scope=["main.Genre", "main.MediaType"]))
    assert run_analyze(handle.ctx).ok
    runner = CliRunner()
    cli = build_cli()

    def call(*args, code=0):
        result = runner.invoke(cli, list(args))
        assert result.exit_code == code, (args, result.output, result.stderr if result.stderr_bytes else "")
        return result

    call.run_id = handle.run_id
    return call


def _ids(amx, *filters) -> dict[str, int]:
    return {s["target"]: s["id"] for s in json.loads(amx("review", "list", *filters, "--json").output)}


def test_list_and_show_give_the_documented_shapes(amx):
    listed = json.loads(amx("review", "list", "--run", str(amx.run_id), "--json").output)
    assert len(listed) == 6 and all(SUGGESTION_KEYS <= set(s) for s in listed)
    assert {s["state"] for s in listed} == {"pending"}
    text = amx("review", "list").output
    assert text.splitlines()[0].split() == ["ID", "RUN", "STATE", "BAND", "CONF", "FLAGS", "TARGET", "PROPOSED"]
    assert "main.Genre.Name" in text
    one = json.loads(amx("review", "show", str(listed[0]["id"]), "--json").output)
    assert one["id"] == listed[0]["id"] and SUGGESTION_KEYS <= set(one)
    assert "proposed" in amx("review", "show", str(listed[0]["id"])).output
    assert json.loads(amx("review", "list", "--state", "applied", "--json").output) == []
    assert amx("review", "list", "--state", "applied").output.strip() == "no suggestions"


def test_accept_edit_reject_apply(amx):
    ids = _ids(amx)
    accepted = json.loads(
        amx("review", "accept", str(ids["main.Genre"]), str(ids["main.Genre.GenreId"]), "--json").output
    )
    assert [s["state"] for s in accepted] == ["accepted", "accepted"]
    edited = json.loads(
        amx("review", "edit", str(ids["main.Genre.Name"]), "--text", "Genre name; e.g. 'Rock'.", "--json").output
    )
    assert edited["state"] == "edited" and edited["proposed"] == "Genre name; e.g. 'Rock'."
    assert "rejected" in amx("review", "reject", str(ids["main.MediaType"])).output
    results = json.loads(amx("review", "apply", "--run", str(amx.run_id), "--json").output)
    assert sorted(r["id"] for r in results) == sorted(
        [ids["main.Genre"], ids["main.Genre.GenreId"], ids["main.Genre.Name"]]
    )
    assert all(r["ok"] and r["state"] == "applied" for r in results)
    assert {s["target"] for s in json.loads(amx("review", "list", "--state", "applied", "--json").output)} == {
        "main.Genre",
        "main.Genre.GenreId",
        "main.Genre.Name",
    }
    assert amx("review", "apply").output.strip() == "nothing to apply"


def test_apply_exits_1_when_something_was_not_written(amx):
    ids = _ids(amx)
    out = amx("review", "apply", str(ids["main.MediaType.Name"]), code=1).output
    assert "accept or edit it first" in out


def test_bad_input_exits_2_naming_the_field(amx):
    assert "error: id: no suggestion 9999" in amx("review", "show", "9999", code=2).output
    assert "error: state: unknown state" in amx("review", "list", "--state", "bogus", code=2).output
    assert (
        "error: text: must not be empty"
        in amx("review", "edit", str(min(_ids(amx).values())), "--text", " ", code=2).output
    )
    ids = _ids(amx)
    amx("review", "accept", str(ids["main.Genre"]))
    amx("review", "apply", str(ids["main.Genre"]))
    out = amx("review", "reject", str(ids["main.Genre"]), code=2).output
    assert f"suggestion {ids['main.Genre']} is applied" in out


def test_quality_flags_are_shown_in_review_and_counted_by_runs_show(store, chinook_sqlite, llm_server):  # noqa: F811
    """A model's reply that copies profile numbers is flagged; review and runs show say so, --json too."""
    from llm_server import Reply, description_json, openai_reply

    answer = description_json(
        {"GenreId": "Identifier of the genre, from 1 to 25.", "Name": "Name of the music genre."},
        table="One row per music genre.",
    )
    llm_server.respond("/chat/completions", lambda request: Reply(openai_reply(answer)))
    add_profiles(store, chinook_sqlite, llm="openai", base_url=llm_server.url)
    handle = start_run(store, make_schedule(store, scope=["main.Genre"], review="auto"))
    assert run_analyze(handle.ctx).ok
    runner, cli = CliRunner(), build_cli()

    listed = json.loads(runner.invoke(cli, ["review", "list", "--json"]).output)
    flagged = next(s for s in listed if s["target"] == "main.Genre.GenreId")
    assert flagged["flags"] == ["volatile_facts"] and flagged["state"] == "pending"
    assert flagged["quality"] == [
        {"flag": "volatile_facts", "message": FLAG_MEANINGS["volatile_facts"]},
    ]
    assert all(s["quality"] == [] for s in listed if s["target"] != "main.Genre.GenreId")
    rows = runner.invoke(cli, ["review", "list"]).output.splitlines()
    assert any("volatile_facts" in row and "main.Genre.GenreId" in row for row in rows)
    shown = runner.invoke(cli, ["review", "show", str(flagged["id"])]).output
    assert f"volatile_facts: {FLAG_MEANINGS['volatile_facts']}" in shown

    run = json.loads(runner.invoke(cli, ["runs", "show", str(handle.run_id), "--json"]).output)
    assert run["flagged"] == {"volatile_facts": 1}
    assert "volatile_facts 1" in runner.invoke(cli, ["runs", "show", str(handle.run_id)]).output
