"""Inputs that used to crash or pass though wrong: each is exit 2 with one line `error: <field>: <message>`
and the store unchanged, click's own usage errors included; control characters never reach output raw.

Run on a SQLite and a PostgreSQL store (`cli_store`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from store_support import store_fingerprint

FUTURE = "2031-06-01 09:00"
SURROGATE = "caf\udce9"  # what the bytes b"caf\xe9" (Latin-1, not UTF-8) become in argv
ADD = ("schedule", "add", "--db-profile", "shop", "--llm-profile", "offline", "--tz", "UTC", "--at", FUTURE)

CASES = [
    ("superscript digit as id", ["schedule", "show", "²"], "id"),
    ("arabic-indic digits as id", ["schedule", "pause", "١٢"], "id"),
    ("id beyond 64 bits", ["schedule", "rm", "1208925819614629174706176", "--yes"], "id"),
    ("id beyond 64 bits on edit", ["schedule", "edit", "99999999999999999999", "--name", "x"], "id"),
    ("surrogate in a looked-up name", ["schedule", "show", SURROGATE], "id"),
    ("surrogate in a new name", [*ADD, "--name", SURROGATE], "name"),
    ("surrogate in a rename", ["schedule", "edit", "nightly", "--name", SURROGATE], "name"),
    ("surrogate in a profile lookup", ["profile", "db", "show", SURROGATE], "name"),
    ("surrogate in a db profile reference", ["schedule", "edit", "nightly", "--db-profile", SURROGATE], "db-profile"),
    ("surrogate in a database", ["schedule", "edit", "nightly", "--database", SURROGATE], "database"),
    ("surrogate in a scope", ["schedule", "edit", "nightly", "--scope", SURROGATE], "scope"),
    ("surrogate in a zone", ["schedule", "edit", "nightly", "--tz", SURROGATE], "tz"),
    ("surrogate in a cadence", ["schedule", "edit", "nightly", "--cron", SURROGATE], "cron"),
    ("surrogate in a status filter", ["runs", "list", "--status", SURROGATE], "status"),
    ("negative id read as an option", ["schedule", "resume", "-1"], "-1"),
    ("version that is not a number", ["schedule", "edit", "nightly", "--expect-version", "abc"], "expect-version"),
    ("unknown provider", ["profile", "llm", "add", "x", "--provider", "gpt"], "provider"),
    ("superscript run id", ["runs", "show", "²"], "run"),
    ("run id beyond 64 bits", ["runs", "show", "1208925819614629174706176"], "run"),
    ("suggestion id beyond 64 bits", ["review", "show", "1208925819614629174706176"], "id"),
    ("review run filter not an id", ["review", "list", "--run", "²"], "run"),
    ("name that reads as an id", [*ADD, "--name", "1"], "name"),
    ("name of arabic-indic digits", [*ADD, "--name", "١٢"], "name"),
    ("name of superscript digits", [*ADD, "--name", "²³"], "name"),
    ("rename to an id", ["schedule", "edit", "nightly", "--name", "7"], "name"),
    ("name of zero-width spaces", [*ADD, "--name", "\u200b\u200b"], "name"),
    ("name of joiners and marks", [*ADD, "--name", "\u200d\u0301\u2060"], "name"),
    ("name of hangul fillers", [*ADD, "--name", "\u3164\u3164"], "name"),
    ("port out of range", ["profile", "db", "add", "q", "--url", "postgresql://u@h:99999/db"], "url"),
    (
        "unclosed IPv6 base URL",
        ["profile", "llm", "add", "x", "--provider", "openai", "--base-url", "http://[::1:8080/v1"],
        "base-url",
    ),
    (
        "empty password variable",
        ["profile", "db", "add", "q", "--url", "postgresql://u@h/db", "--password-env", ""],
        "password",
    ),
    ("cap of a vanishing number of hours", ["schedule", "edit", "watch", "--cap-hours", "1e-300"], "cap-hours"),
    ("negative run limit", ["runs", "list", "--limit", "-1"], "limit"),
    ("zero run limit", ["runs", "list", "--limit", "0"], "limit"),
    ("catalog offset beyond 64 bits", ["catalog", "show", "shop", "--offset", "99999999999999999999"], "offset"),
    ("preview from year 1", ["schedule", "preview", "--cron", "* * * * *", "--from", "0001-01-01T00:00+01:00"], "from"),
    ("missing argument", ["runs", "show"], "run-id"),
    ("missing required option", ["profile", "db", "add", "q"], "url"),
    ("unknown option", ["schedule", "list", "--colour"], "--colour"),
    ("unknown command", ["schedule", "frobnicate"], "command"),
    ("extra argument", ["schedule", "list", "extra"], "arguments"),
    ("option without its value", ["schedule", "list", "--status"], "status"),
    ("unknown root option", ["--bogus"], "--bogus"),
]


@pytest.fixture
def seeded(cli_store, cli_call):
    cli_call("profile", "db", "add", "shop", "--url", "postgresql://amx@db.example/shop")
    cli_call("profile", "llm", "add", "offline", "--provider", "heuristic")
    cli_call(*ADD, "--name", "nightly")
    cli_call(*ADD[:-4], "--name", "watch", "--trigger", "change", "--cap-hours", "6")
    return cli_store


@pytest.mark.parametrize("label,args,field", CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(seeded, cli_call, label, args, field):
    before = store_fingerprint(seeded)
    result = cli_call(*args, code=2)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {field}: "), lines[0]
    assert lines[0].isprintable() and "\udce9" not in lines[0]
    assert result.stdout == ""
    assert store_fingerprint(seeded) == before, label


def _tick(*args: str) -> tuple[int, str, str]:
    from amx_core.tick.entry import main

    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


TICK_CASES = [
    (["--now", ""], "now"),
    (["--now", "   "], "now"),
    (["--now", "0001-01-01T00:00:00+01:00"], "now"),
    (["--now", "9999-12-31T23:59:59-01:00"], "now"),
    (["--now", SURROGATE], "now"),
    (["--now"], "now"),
    (["--bogus"], "--bogus"),
    (["--json=yes"], "json"),
    (["stray"], "arguments"),
    (["--workers", "²"], "workers"),
    (["--workers", "0"], "workers"),
    (["--workers", "9" * 40], "workers"),
    (["--execute-run", "1208925819614629174706176"], "execute-run"),
]


@pytest.mark.parametrize("args,field", TICK_CASES, ids=[" ".join(c[0]) or "empty" for c in TICK_CASES])
def test_tick_bad_command_line_is_one_line_exit_2_and_runs_nothing(seeded, args, field):
    before = store_fingerprint(seeded)
    code, out, err = _tick(*args)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {field}: "), err
    assert store_fingerprint(seeded) == before  # not even the heartbeat


def test_control_characters_never_reach_output_raw(seeded, cli_call):
    """Text stored by an older AMX or read from a database (C1 CSI U+009B, ESC, bidi, zero-width) shows escaped."""
    hostile = "boom \x9b31m \x1b[2J \u202e\u200b end"
    with seeded.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE schedule SET last_error = :e, database = :e WHERE name = 'nightly'"), {"e": hostile}
        )
    listed = cli_call("schedule", "list", "--json").stdout
    shown = cli_call("schedule", "show", "nightly", "--json").stdout
    for text in (listed, shown):
        assert all(line.isprintable() for line in text.splitlines()), text
        assert "\\u009b31m" in text and "\\u001b[2J" in text and "\\u202e\\u200b" in text
    assert json.loads(listed)[0]["last_error"] == hostile  # escaped, not altered: JSON reads back the same text
    assert json.loads(shown)["database"] == hostile
    for args in (["schedule", "show", "nightly"], ["schedule", "list"], ["schedule", "pause", "nightly"]):
        out = cli_call(*args).stdout
        assert all(line.isprintable() for line in out.splitlines()), out


def test_non_utf8_bytes_in_argv_from_a_real_process(seeded, amx_home):
    """Bytes that are not UTF-8 reach Python as lone surrogates: still one line, exit 2, nothing written."""
    before = store_fingerprint(seeded)
    env = dict(os.environ, AMX_HOME=str(amx_home), AMX_NO_STARTUP_CHECK="1")
    if not seeded.is_sqlite:
        env["AMX_STORE_URL"] = seeded.url
    amx = os.fsencode(Path(sys.executable).parent / "amx")
    for argv, field in (
        ([b"schedule", b"show", b"caf\xe9"], b"id"),
        ([b"schedule", b"add", b"--name", b"caf\xe9", b"--db-profile", b"shop", b"--at", FUTURE.encode()], b"name"),
        ([b"profile", b"db", b"show", b"\xff\xfe"], b"name"),
        ([b"schedule", b"show", "²".encode()], b"id"),
    ):
        result = subprocess.run([amx, *argv], env=env, capture_output=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(b"error: " + field + b": ") and result.stderr.count(b"\n") == 1, result.stderr
        assert b"Traceback" not in result.stderr
    assert store_fingerprint(seeded) == before
