"""Bad input through the CLI: exit 2, one line naming the field, and the store byte-for-byte unchanged."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from store_support import sqlite_fingerprint

from amx_cli.main import build_cli
from amx_core.store import open_store, reset_stores

FUTURE = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d 09:00")
BASE = ["schedule", "add", "--db-profile", "shop", "--llm-profile", "offline", "--tz", "UTC"]


def _add(*extra, name="fresh", at=FUTURE):
    args = BASE + ["--name", name]
    if at is not None:
        args += ["--at", at]
    return args + list(extra)


def _on(profile, *extra):
    """`schedule add` on another DB profile: `lite` (a real SQLite file), `pgserver` (the PostgreSQL server), `wide`."""
    return [
        "schedule",
        "add",
        "--name",
        "u",
        "--at",
        FUTURE,
        "--db-profile",
        profile,
        "--llm-profile",
        "offline",
        *extra,
    ]


CASES = [
    ("past time", _add(at="2020-01-01 09:00"), "at"),
    (
        "gap time",
        [
            "schedule",
            "add",
            "--name",
            "g",
            "--db-profile",
            "shop",
            "--llm-profile",
            "offline",
            "--tz",
            "Europe/Berlin",
            "--at",
            "2031-03-30 02:30",
        ],
        "at",
    ),
    ("malformed time", _add(at="tomorrow at nine"), "at"),
    ("missing time", _add(at=None), "at"),
    ("unknown zone", _add("--tz", "Mars/Olympus_Mons"), "tz"),
    ("invalid cron", _add("--cron", "61 * * * *"), "cron"),
    ("impossible cron", _add("--cron", "0 0 30 2 *"), "cron"),
    ("prose cron", _add("--cron", "every day"), "cron"),
    ("six-field cron", _add("--cron", "0 0 0 1 1 * *"), "cron"),
    ("negative cap", _add("--trigger", "change", "--cap-hours", "-1", at=None), "cap-hours"),
    ("zero cap", _add("--trigger", "change", "--cap-hours", "0", at=None), "cap-hours"),
    ("nan cap", _add("--trigger", "change", "--cap-hours", "nan", at=None), "cap-hours"),
    ("huge cap", _add("--trigger", "change", "--cap-hours", "1e9", at=None), "cap-hours"),
    ("text cap", _add("--trigger", "change", "--cap-hours", "six", at=None), "cap-hours"),
    ("cap on cron", _add("--cap-hours", "6"), "cap-hours"),
    (
        "negative settle",
        _add("--trigger", "change", "--cap-hours", "6", "--settle-minutes", "-1", at=None),
        "settle-minutes",
    ),
    (
        "text settle",
        _add("--trigger", "change", "--cap-hours", "6", "--settle-minutes", "soon", at=None),
        "settle-minutes",
    ),
    (
        "huge settle",
        _add("--trigger", "change", "--cap-hours", "6", "--settle-minutes", "1e9", at=None),
        "settle-minutes",
    ),
    ("settle on cron", _add("--settle-minutes", "15"), "settle-minutes"),
    ("cancel unknown run", ["runs", "cancel", "42"], "run"),
    ("cancel run by a superscript", ["runs", "cancel", "²"], "run"),
    ("time on change", _add("--trigger", "change", "--cap-hours", "6"), "at"),
    ("empty name", _add(name=""), "name"),
    ("blank name", _add(name="   "), "name"),
    ("10,000-character name", _add(name="x" * 10_000), "name"),
    ("control character in name", _add(name="bell\x07"), "name"),
    ("escape sequence in name", _add(name="\x1b[31mred"), "name"),
    ("bidi override in name", _add(name="abc\u202edef"), "name"),
    ("duplicate name", _add(name="existing"), "name"),
    (
        "unknown db profile",
        ["schedule", "add", "--name", "u", "--at", FUTURE, "--db-profile", "nope", "--llm-profile", "offline"],
        "db-profile",
    ),
    (
        "unknown llm profile",
        ["schedule", "add", "--name", "u", "--at", FUTURE, "--db-profile", "shop", "--llm-profile", "nope"],
        "llm-profile",
    ),
    (
        "missing db profile",
        ["schedule", "add", "--name", "u", "--at", FUTURE, "--llm-profile", "offline"],
        "db-profile",
    ),
    ("analyze without llm", ["schedule", "add", "--name", "u", "--at", FUTURE, "--db-profile", "shop"], "llm-profile"),
    ("database on sqlite profile", _on("lite", "--database", "other"), "database"),
    ("scope not a path", _add("--scope", "a..b"), "scope"),
    ("scope table that does not exist", _on("lite", "--scope", "main.actr"), "scope"),
    ("scope schema that does not exist", _on("lite", "--scope", "mian.actor"), "scope"),
    ("scope column that does not exist", _on("lite", "--scope", "main.actor.nme"), "scope"),
    ("edit scope to one that does not exist", ["schedule", "edit", "on lite", "--scope", "main.Nope"], "scope"),
    ("database that does not exist", _on("pgserver", "--database", "amx_no_such_db"), "database"),
    ("server-wide profile without a database", _on("wide"), "database"),
    ("scope too deep", _add("--scope", "a.b.c.d"), "scope"),
    ("scope with escape", _add("--scope", "pub\x1blic"), "scope"),
    ("unknown trigger", _add("--trigger", "sometimes"), "trigger"),
    ("unknown review", _add("--review", "maybe"), "review"),
    ("unknown missed policy", _add("--missed", "panic"), "missed"),
    ("unknown kind", _add("--kind", "vacuum"), "kind"),
    ("zero retries", _add("--retries", "0"), "retries"),
    ("statistics on a cache refresh", _add("--kind", "cache_refresh", "--with-statistics"), "with-statistics"),
    (
        "edit into a cache refresh with statistics",
        ["schedule", "edit", "existing", "--kind", "cache_refresh", "--with-statistics"],
        "with-statistics",
    ),
    ("edit running schedule", ["schedule", "edit", "busy", "--name", "other"], "id"),
    (
        "edit with stale version",
        ["schedule", "edit", "existing", "--expect-version", "7", "--review", "auto"],
        "version",
    ),
    ("edit unknown schedule", ["schedule", "edit", "9999", "--name", "x"], "id"),
    ("edit time into the past", ["schedule", "edit", "existing", "--at", "2001-01-01 00:00"], "at"),
    ("pause a running schedule", ["schedule", "pause", "busy"], "id"),
    ("skip a pending schedule", ["schedule", "skip", "existing"], "id"),
    ("rm a running schedule", ["schedule", "rm", "busy", "--yes"], "id"),
    ("show unknown", ["schedule", "show", "ghost"], "id"),
    ("list unknown status", ["schedule", "list", "--status", "pending,sleeping"], "status"),
    ("preview bad cron", ["schedule", "preview", "--cron", "* * *"], "cron"),
    ("preview bad count", ["schedule", "preview", "--cron", "* * * * *", "--count", "-3"], "count"),
    ("password in url", ["profile", "db", "add", "x", "--url", "postgresql://u:secret@h/db"], "url"),
    ("not a url", ["profile", "db", "add", "x", "--url", "just text"], "url"),
    ("bad profile name", ["profile", "db", "add", "bad name", "--url", "sqlite:///x.db"], "name"),
    (
        "two secret sources",
        ["profile", "db", "add", "x", "--url", "postgresql://u@h/db", "--password-env", "A", "--password-key", "B"],
        "password",
    ),
    (
        "bad env var name",
        ["profile", "db", "add", "x", "--url", "postgresql://u@h/db", "--password-env", "A B"],
        "password",
    ),
    ("duplicate profile", ["profile", "db", "add", "shop", "--url", "postgresql://u@h/db"], "name"),
    (
        "llm base url scheme",
        ["profile", "llm", "add", "y", "--provider", "openai", "--base-url", "ftp://x"],
        "base-url",
    ),
    (
        "llm zero concurrency",
        ["profile", "llm", "add", "y", "--provider", "openai", "--max-concurrency", "0"],
        "max-concurrency",
    ),
    ("llm temperature", ["profile", "llm", "add", "y", "--provider", "openai", "--temperature", "9"], "temperature"),
    ("rm profile in use", ["profile", "db", "rm", "shop"], "name"),
    ("show unknown profile", ["profile", "llm", "show", "ghost"], "name"),
]


@pytest.fixture
def seeded(amx_home, tmp_path):
    runner = CliRunner()
    cli = build_cli()
    lite = sqlite3.connect(tmp_path / "lite.db")
    lite.execute("CREATE TABLE actor (actor_id INTEGER PRIMARY KEY, first_name TEXT NOT NULL)")
    lite.close()
    setup = [
        ["profile", "db", "add", "shop", "--url", "postgresql://amx@db.example/shop"],
        ["profile", "db", "add", "lite", "--url", f"sqlite:///{tmp_path / 'lite.db'}"],
        ["profile", "db", "add", "wide", "--url", "postgresql://amx@db.example"],
        ["profile", "llm", "add", "offline", "--provider", "heuristic"],
        _add(name="existing"),
        _add(name="busy"),
        ["schedule", "add", "--name", "on lite", "--at", FUTURE, "--db-profile", "lite", "--llm-profile", "offline"],
    ]
    for args in setup:
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    store = open_store()
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE schedule SET status='running', running_since=created_at WHERE name='busy'")
    reset_stores()
    return amx_home / "amx.db"


def test_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("label,args,field", CASES, ids=[c[0] for c in CASES])
def test_bad_input_exits_2_names_field_writes_nothing(request, seeded, label, args, field):
    if "pgserver" in args:  # a profile on the real PostgreSQL server (a fresh database of its own)
        added = CliRunner().invoke(
            build_cli(), ["profile", "db", "add", "pgserver", "--url", request.getfixturevalue("pg_url")]
        )
        assert added.exit_code == 0, added.output
        reset_stores()
    before = sqlite_fingerprint(seeded)
    result = CliRunner().invoke(build_cli(), args)
    reset_stores()
    after = sqlite_fingerprint(seeded)
    assert result.exit_code == 2, (label, result.exit_code, result.output)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {field}:"), lines[0]
    assert after[1] == before[1], f"{label}: store contents changed"
    assert after[0] == before[0], f"{label}: store file bytes changed"


def test_a_scope_that_does_not_exist_names_the_nearest_one(seeded):
    result = CliRunner().invoke(build_cli(), _on("lite", "--scope", "main.actr"))
    assert (result.exit_code, result.stderr) == (
        2,
        "error: scope: table main.actr does not exist in main (did you mean main.actor?)\n",
    )
