"""Cadence descriptions: plain English on a 24-hour clock, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amx_core.timing import describe_cadence, validate_cadence
from amx_core.timing.cadence import plain_cadence


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        ("0 9 * * 1-5", "At 09:00, Monday through Friday"),
        ("0 9 * * mon-fri", "At 09:00, Monday through Friday"),
        ("30 14 * * *", "At 14:30"),
        ("*/15 * * * *", "Every 15 minutes"),
        ("0 0 1 * *", "At 00:00, on day 1 of the month"),
        ("@daily", "At 00:00"),
        ("*/30 1-3 * * *", "Every 30 minutes, between 01:00 and 03:59"),
    ],
)
def test_english_on_a_24_hour_clock(expr: str, text: str) -> None:
    assert describe_cadence(expr) == text


@pytest.mark.parametrize("expr", ["not cron", "0 0 30 2 *", "", "0 9 * * *\x1b", "61 * * * *"])
def test_an_expression_it_cannot_read_comes_back_unchanged(expr: str) -> None:
    assert describe_cadence(expr) == expr


def test_never_raises_even_for_non_text() -> None:
    assert describe_cadence(None) == "None"  # type: ignore[arg-type]


def test_falls_back_to_the_expression_when_the_describer_fails(monkeypatch) -> None:
    import cron_descriptor

    def broken(*args, **kwargs):
        raise RuntimeError("describer broke")

    describe_cadence.cache_clear()  # memoised: a cached text would hide the broken describer
    monkeypatch.setattr(cron_descriptor, "ExpressionDescriptor", broken)
    try:
        assert describe_cadence("0 9 * * *") == "0 9 * * *"
    finally:
        describe_cadence.cache_clear()


_FIELD = st.sampled_from(
    [
        "*",
        "*/0",
        "*/1",
        "*/5",
        "*/7",
        "*/12",
        "*/23",
        "*/24",
        "*/31",
        "*/59",
        "*/60",
        "0",
        "00",
        "1",
        "01",
        "5",
        "6",
        "7",
        "12",
        "13",
        "23",
        "24",
        "28",
        "29",
        "30",
        "31",
        "32",
        "59",
        "60",
        "1-5",
        "MON",
        "L",
        "?",
        "-1",
        "1,2",
        "*/x",
        "",
    ]
)


@given(st.lists(_FIELD, min_size=5, max_size=5).map(" ".join) | st.sampled_from(["@daily", "@hourly", "@reboot"]))
def test_a_plain_cadence_is_what_validation_gives_it(expr):
    plain = plain_cadence(expr)
    if plain is not None:
        assert validate_cadence(expr) == plain


@pytest.mark.parametrize("expr", ["0 * * * *", "*/15 * * * *", "0 9 * * 1", "30 2 31 * *", "0 0 28 2 *", "@daily"])
def test_plain_cadences_are_read_without_croniter(expr):
    assert plain_cadence(expr) == validate_cadence(expr)


@pytest.mark.parametrize("expr", ["0 0 30 2 *", "0 9 * * 1-5", "0 9 * * 7", "*/0 * * * *", "61 * * * *", "0 9 * *"])
def test_anything_else_is_left_to_validation(expr):
    assert plain_cadence(expr) is None
