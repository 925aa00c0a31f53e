"""A secret written into a URL is refused like an inline password, never echoed, never stored; URLs show masked.

Run on a SQLite and a PostgreSQL store (`cli_store`).
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from store_support import store_fingerprint

HIDDEN = "hunter2-Zq9"

REFUSED = [
    ("db add, query password", ["profile", "db", "add", "q", "--url", f"postgresql://u@h/db?password={HIDDEN}"], "url"),
    (
        "db add, sslpassword",
        ["profile", "db", "add", "q", "--url", f"postgresql://u@h/db?sslmode=require&sslpassword={HIDDEN}"],
        "url",
    ),
    ("db add, passfile", ["profile", "db", "add", "q", "--url", f"postgresql://u@h/db?passfile=/{HIDDEN}"], "url"),
    ("db add, user part", ["profile", "db", "add", "q", "--url", f"postgresql://u:{HIDDEN}@h/db"], "url"),
    ("db add, encoded key", ["profile", "db", "add", "q", "--url", f"postgresql://u@h/db?pass%77ord={HIDDEN}"], "url"),
    ("db edit, query token", ["profile", "db", "edit", "shop", "--url", f"postgresql://u@h/db?token={HIDDEN}"], "url"),
    ("db edit, user part", ["profile", "db", "edit", "shop", "--url", f"mysql+pymysql://r:{HIDDEN}@h/x"], "url"),
    (
        "llm add, api_key",
        ["profile", "llm", "add", "x", "--provider", "openai", "--base-url", f"http://h/v1?api_key={HIDDEN}"],
        "base-url",
    ),
    (
        "llm add, user part",
        ["profile", "llm", "add", "x", "--provider", "openai", "--base-url", f"https://bob:{HIDDEN}@h/v1"],
        "base-url",
    ),
    (
        "llm edit, key",
        ["profile", "llm", "edit", "gpt", "--base-url", f"https://h/v1?key={HIDDEN}"],
        "base-url",
    ),
    (
        "llm edit, fragment token",
        ["profile", "llm", "edit", "gpt", "--base-url", f"https://h/v1#access_token={HIDDEN}"],
        "base-url",
    ),
]


@pytest.fixture
def profiles(cli_store, cli_call):
    cli_call("profile", "db", "add", "shop", "--url", "postgresql://amx@db.example/shop")
    cli_call("profile", "llm", "add", "gpt", "--provider", "openai", "--base-url", "http://127.0.0.1:9/v1")
    return cli_store


@pytest.mark.parametrize("label,args,field", REFUSED, ids=[case[0] for case in REFUSED])
def test_secret_in_a_url_is_refused_without_echo_and_not_stored(profiles, cli_call, label, args, field):
    before = store_fingerprint(profiles)
    result = cli_call(*args, code=2)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {field}: must not contain a "), result.stderr
    assert HIDDEN not in result.stderr + result.stdout
    after = store_fingerprint(profiles)
    assert after == before, label
    assert HIDDEN not in after[1]


def test_urls_stored_with_a_secret_show_masked_everywhere(profiles, cli_call):
    """A row written before the check (or by hand) still never shows its secret: list, show, --json, test."""
    with profiles.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE db_profile SET url = :u WHERE name = 'shop'"),
            {"u": f"postgresql://amx@db.invalid/shop?sslmode=disable&password={HIDDEN}"},
        )
        conn.execute(
            sa.text("UPDATE llm_profile SET base_url = :u WHERE name = 'gpt'"),
            {"u": f"http://127.0.0.1:9/v1?api_key={HIDDEN}"},
        )
    outputs = [
        cli_call("profile", "db", "list").stdout,
        cli_call("profile", "db", "list", "--json").stdout,
        cli_call("profile", "db", "show", "shop").stdout,
        cli_call("profile", "db", "show", "shop", "--json").stdout,
        cli_call("profile", "llm", "list", "--json").stdout,
        cli_call("profile", "llm", "show", "gpt").stdout,
        cli_call("profile", "llm", "show", "gpt", "--json").stdout,
        cli_call("profile", "db", "test", "shop", "--json", code=1).stdout,
        cli_call("profile", "llm", "test", "gpt", "--json", code=1).stdout,
    ]
    for text in outputs:
        assert HIDDEN not in text, text
    shown = json.loads(outputs[3])["url"]
    assert shown == "postgresql://amx@db.invalid/shop?sslmode=disable&password=***"
    assert json.loads(outputs[6])["base_url"] == "http://127.0.0.1:9/v1?api_key=***"


def test_empty_secret_names_and_odd_urls_are_refused(profiles, cli_call):
    before = store_fingerprint(profiles)
    cases = [
        (["profile", "db", "add", "q", "--url", "postgresql://u@h/db", "--password-env", ""], "password"),
        (["profile", "db", "edit", "shop", "--password-key", ""], "password"),
        (["profile", "llm", "edit", "gpt", "--api-key-env", ""], "api-key"),
        (["profile", "db", "add", "q", "--url", "postgresql://u@h:99999/db"], "url"),
        (["profile", "db", "add", "q", "--url", "postgresql://u@h:0/db"], "url"),
        (["profile", "llm", "add", "x", "--provider", "openai", "--base-url", "http://[::1:8080/v1"], "base-url"),
        (["profile", "llm", "add", "x", "--provider", "openai", "--base-url", "http://h:99999/v1"], "base-url"),
        (["profile", "llm", "add", "x", "--provider", "openai", "--base-url", "http:///v1"], "base-url"),
        (["profile", "llm", "add", "x", "--provider", "openai", "--base-url", "http://h /v1"], "base-url"),
        (["profile", "llm", "add", "x", "--provider", "openai", "--timeout", "1e-300"], "timeout"),
        (["profile", "db", "add", "q", "--url", "postgresql://u@h/db", "--database", "a\x1bb"], "database"),
        (["profile", "llm", "add", "x", "--provider", "openai", "--model", "m\x9bx"], "model"),
        (["profile", "db", "add", "q\n", "--url", "postgresql://u@h/db"], "name"),
        (["profile", "db", "add", "q", "--url", "postgresql://u@h/db", "--password-env", "PW\n"], "password"),
    ]
    for args, field in cases:
        result = cli_call(*args, code=2)
        assert result.stderr.startswith(f"error: {field}: ") and result.stderr.count("\n") == 1, (args, result.stderr)
    assert store_fingerprint(profiles) == before
