"""Profiling: bounded, useful statistics, and nothing personal or secret ever leaves it."""

from __future__ import annotations

import json
import sqlite3

import pytest
import sqlalchemy as sa

from amx_core.analyze.personal import column_personal_kind, name_hint, personal_kind
from amx_core.analyze.profiling import ProfileSettings, column_stats, profile_table, shape
from amx_core.analyze.secretlike import secret_name, secret_value
from amx_core.engines.types import value_class
from amx_core.llm.prompt import build_prompt, fenced_data
from amx_core.llm.types import ColumnFacts, TableFacts


@pytest.mark.parametrize(
    "value, kind",
    [
        ("ana.novak@example.com", "email"),
        ("Ana <ana@example.org>", "email"),
        ("+49 30 1234567", "phone"),
        ("(030) 123-4567", "phone"),
        ("4111 1111 1111 1111", "card"),
        (4111111111111111, "card"),
        ("DE89 3704 0044 0532 0130 00", "iban"),
        ("192.168.10.4", "ip"),
        ("2001:db8::1", "ip"),
        ("2024-01-05", None),
        ("12.50", None),
        ("4111 1111 1111 1112", None),  # fails Luhn
        ("Rock and Roll", None),
        (1234567, None),
        ("DE00 0000 0000 0000 0000 00", None),  # bad IBAN checksum
    ],
)
def test_personal_values_are_recognised(value, kind):
    assert personal_kind(value) == kind


def test_column_names_announce_personal_columns():
    assert name_hint("CustomerEmail") == "email"
    assert name_hint("phone_number") == "phone"
    assert name_hint("ip") == "ip" and name_hint("client_ip_address") == "ip"
    assert name_hint("shipping_method") is None
    assert column_personal_kind("contact", ["a@b.co", "x", "y", "z"]) == "email"  # 25% look like emails
    assert column_personal_kind("notes", ["a@b.co"] + ["free text"] * 9) is None


def test_personal_columns_report_only_their_kind():
    values = [f"user{i}@example.com" for i in range(30)] + [None] * 10
    stats = column_stats("contact", "VARCHAR(80)", values, "raw")
    assert stats["personal"] == "email"
    assert not {"min", "max", "top_values", "shape"} & set(stats)
    assert "example.com" not in json.dumps(stats)
    assert stats["null_ratio"] == 0.25


def test_masked_text_sends_shapes_and_repeated_values_only():
    codes = ["AB-1234", "CD-5678", "EF-9012", "GH-3456"] * 5 + ["Unique Name"]
    stats = column_stats("code", "VARCHAR(20)", codes, "masked")
    assert stats["shape"] == "XX-9999"
    assert "min" not in stats and "max" not in stats
    status = column_stats("status", "TEXT", ["paid"] * 5 + ["shipped"] * 3 + ["lost"], "masked")
    assert status["top_values"] == ["paid", "shipped"]  # "lost" was seen once
    raw = column_stats("status", "TEXT", ["paid"] * 5 + ["shipped"] * 3 + ["lost"], "raw")
    assert raw["top_values"] == ["paid", "shipped", "lost"] and raw["min"] == "lost"


def test_numbers_and_dates_keep_their_range():
    stats = column_stats("total", "NUMERIC(10, 2)", [1.5, 20, None, 7], "masked")
    assert (stats["min"], stats["max"], stats["null_ratio"]) == (1.5, 20, 0.25)
    assert stats["distinct_count"] == 3 and not stats["distinct_capped"]
    many = column_stats("id", "INTEGER", list(range(500)), "masked")
    assert many["distinct_count"] == 100 and many["distinct_capped"] and "top_values" not in many


def test_a_number_column_is_personal_only_through_card_length_integers():
    cards = [4111111111111111, 5500005555555559, 4012888888881881] * 4
    stats = column_stats("reference", "BIGINT", cards + list(range(1, 40)), "masked")
    assert stats["personal"] == "card" and "max" not in stats  # 12 of 51 values: over the column share
    assert "personal" not in column_stats("reference", "BIGINT", cards[:1] + list(range(100, 200)), "masked")
    long_ids = column_stats("id", "BIGINT", [10**12 - 1, 10**11, 123456789], "masked")
    assert "personal" not in long_ids and long_ids["max"] == 10**12 - 1
    # SQLite hands back mixed types in one column: each value is still looked at
    mixed = column_stats("reference", "NUMERIC", [*cards, "n/a", 2.5], "masked")
    assert mixed["personal"] == "card"
    assert column_stats("customer_phone", "INTEGER", [1, 2, 3], "masked")["personal"] == "phone"  # its name says so


def test_value_classes_and_shapes():
    assert [
        value_class(t) for t in ("BYTEA", "INTEGER", "TIMESTAMP WITHOUT TIME ZONE", "BOOLEAN", "VARCHAR(5)", "JSONB")
    ] == ["binary", "numeric", "temporal", "boolean", "text", "document"]
    assert shape("Anna-Maria 42") == "Xxxx-Xxxxx 99"


