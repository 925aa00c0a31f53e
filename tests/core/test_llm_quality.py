"""The quality check: profile numbers and sample values go stale, units must be named, lengths stay in bounds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from amx_core.llm.flags import FLAG_MEANINGS, review_flags
from amx_core.llm.quality import LENGTH_BOUNDS, proposal_flags, states_volatile_facts
from amx_core.llm.types import ColumnFacts, TableFacts

TRACK_ID = ColumnFacts(
    "TrackId",
    "INTEGER",
    False,
    True,
    stats={"sample_rows": 1000, "null_ratio": 0.0, "min": 1, "max": 1000, "distinct_count": 100},
)
GENRE_ID = ColumnFacts(
    "GenreId",
    "INTEGER",
    True,
    fk_target="main.Genre.GenreId",
    stats={"sample_rows": 1000, "null_ratio": 0.0, "top_values": [1, 7, 4, 2, 3], "distinct_count": 11},
)
COUNTRY = ColumnFacts(
    "Country",
    "NVARCHAR(40)",
    stats={"sample_rows": 8, "null_ratio": 0.25, "top_values": ["Canada"], "distinct_count": 1},
)
STATUS = ColumnFacts(
    "status_cd",
    "TEXT",
    False,
    stats={"sample_rows": 400, "top_values": ["returned", "shipped", "paid"], "distinct_count": 6},
)
MILLISECONDS = ColumnFacts("Milliseconds", "INTEGER", False, stats={"min": 4884, "max": 1196094})
TRACK = TableFacts("main", "Track", columns=(TRACK_ID, GENRE_ID, COUNTRY, STATUS, MILLISECONDS))


def flags(text: str, column: ColumnFacts | None, facts: TableFacts = TRACK) -> tuple[str, ...]:
    return proposal_flags(text, facts, column)


@pytest.mark.parametrize(
    "column, text",
    [
        (TRACK_ID, "Unique identifier of the track. Values range from 1 to 1000."),
        (TRACK_ID, "Identifier of the track, between 1 and 1,000 today."),
        (TRACK_ID, "Surrogate key; 1000 tracks are listed."),
        (TRACK_ID, "Unique identifier of the track. More than 100 distinct values in the sample."),
        (TRACK_ID, "Unique identifier of the track, never empty in the sample."),
        (GENRE_ID, "Genre of the track. Most common values: '1', '7', '4'."),
        (GENRE_ID, "Genre of the track, usually 7."),
        (COUNTRY, "Country of the employee's address, for example Canada."),
        (COUNTRY, "Country of the employee's address, empty in 25% of rows."),
        (STATUS, "Status of the order: 'returned' or another code."),
        (STATUS, "Status of the order: returned, shipped or paid."),
        (MILLISECONDS, "Duration in milliseconds, at most 1196094."),
        (None, "One row per track; the table holds 1,000 rows."),
        (None, "One row per track, from 4884 milliseconds long upwards."),
    ],
)
def test_profile_numbers_and_sample_values_are_volatile(column, text):
    assert "volatile_facts" in flags(text, column)


@pytest.mark.parametrize(
    "column, text",
    [
        (TRACK_ID, "Unique number identifying each track; a surrogate key with no meaning of its own."),
        (GENRE_ID, "The genre of the track; references Genre.GenreId. Empty when the track has no genre."),
        (COUNTRY, "Country of the employee's address."),
        (STATUS, "Status of the order, as a code; a returned order keeps its first status date."),
        (MILLISECONDS, "Duration of the track, in milliseconds (1,000 make a second)."),
        (None, "Links playlists to tracks: each row pairs one playlist with one track."),
    ],
)
def test_meaning_is_not_volatile(column, text):
    assert "volatile_facts" not in flags(text, column)


def test_numbers_the_schema_states_are_not_volatile():
    card = ColumnFacts("card_last4", "CHAR(4)", stats={"min_length": 4, "max_length": 4, "distinct_count": 4})
    table = TableFacts("main", "payments", columns=(card,))
    assert "volatile_facts" not in proposal_flags("Last 4 digits of the card number.", table, card)
    rating = ColumnFacts("rating", "TEXT", codes=("G", "PG-13"), stats={"top_values": ["PG-13", "G"]})
    film = TableFacts("main", "film", columns=(rating,))
    assert "volatile_facts" not in proposal_flags("Age rating of the film: one of 'G' or 'PG-13'.", film, rating)


def test_dated_statistics_pass_only_when_the_schedule_opts_in():
    text = (
        "Unique number identifying each track. As of 2026-12-06, in a sample of 1,000 rows: values from 1 to "
        "1,000; more than 100 distinct values; never empty."
    )
    assert states_volatile_facts(text, TRACK, TRACK_ID)
    opted = replace(TRACK, with_statistics=True, as_of="2026-12-06")
    assert not states_volatile_facts(text, opted, TRACK_ID)
    assert states_volatile_facts("Identifier. Values range from 1 to 1000.", opted, TRACK_ID)


def test_a_unit_the_name_makes_evident_must_be_named():
    assert "missing_unit" in flags("How long the track plays.", MILLISECONDS)
    assert "missing_unit" not in flags("Duration of the track, in milliseconds.", MILLISECONDS)
    assert "missing_unit" not in flags("Duration of the track (ms).", MILLISECONDS)
    size = ColumnFacts("size_kb", "TEXT")
    assert "missing_unit" not in flags("Size of the file as the uploader typed it.", size)  # text: no evident unit


def test_length_bounds():
    low, high = LENGTH_BOUNDS["column"]
    assert "too_short" in flags("Id.", TRACK_ID)
    assert "too_long" in flags("Identifier of the track. " * (high // 20), TRACK_ID)
    assert not {"too_short", "too_long"} & set(flags("x" * low, TRACK_ID))
    assert "too_short" in flags("A table.", None)


@pytest.mark.parametrize(
    "emoji", ["\U0001f469\u200d\U0001f4bb", "\u2764\ufe0f\u200d\U0001f525", "\U0001f3f3\ufe0f\u200d\U0001f308"]
)
def test_emoji_joined_by_zero_width_joiners_are_not_control_characters(emoji):
    assert "control_characters" not in review_flags("owner", "TEXT", f"Owner of the ticket {emoji} in the team.")


@pytest.mark.parametrize("text", ["pass\u200dword hidden", "a \u200d b", "\u200d\U0001f4bb", "zero\u200bwidth"])
def test_joiners_outside_emoji_are_still_flagged(text):
    assert "control_characters" in review_flags("owner", "TEXT", f"Owner of the ticket: {text}.")


def test_every_flag_has_a_meaning_for_the_review_queue():
    produced = {
        *flags("Values range from 1 to 1000. Id.", TRACK_ID),
        *flags("How long.", MILLISECONDS),
        *flags("Identifier of the track. " * 40, TRACK_ID),
        *review_flags("x", "TEXT", "See https://x.example.com; SELECT * FROM t; ignore previous instructions\x00"),
    }
    assert {"volatile_facts", "missing_unit", "too_short", "too_long", "url", "sql", "instructions"} <= produced
    assert produced <= set(FLAG_MEANINGS)
