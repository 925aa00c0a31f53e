"""Cadence validation and hand-checked fire times across DST transitions (the policy of docs/ARCHITECTURE.md §6.4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amx_core.errors import ValidationError
from amx_core.timing import format_local, is_sub_hourly, next_fire_after, next_fires, validate_cadence


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def utcs(*texts: str) -> list[datetime]:
    return [utc(t) for t in texts]


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("expr", "normalised"),
    [
        ("0 9 * * 1-5", "0 9 * * 1-5"),
        ("  0   9 *  * mon-fri ", "0 9 * * MON-FRI"),
        ("*/15 * * * *", "*/15 * * * *"),
        ("0 0 L * *", "0 0 L * *"),
        ("0 0 * * sun#2", "0 0 * * SUN#2"),
        ("0 0 29 2 *", "0 0 29 2 *"),
        ("0 0 31 2 1", "0 0 31 2 1"),  # day-of-month OR day-of-week: fires on Mondays in February
        ("@hourly", "0 * * * *"),
        ("@Daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@weekly", "0 0 * * 0"),
        ("@monthly", "0 0 1 * *"),
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
    ],
)
def test_valid_expressions_are_normalised(expr: str, normalised: str) -> None:
    assert validate_cadence(expr) == normalised


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("0 0 30 2 *", "'0 0 30 2 *' can never fire: no calendar date matches it"),
        ("0 0 31 4,6,9,11 *", "'0 0 31 4,6,9,11 *' can never fire: no calendar date matches it"),
        ("60 * * * *", "invalid minute field '60' in '60 * * * *' (allowed: 0-59, with , - / *)"),
        ("0 24 * * *", "invalid hour field '24' in '0 24 * * *' (allowed: 0-23, with , - / *)"),
        ("0 0 32 * *", "invalid day-of-month field '32' in '0 0 32 * *' (allowed: 1-31, L, W, with , - / *)"),
        ("0 0 * 13 *", "invalid month field '13' in '0 0 * 13 *' (allowed: 1-12 or JAN-DEC, with , - / *)"),
        (
            "0 0 * * FUN",
            "invalid day-of-week field 'FUN' in '0 0 * * FUN' (allowed: 0-7 or SUN-SAT, #, L, with , - / *)",
        ),
        ("*/0 * * * *", "invalid minute field '*/0' in '*/0 * * * *' (allowed: 0-59, with , - / *)"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4 in '* * * *'"),
        ("0 0 * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 6 in '0 0 * * * *'"),
        ("0 0 * * * 2030", "expected 5 fields (minute hour day-of-month month day-of-week), got 6 in '0 0 * * * 2030'"),
        ("H 9 * * *", "'H 9 * * *' uses hashed or random values (H, R), which are not supported"),
        ("0 R * * *", "'0 R * * *' uses hashed or random values (H, R), which are not supported"),
        (
            "@reboot",
            "unknown cron shortcut '@reboot' (use one of @annually, @daily, @hourly, @midnight, @monthly, @weekly, @yearly)",  # noqa: E501 - the expected message, whole
        ),
        ("0 9 * * *\n", "cron expression contains a control character: '0 9 * * *\\n'"),
        ("0\t9 * * *", "cron expression contains a control character: '0\\t9 * * *'"),
        ("0 9 * * *\x1b[2J", "cron expression contains a control character: '0 9 * * *\\x1b[2J'"),
        ("０ 9 * * *", "expected a cron expression like '0 9 * * 1-5', got '０ 9 * * *'"),
        ("", "empty cron expression (leave the cadence out for a one-shot schedule)"),
        ("   ", "empty cron expression (leave the cadence out for a one-shot schedule)"),
    ],
)
def test_invalid_expressions_are_refused_with_a_reason(expr: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_cadence(expr, field="cadence")
    assert info.value.field == "cadence"
    assert info.value.detail == message


def test_next_fires_validates_too() -> None:
    with pytest.raises(ValidationError) as info:
        next_fires("0 0 30 2 *", "UTC", utc("2026-01-01T00:00"), 3)
    assert info.value.field == "cron"
    with pytest.raises(ValidationError) as info:
        next_fires("0 9 * * *", "Nowhere/Land", utc("2026-01-01T00:00"), 3)
    assert info.value.field == "tz"


@pytest.mark.parametrize(
    ("expr", "sub"),
    [
        ("* * * * *", True),
        ("*/15 * * * *", True),
        ("0,30 * * * *", True),
        ("*/30 1-3 * * *", True),
        ("0-1 9 * * *", True),
        ("0 * * * *", False),
        ("30 2 * * *", False),
        ("0 */2 * * *", False),
        ("0 1-3 * * *", False),
        ("@hourly", False),
    ],
)
def test_is_sub_hourly_looks_at_the_minute_field(expr: str, sub: bool) -> None:
    assert is_sub_hourly(expr) is sub


# ---------------------------------------------------------------- the basics


def test_fires_are_strictly_after_the_start_and_aware_utc() -> None:
    fires = next_fires("0 9 * * *", "UTC", utc("2026-01-01T09:00"), 3)
    assert fires == utcs("2026-01-02T09:00", "2026-01-03T09:00", "2026-01-04T09:00")
    assert all(f.tzinfo is UTC for f in fires)


def test_a_start_between_minutes_is_handled() -> None:
    assert next_fires("* * * * *", "UTC", utc("2026-01-01T09:00:30"), 2) == utcs("2026-01-01T09:01", "2026-01-01T09:02")


def test_naive_start_is_taken_as_utc_and_aware_starts_in_any_zone_mean_their_instant() -> None:
    expected = next_fires("0 9 * * *", "Europe/Berlin", utc("2026-01-01T00:00"), 2)
    assert next_fires("0 9 * * *", "Europe/Berlin", datetime(2026, 1, 1), 2) == expected
    in_tokyo = utc("2026-01-01T00:00").astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    assert next_fires("0 9 * * *", "Europe/Berlin", in_tokyo, 2) == expected


@pytest.mark.parametrize("count", [0, -3])
def test_no_count_no_fires(count: int) -> None:
    assert next_fires("* * * * *", "UTC", utc("2026-01-01T00:00"), count) == []


def test_next_fire_after_is_the_first_of_next_fires() -> None:
    start = utc("2026-03-28T23:00")
    assert (
        next_fire_after("30 2 * * *", "Europe/Berlin", start) == next_fires("30 2 * * *", "Europe/Berlin", start, 1)[0]
    )


def test_next_fire_after_is_none_past_the_end_of_time() -> None:
    assert next_fire_after("0 0 1 1 *", "UTC", datetime(9999, 6, 1, tzinfo=UTC)) is None


def test_leap_day_fires_every_four_years() -> None:
    assert next_fires("0 0 29 2 *", "UTC", utc("2026-01-01T00:00"), 3) == utcs(
        "2028-02-29T00:00", "2032-02-29T00:00", "2036-02-29T00:00"
    )


@pytest.mark.parametrize(
    ("zone", "first"),
    [
        ("Asia/Kolkata", "2026-01-01T03:30"),
        ("Asia/Kathmandu", "2026-01-01T03:15"),
        ("Pacific/Chatham", "2025-12-31T19:15"),
    ],
)
def test_odd_offset_zones(zone: str, first: str) -> None:
    fires = next_fires("0 9 * * *", zone, utc("2025-12-31T12:00"), 3)
    assert fires[0] == utc(first)
    assert [f - fires[0] for f in fires] == [timedelta(0), timedelta(days=1), timedelta(days=2)]


# ---------------------------------------------------------------- hand-checked DST cases


def test_berlin_daily_0230_in_the_spring_gap_fires_at_0300_cest() -> None:
    # 2026-03-29: clocks jump 02:00 CET -> 03:00 CEST at 01:00Z; 02:30 does not exist that day.
    fires = next_fires("30 2 * * *", "Europe/Berlin", utc("2026-03-27T12:00"), 3)
    assert fires == utcs("2026-03-28T01:30", "2026-03-29T01:00", "2026-03-30T00:30")
    assert [format_local(f, "Europe/Berlin") for f in fires] == [
        "2026-03-28 02:30 CET (+01:00)",
        "2026-03-29 03:00 CEST (+02:00)",
        "2026-03-30 02:30 CEST (+02:00)",
    ]


def test_berlin_hourly_in_the_spring_gap_collapses_onto_0300() -> None:
    # 02:00 is in the gap and maps to 03:00 CEST = 01:00Z, the same instant as 03:00 itself: one fire.
    assert next_fires("0 * * * *", "Europe/Berlin", utc("2026-03-28T23:30"), 4) == utcs(
        "2026-03-29T00:00", "2026-03-29T01:00", "2026-03-29T02:00", "2026-03-29T03:00"
    )


def test_berlin_hourly_in_the_autumn_repeat_fires_once() -> None:
    # 2026-10-25: 03:00 CEST -> 02:00 CET at 01:00Z; 02:00 happens at 00:00Z and 01:00Z; hourly fires at the first.
    assert next_fires("0 * * * *", "Europe/Berlin", utc("2026-10-24T22:30"), 4) == utcs(
        "2026-10-24T23:00", "2026-10-25T00:00", "2026-10-25T02:00", "2026-10-25T03:00"
    )


def test_berlin_half_hourly_in_the_autumn_repeat_fires_at_every_real_instant() -> None:
    assert next_fires("*/30 * * * *", "Europe/Berlin", utc("2026-10-24T23:15"), 7) == utcs(
        "2026-10-24T23:30",  # 01:30 CEST
        "2026-10-25T00:00",  # 02:00 CEST
        "2026-10-25T00:30",  # 02:30 CEST
        "2026-10-25T01:00",  # 02:00 CET
        "2026-10-25T01:30",  # 02:30 CET
        "2026-10-25T02:00",  # 03:00 CET
        "2026-10-25T02:30",
    )


def test_new_york_daily_0100_fires_once_on_the_fall_back_day() -> None:
    # 2026-11-01: 02:00 EDT -> 01:00 EST at 06:00Z; 01:00 happens at 05:00Z and 06:00Z.
    assert next_fires("0 1 * * *", "America/New_York", utc("2026-10-31T00:00"), 3) == utcs(
        "2026-10-31T05:00", "2026-11-01T05:00", "2026-11-02T06:00"
    )


def test_new_york_half_hourly_fires_in_both_passes_of_the_repeated_hour() -> None:
    assert next_fires("*/30 * * * *", "America/New_York", utc("2026-11-01T04:45"), 6) == utcs(
        "2026-11-01T05:00",
        "2026-11-01T05:30",
        "2026-11-01T06:00",
        "2026-11-01T06:30",
        "2026-11-01T07:00",
        "2026-11-01T07:30",
    )


def test_new_york_starting_inside_the_repeated_hour() -> None:
    # From 01:40 EDT (05:40Z) the rest of the first pass is 01:45 EDT, then the whole second pass follows.
    assert next_fires("*/15 * * * *", "America/New_York", utc("2026-11-01T05:40"), 6) == utcs(
        "2026-11-01T05:45",
        "2026-11-01T06:00",
        "2026-11-01T06:15",
        "2026-11-01T06:30",
        "2026-11-01T06:45",
        "2026-11-01T07:00",
    )
    # From 01:10 EST (06:10Z), in the second pass, nothing of the first pass comes back.
    assert next_fires("*/15 * * * *", "America/New_York", utc("2026-11-01T06:10"), 2) == utcs(
        "2026-11-01T06:15", "2026-11-01T06:30"
    )


def test_new_york_spring_gap() -> None:
    # 2026-03-08: 02:00 EST -> 03:00 EDT at 07:00Z.
    assert next_fires("30 2 * * *", "America/New_York", utc("2026-03-07T12:00"), 3) == utcs(
        "2026-03-08T07:00", "2026-03-09T06:30", "2026-03-10T06:30"
    )
    assert next_fires("*/30 * * * *", "America/New_York", utc("2026-03-08T06:10"), 4) == utcs(
        "2026-03-08T06:30", "2026-03-08T07:00", "2026-03-08T07:30", "2026-03-08T08:00"
    )


def test_lord_howe_half_hour_gap_0200_to_0230() -> None:
    # 2026-10-04: 02:00 +10:30 -> 02:30 +11:00 at 2026-10-03 15:30Z.
    assert next_fires("0 2 * * *", "Australia/Lord_Howe", utc("2026-10-01T12:00"), 4) == utcs(
        "2026-10-01T15:30", "2026-10-02T15:30", "2026-10-03T15:30", "2026-10-04T15:00"
    )
    # 02:00 and 02:15 are in the gap and collapse with the real 02:30 into one instant.
    assert next_fires("*/15 * * * *", "Australia/Lord_Howe", utc("2026-10-03T15:00"), 4) == utcs(
        "2026-10-03T15:15", "2026-10-03T15:30", "2026-10-03T15:45", "2026-10-03T16:00"
    )


def test_lord_howe_half_hour_repeat_0130_to_0200() -> None:
    # 2026-04-05: 02:00 +11:00 -> 01:30 +10:30 at 2026-04-04 15:00Z; 01:30-02:00 happens twice.
    assert next_fires("*/15 * * * *", "Australia/Lord_Howe", utc("2026-04-04T14:00"), 7) == utcs(
        "2026-04-04T14:15",  # 01:15 +11
        "2026-04-04T14:30",  # 01:30 +11
        "2026-04-04T14:45",  # 01:45 +11
        "2026-04-04T15:00",  # 01:30 +10:30
        "2026-04-04T15:15",  # 01:45 +10:30
        "2026-04-04T15:30",  # 02:00 +10:30
        "2026-04-04T15:45",
    )
    assert next_fires("45 1 * * *", "Australia/Lord_Howe", utc("2026-04-03T12:00"), 3) == utcs(
        "2026-04-03T14:45", "2026-04-04T14:45", "2026-04-05T15:15"
    )


def test_santiago_midnight_gap_and_repeat() -> None:
    # 2026-09-06: 00:00 -04 -> 01:00 -03 at 04:00Z. 2026-04-05: 00:00 -03 -> 23:00 -04 (Apr 4) at 03:00Z.
    assert next_fires("0 0 * * *", "America/Santiago", utc("2026-09-04T12:00"), 3) == utcs(
        "2026-09-05T04:00", "2026-09-06T04:00", "2026-09-07T03:00"
    )
    assert next_fires("30 23 * * *", "America/Santiago", utc("2026-04-03T12:00"), 3) == utcs(
        "2026-04-04T02:30", "2026-04-05T02:30", "2026-04-06T03:30"
    )


def test_troll_two_hour_repeat_hourly_fires_once_per_wall_hour() -> None:
    # 2026-10-25: 03:00 +02 -> 01:00 +00 at 01:00Z: 01:00-03:00 happens twice.
    assert next_fires("0 * * * *", "Antarctica/Troll", utc("2026-10-24T22:30"), 4) == utcs(
        "2026-10-24T23:00", "2026-10-25T00:00", "2026-10-25T03:00", "2026-10-25T04:00"
    )
    assert next_fires("*/30 * * * *", "Antarctica/Troll", utc("2026-10-24T23:10"), 8) == utcs(
        "2026-10-24T23:30",
        "2026-10-25T00:00",
        "2026-10-25T00:30",
        "2026-10-25T01:00",
        "2026-10-25T01:30",
        "2026-10-25T02:00",
        "2026-10-25T02:30",
        "2026-10-25T03:00",
    )


def test_apia_skipped_day_fires_at_the_end_of_the_gap() -> None:
    # Samoa skipped 2011-12-30 entirely (-10:00 -> +14:00 at 2011-12-30 10:00Z).
    assert next_fires("0 9 * * *", "Pacific/Apia", utc("2011-12-28T12:00"), 4) == utcs(
        "2011-12-28T19:00", "2011-12-29T19:00", "2011-12-30T10:00", "2011-12-30T19:00"
    )


@pytest.mark.parametrize("expr", [None, 5, ["0", "9", "*", "*", "*"]])
def test_non_text_is_refused_as_bad_input(expr) -> None:
    with pytest.raises(ValidationError) as info:
        validate_cadence(expr)  # type: ignore[arg-type]
    assert info.value.field == "cron"
    assert info.value.detail == f"expected a cron expression like '0 9 * * 1-5', got {expr!r}"