def test_profile_table_reads_one_bounded_sample(tmp_path):
    path = tmp_path / "p.db"
    conn = sqlite3.connect(path)
    conn.execute('CREATE TABLE "odd ""t" (id INTEGER, email TEXT, body BLOB, note TEXT, status TEXT)')
    conn.executemany(
        'INSERT INTO "odd ""t" VALUES (?,?,?,?,?)',
        [
            (i, f"u{i}@example.com", b"\x00" * 10, "x" * 400 if i == 3 else None, ["new", "old"][i % 2])
            for i in range(50)
        ],
    )
    conn.commit()
    conn.close()
    engine = sa.create_engine(f"sqlite:///{path}")
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with engine.connect() as c:
        profile = profile_table(
            c,
            None,
            'odd "t',
            [("id", "INTEGER"), ("email", "TEXT"), ("body", "BLOB"), ("note", "TEXT"), ("status", "TEXT")],
            ProfileSettings(sample_rows=20),
        )
    engine.dispose()
    stats = profile.stats
    assert len(statements) == 1 and "LIMIT" in statements[0]
    assert stats["id"]["sample_rows"] == 20 and stats["id"]["max"] == 19
    assert stats["email"]["personal"] == "email"
    assert stats["body"] == {"sample_rows": 20, "null_ratio": 0.0}
    assert stats["note"]["max_length"] == 256  # long text is read as a prefix
    assert stats["status"]["top_values"] == ["new", "old"]


@pytest.mark.parametrize(
    "name, secret",
    [
        ("password", True),
        ("PasswordHash", True),
        ("passwd", True),
        ("pwd", True),
        ("client_secret", True),
        ("access_token", True),
        ("api_key", True),
        ("APIKey", True),
        ("private_key", True),
        ("salt", True),
        ("ssn", True),
        ("primary_key", False),
        ("sort_key", False),
        ("passenger", False),
        ("hashtag", False),
        ("first_name", False),
    ],
)
def test_secret_column_names(name, secret):
    assert secret_name(name) is secret


@pytest.mark.parametrize(
    "value, secret",
    [
        ("8cb2237d0679ca88db6464eac60da96345513964", True),  # sha1 hex
        ("5f4dcc3b5aa765d61d8327deb882cf99", True),  # md5 hex
        ("$2b$12$KIXQJ1b0bq1H3yD7Xp0b7uX0hQk7y5Yx6m1v0vZc7yq3m7h7b8h6e", True),  # bcrypt
        ("$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", True),
        ("pbkdf2_sha256$260000$salt$hashhashhashhash", True),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", True),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA", True),
        ("sk-proj-abcdefghijklmnopqrstuvwx", True),
        ("AKIAIOSFODNN7EXAMPLE", True),
        ("dGhpcyBpcyBhIHNlY3JldCB0b2tlbiBmb3IgdGVzdHM2", True),  # a random-looking base64 token
        ("For Those About To Rock We Salute You", False),
        ("2024-01-05 10:00:00", False),
        ("550e8400-e29b-41d4-a716-446655440000", False),  # a UUID is an identifier, not a secret
        ("https://example.com/a/b", False),
        (12345678901234567890, False),
    ],
)
def test_secret_looking_values(value, secret):
    assert secret_value(value) is secret


def test_person_names_are_masked_unless_raw():
    names = ["Mary", "Patricia", "Linda"] * 4
    masked = column_stats("FirstName", "VARCHAR(40)", names, "masked")
    assert masked["personal"] == "person_name" and masked["distinct_count"] == 3
    assert not {"top_values", "min", "max", "shape"} & set(masked)
    assert column_stats("FirstName", "VARCHAR(40)", names, "raw")["top_values"] == ["Mary", "Patricia", "Linda"]
    assert "personal" not in column_stats("name", "VARCHAR(40)", ["Rock", "Jazz"] * 3, "masked")


def test_structured_values_report_counts_and_lengths_only():
    stats = column_stats("tags", "TEXT[]", [["a", "b"], ["a"], None, ["a", "b"]], "raw")
    assert stats == {
        "sample_rows": 4,
        "null_ratio": 0.25,
        "distinct_count": 2,
        "distinct_capped": False,
        "min_length": 5,
        "max_length": 10,
    }
    assert value_class("INTEGER[3]") == value_class("MAP(VARCHAR, INTEGER)") == value_class("TSRANGE") == "document"


def test_secret_columns_are_not_read_and_secret_values_are_dropped(tmp_path):
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE staff (id INTEGER, password TEXT, fingerprint TEXT, note TEXT)")
    digest = "8cb2237d0679ca88db6464eac60da96345513964"
    conn.executemany("INSERT INTO staff VALUES (?,?,?,?)", [(i, digest, digest, "ok") for i in range(6)])
    conn.commit()
    conn.close()
    engine = sa.create_engine(f"sqlite:///{path}")
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    columns = [("id", "INTEGER"), ("password", "TEXT"), ("fingerprint", "TEXT"), ("note", "TEXT")]
    with engine.connect() as c:
        profile = profile_table(c, None, "staff", columns, ProfileSettings(sample_mode="raw"))
    engine.dispose()
    assert "password" not in statements[0]  # never selected
    assert profile.withheld == {"password": "secret", "fingerprint": "secret"}
    assert set(profile.stats) == {"id", "note"} and digest not in json.dumps(profile.stats)


def test_the_prompt_shows_a_withheld_column_by_type_only():
    facts = TableFacts("public", "staff", columns=(ColumnFacts("password", "VARCHAR(40)", withheld="secret"),))
    column = fenced_data(build_prompt(facts).user)["columns"][0]
    assert column == {"name": "password", "type": "VARCHAR(40)", "nullable": True, "values": "withheld (secret)"}
