"""Profiling: bounded, useful statistics, and nothing personal ever leaves it."""

from __future__ import annotations

import json
import sqlite3

import pytest
import sqlalchemy as sa

from amx_core.analyze.personal import column_personal_kind, name_hint, personal_kind
from amx_core.analyze.profiling import ProfileSettings, column_stats, profile_table, shape, value_class


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


def test_value_classes_and_shapes():
    assert [
        value_class(t) for t in ("BYTEA", "INTEGER", "TIMESTAMP WITHOUT TIME ZONE", "BOOLEAN", "VARCHAR(5)", "JSONB")
    ] == ["binary", "numeric", "temporal", "boolean", "text", "other"]
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
        stats = profile_table(
            c,
            None,
            'odd "t',
            [("id", "INTEGER"), ("email", "TEXT"), ("body", "BLOB"), ("note", "TEXT"), ("status", "TEXT")],
            ProfileSettings(sample_rows=20),
        )
    engine.dispose()
    assert len(statements) == 1 and "LIMIT" in statements[0]
    assert stats["id"]["sample_rows"] == 20 and stats["id"]["max"] == 19
    assert stats["email"]["personal"] == "email"
    assert stats["body"] == {"sample_rows": 20, "null_ratio": 0.0}
    assert stats["note"]["max_length"] == 256  # long text is read as a prefix
    assert stats["status"]["top_values"] == ["new", "old"]
