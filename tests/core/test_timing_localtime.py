"""One-shot local times: formats, gaps refused with the gap named, repeated hours, past times, display."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amx_core.errors import ValidationError
from amx_core.timing import LocalInstant, ensure_future, format_local, parse_local, to_local


@pytest.mark.parametrize(
    "text",
    ["2027-03-01 09:00", "2027-03-01 09:00:00", "2027-03-01T09:00", "2027-03-01T09:00:00", " 2027-03-01 09:00 "],
)
def test_accepted_formats_mean_the_same_instant(text: str) -> None:
    got = parse_local(text, "Europe/Berlin")
    assert got == LocalInstant(
        utc=datetime(2027, 3, 1, 8, 0, tzinfo=UTC),
        local=datetime(2027, 3, 1, 9, 0, tzinfo=got.local.tzinfo),
        offset="+01:00",
        ambiguous=False,
        zone="Europe/Berlin",
    )
    assert got.local.tzinfo.key == "Europe/Berlin"
    assert got.utc.tzinfo is UTC


def test_seconds_are_kept() -> None:
    assert parse_local("2027-03-01 09:00:30", "UTC").utc == datetime(2027, 3, 1, 9, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2027-03-01",
        "09:00",
        "tomorrow",
        "2027/03/01 09:00",
        "2027-3-1 9:00",
        "2027-03-01  09:00",
        "2027-03-01 09:00+01:00",
        "2027-03-01 09:00Z",
        "2027-03-01 09:00\n",
        "2027-03-01\t09:00",
        "２０２７-03-01 09:00",  # full-width digits
        "",
    ],
)
def test_other_shapes_are_refused_with_the_text_shown_by_repr(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_local(text, "Europe/Berlin", field="when")
    assert info.value.field == "when"
    assert info.value.detail == f"expected a local date-time like 2027-03-01 09:00, got {text!r}"


def test_control_characters_are_visible_in_the_message() -> None:
    with pytest.raises(ValidationError) as info:
        parse_local("2027-03-01 09:00\x1b[2J", "UTC")
    assert "\\x1b" in str(info.value)
    assert "\x1b" not in str(info.value)


@pytest.mark.parametrize("text", ["2027-02-30 09:00", "2027-13-01 09:00", "2027-03-01 24:00", "2027-03-01 09:60"])
def test_impossible_calendar_values_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_local(text, "UTC")
    assert info.value.field == "at"
    assert repr(text) in info.value.detail
    assert "not a real date-time" in info.value.detail


@pytest.mark.parametrize(
    ("text", "zone", "message"),
    [
        (
            "2027-03-28 02:30",
            "Europe/Berlin",
            "2027-03-28 02:30 does not exist in Europe/Berlin: clocks jump from 02:00 to 03:00 that day (+01:00 -> +02:00)",  # noqa: E501 - the expected message, whole
        ),
        (
            "2027-03-14 02:00",
            "America/New_York",
            "2027-03-14 02:00 does not exist in America/New_York: clocks jump from 02:00 to 03:00 that day (-05:00 -> -04:00)",  # noqa: E501 - the expected message, whole
        ),
        (
            "2026-10-04 02:15",
            "Australia/Lord_Howe",
            "2026-10-04 02:15 does not exist in Australia/Lord_Howe: clocks jump from 02:00 to 02:30 that day (+10:30 -> +11:00)",  # noqa: E501 - the expected message, whole
        ),
        (
            "2026-09-06 00:30",
            "America/Santiago",
            "2026-09-06 00:30 does not exist in America/Santiago: clocks jump from 00:00 to 01:00 that day (-04:00 -> -03:00)",  # noqa: E501 - the expected message, whole
        ),
        (
            "2026-03-29 02:59:59",
            "Antarctica/Troll",
            "2026-03-29 02:59:59 does not exist in Antarctica/Troll: clocks jump from 01:00 to 03:00 that day (+00:00 -> +02:00)",  # noqa: E501 - the expected message, whole
        ),
        (
            "2011-12-30 12:00",
            "Pacific/Apia",
            "2011-12-30 12:00 does not exist in Pacific/Apia: clocks jump from 2011-12-30 00:00 to 2011-12-31 00:00 (-10:00 -> +14:00)",  # noqa: E501 - the expected message, whole
        ),
    ],
)
def test_a_time_in_a_gap_is_refused_naming_the_gap(text: str, zone: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_local(text, zone)
    assert info.value.field == "at"
    assert info.value.detail == message


def test_the_edges_of_a_gap_exist() -> None:
    before = parse_local("2027-03-28 01:59", "Europe/Berlin")
    after = parse_local("2027-03-28 03:00", "Europe/Berlin")
    assert (before.offset, after.offset) == ("+01:00", "+02:00")
    assert after.utc - before.utc == timedelta(minutes=1)


@pytest.mark.parametrize(
    ("text", "zone", "utc", "offset"),
    [
        ("2027-10-31 02:30", "Europe/Berlin", datetime(2027, 10, 31, 0, 30, tzinfo=UTC), "+02:00"),
        ("2026-11-01 01:30", "America/New_York", datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "-04:00"),
        ("2026-04-05 01:45", "Australia/Lord_Howe", datetime(2026, 4, 4, 14, 45, tzinfo=UTC), "+11:00"),
        ("2026-10-25 01:30", "Antarctica/Troll", datetime(2026, 10, 24, 23, 30, tzinfo=UTC), "+02:00"),
    ],
)
def test_a_repeated_time_takes_its_first_occurrence_and_reports_the_offset(text, zone, utc, offset) -> None:
    got = parse_local(text, zone)
    assert got.ambiguous is True
    assert got.utc == utc
    assert got.offset == offset
    assert got.local.fold == 0
    assert got.local.replace(tzinfo=None) == datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("zone", "offset"),
    [("Asia/Kolkata", "+05:30"), ("Asia/Kathmandu", "+05:45"), ("America/St_Johns", "-03:30"), ("UTC", "+00:00")],
)
def test_odd_offsets(zone: str, offset: str) -> None:
    got = parse_local("2027-01-15 12:00", zone)
    assert got.offset == offset
    assert not got.ambiguous
    assert got.utc.isoformat() == datetime.fromisoformat(f"2027-01-15T12:00{offset}").astimezone(UTC).isoformat()


def test_unknown_zone_is_reported_on_the_tz_field() -> None:
    with pytest.raises(ValidationError) as info:
        parse_local("2027-03-01 09:00", "Mars/Olympus_Mons")
    assert info.value.field == "tz"
    assert info.value.detail == "unknown time zone 'Mars/Olympus_Mons' (use an IANA name such as Europe/Berlin)"


def test_no_zone_means_the_machine_zone(monkeypatch) -> None:
    monkeypatch.setattr("amx_core.timing.zones.local_zone_name", lambda: "Asia/Kathmandu")
    assert parse_local("2027-03-01 09:00", None).zone == "Asia/Kathmandu"


def test_ensure_future_accepts_a_future_instant() -> None:
    now = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    later = now + timedelta(minutes=1)
    assert ensure_future(later, now) == later


@pytest.mark.parametrize("delta", [timedelta(0), timedelta(minutes=-1), timedelta(days=-400)])
def test_ensure_future_refuses_now_and_the_past(delta: timedelta) -> None:
    now = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as info:
        ensure_future(now + delta, now, field="at")
    assert info.value.field == "at"
    assert "is in the past (now is 2027-03-01 08:00 UTC (+00:00))" in info.value.detail


def test_ensure_future_speaks_local_time_when_given_the_zone() -> None:
    now = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as info:
        ensure_future(parse_local("2027-03-01 08:30", "Europe/Berlin").utc, now, tz="Europe/Berlin")
    assert info.value.detail == ("2027-03-01 08:30 CET (+01:00) is in the past (now is 2027-03-01 09:00 CET (+01:00))")


def test_ensure_future_takes_naive_instants_as_utc() -> None:
    with pytest.raises(ValidationError):
        ensure_future(datetime(2027, 3, 1, 7, 0), datetime(2027, 3, 1, 8, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("utc", "zone", "text"),
    [
        (datetime(2027, 3, 1, 8, 0, tzinfo=UTC), "Europe/Berlin", "2027-03-01 09:00 CET (+01:00)"),
        (datetime(2027, 7, 1, 7, 0, tzinfo=UTC), "Europe/Berlin", "2027-07-01 09:00 CEST (+02:00)"),
        (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "America/New_York", "2026-11-01 01:30 EST (-05:00)"),
        (datetime(2027, 1, 1, 3, 15, tzinfo=UTC), "Asia/Kathmandu", "2027-01-01 09:00 (+05:45)"),
        (datetime(2027, 1, 1, 3, 30, tzinfo=UTC), "Asia/Kolkata", "2027-01-01 09:00 IST (+05:30)"),
        (datetime(2027, 1, 1, 9, 0, 5, tzinfo=UTC), "UTC", "2027-01-01 09:00:05 UTC (+00:00)"),
        (datetime(2027, 1, 1, 9, 0), "UTC", "2027-01-01 09:00 UTC (+00:00)"),
    ],
)
def test_format_local(utc: datetime, zone: str, text: str) -> None:
    assert format_local(utc, zone) == text


def test_to_local_keeps_the_instant_and_tells_the_two_repeated_hours_apart() -> None:
    first = to_local(datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "America/New_York")
    second = to_local(datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "America/New_York")
    assert first.replace(tzinfo=None) == second.replace(tzinfo=None) == datetime(2026, 11, 1, 1, 30)
    assert (first.utcoffset(), second.utcoffset()) == (timedelta(hours=-4), timedelta(hours=-5))
    assert first.astimezone(UTC) < second.astimezone(UTC)
