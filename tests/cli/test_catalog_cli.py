"""`amx catalog refresh|show|changes|databases` end to end on a Chinook SQLite copy: shapes, progress, exit codes."""

from __future__ import annotations

import json
import sqlite3

import pytest
from chinook import COLUMN_COUNT, TABLE_COUNT


@pytest.fixture
def amx(cli_call, chinook_sqlite):
    call = cli_call
    call("profile", "db", "add", "chinook", "--url", chinook_sqlite)
    call.db_path = chinook_sqlite.removeprefix("sqlite:///")
    return call


def _cache_dump(amx_home) -> list:
    with sqlite3.connect(amx_home / "amx.db") as conn:
        return [
            conn.execute(f"SELECT * FROM {name} ORDER BY id").fetchall()
            for name in ("catalog_state", "catalog_schema", "catalog_table", "catalog_column", "catalog_change")
        ]


def test_refresh_json_progress_and_changes(amx):
    first = amx("catalog", "refresh", "chinook", "--json")
    report = json.loads(first.stdout)
    assert (report["tables"], report["columns"], report["baseline"], report["changes"]) == (
        TABLE_COUNT,
        COLUMN_COUNT,
        True,
        [],
    )
    assert f"catalog: {TABLE_COUNT}/{TABLE_COUNT} tables" in first.stderr  # plain progress lines off a TTY

    with sqlite3.connect(amx.db_path) as conn:
        conn.execute("ALTER TABLE Artist ADD COLUMN Country TEXT")
    second = json.loads(amx("catalog", "refresh", "chinook", "--scope", "main.Artist", "--json", "-q").stdout)
    assert second["changes"] == [
        {"kind": "column_added", "path": "main.Artist.Country", "at": second["changes"][0]["at"], "detail": "TEXT"}
    ]
    changes = json.loads(amx("catalog", "changes", "chinook", "--json").stdout)
    assert [(c["kind"], c["path"]) for c in changes] == [("column_added", "main.Artist.Country")]
    assert set(changes[0]) == {"kind", "path", "at", "detail"}
    later = json.loads(amx("catalog", "changes", "chinook", "--since", changes[0]["at"], "--json").stdout)
    assert later == []

    text = amx("catalog", "refresh", "chinook", "-q").stdout
    assert "changes   0" in text and f"tables    {TABLE_COUNT}" in text


def test_show_levels(amx):
    root = json.loads(amx("catalog", "show", "chinook", "--json").stdout)
    assert [(i["name"], i["kind"]) for i in root["items"]] == [("main", "schema")]
    tables = json.loads(amx("catalog", "show", "chinook", "main", "--json", "--limit", "5").stdout)
    assert tables["total"] == TABLE_COUNT and len(tables["items"]) == 5
    assert tables["items"][0] == {
        "path": "main.Album",
        "name": "Album",
        "kind": "table",
        "child_count": 3,
        "detail": None,
        "comment": None,
        "description": None,
        "written_by": None,
        "run": None,
    }
    assert tables["descriptions_from"] == "local"  # SQLite: the AMX local catalog holds them
    columns = amx("catalog", "show", "chinook", "main.Album")
    assert "ArtistId  column  0         INTEGER NOT NULL FK -> main.Artist.ArtistId" in columns.stdout
    paged = amx("catalog", "show", "chinook", "main", "--limit", "5")
    assert "(1-5 of 11; more with --offset 5)" in paged.stderr
    assert json.loads(amx("catalog", "databases", "chinook", "--json").stdout) == [""]


def test_bad_input_exit_codes_and_cache_unchanged(amx, amx_home):
    amx("catalog", "refresh", "chinook", "-q")
    before = _cache_dump(amx_home)
    cases = [
        (("catalog", "refresh", "nope"), 2, "error: profile: no DB profile named 'nope'"),
        (
            ("catalog", "refresh", "chinook", "--scope", "main.Orders"),
            2,
            "error: scope: table main.Orders does not exist in database main",
        ),
        (("catalog", "refresh", "chinook", "--scope", "main..x"), 2, "error: scope: 'main..x' is not a path"),
        (
            ("catalog", "refresh", "chinook", "--database", "other"),
            2,
            "error: database: a SQLite profile has one database",
        ),
        (
            ("catalog", "show", "chinook", "main.Orders"),
            2,
            "error: path: table main.Orders does not exist in database main",
        ),
        (("catalog", "show", "chinook", 'main."x'), 2, "error: path: 'main.\"x' is not a path"),
        (
            ("catalog", "changes", "chinook", "--since", "yesterday"),
            2,
            "error: since: 'yesterday' is not an ISO-8601 instant",
        ),
    ]
    for args, code, message in cases:
        result = amx(*args, code=code)
        assert result.stderr.splitlines()[-1].startswith(message), (args, result.stderr)
        assert result.stdout == ""
    assert _cache_dump(amx_home) == before


def test_unreachable_server_is_exit_1_with_the_password_masked(amx, amx_home, monkeypatch):
    monkeypatch.setenv("DOWN_PW", "hunter2-secret")
    amx(
        "profile", "db", "add", "down", "--url", "postgresql+psycopg://amx@127.0.0.1:9/app", "--password-env", "DOWN_PW"
    )
    before = _cache_dump(amx_home)
    result = amx("catalog", "refresh", "down", "-q", code=1)
    assert result.stderr.startswith("error: cannot connect to postgresql+psycopg://amx:***@127.0.0.1:9/app: ")
    assert "hunter2-secret" not in result.output
    assert _cache_dump(amx_home) == before
    monkeypatch.delenv("DOWN_PW")
    result = amx("catalog", "refresh", "down", "-q", code=1)
    assert "password: env:DOWN_PW is not set" in result.stderr
