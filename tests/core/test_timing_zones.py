"""Zone names: IANA only, the machine's zone as default, messages that say what to type."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from amx_core.errors import ValidationError
from amx_core.timing import local_zone_name, resolve_zone, stored_zone, zone_names


def test_zone_names_are_sorted_iana_names_for_completion() -> None:
    names = zone_names()
    assert names == sorted(names)
    for name in ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"):
        assert name in names
    assert "localtime" not in names and "posixrules" not in names
    assert len(names) > 400


def test_zone_names_hands_out_a_copy() -> None:
    zone_names().clear()
    assert "UTC" in zone_names()


def test_resolve_zone_returns_the_zone() -> None:
    zone = resolve_zone("Asia/Kolkata")
    assert isinstance(zone, ZoneInfo)
    assert zone.key == "Asia/Kolkata"


@pytest.mark.parametrize("name", [None, "", "  "])
def test_no_name_means_the_machine_zone(name, monkeypatch) -> None:
    monkeypatch.setattr("amx_core.timing.zones.local_zone_name", lambda: "Pacific/Chatham")
    assert resolve_zone(name).key == "Pacific/Chatham"


@pytest.mark.parametrize(
    "name",
    ["Mars/Base", "Europe", "localtime", "../etc/passwd", "/etc/localtime", "Europe/Berlin\n", "CET\x00", "a" * 300],
)
def test_unknown_zone_names_the_field_and_shows_the_text(name: str) -> None:
    with pytest.raises(ValidationError) as info:
        resolve_zone(name, field="timezone")
    assert info.value.field == "timezone"
    assert info.value.detail.startswith(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)")


def test_a_wrongly_cased_name_gets_a_suggestion() -> None:
    with pytest.raises(ValidationError) as info:
        resolve_zone("europe/berlin")
    assert info.value.field == "tz"
    assert info.value.detail == (
        "unknown time zone 'europe/berlin' (use an IANA name such as Europe/Berlin); did you mean Europe/Berlin?"
    )


def test_local_zone_name_is_an_iana_name(monkeypatch) -> None:
    monkeypatch.setattr("tzlocal.get_localzone_name", lambda: "America/Santiago")
    assert local_zone_name() == "America/Santiago"


@pytest.mark.parametrize("answer", [None, "localtime", "Not/AZone"])
def test_local_zone_name_falls_back_to_utc_when_the_machine_has_no_iana_name(answer, monkeypatch) -> None:
    monkeypatch.setattr("tzlocal.get_localzone_name", lambda: answer)
    assert local_zone_name() == "UTC"


def test_local_zone_name_falls_back_to_utc_when_tzlocal_fails(monkeypatch) -> None:
    def broken():
        raise LookupError("no zone configured")

    monkeypatch.setattr("tzlocal.get_localzone_name", broken)
    assert local_zone_name() == "UTC"


def test_a_stored_zone_is_the_zone_resolve_zone_gives_without_listing_them() -> None:
    for name in zone_names():
        assert stored_zone(name) is resolve_zone(name)
    assert stored_zone("") is resolve_zone("") and stored_zone(None) is resolve_zone(None)


@pytest.mark.parametrize(
    "name",
    [
        "localtime",
        "posixrules",
        "Factory",
        "posix/Europe/Berlin",
        "right/UTC",
        "Europe",
        "europe/berlin",
        "Mars/Olympus",
        "../etc/passwd",
        "/etc/localtime",
        "Europe//Berlin",
        "zone.tab",
    ],
)
def test_a_stored_name_that_is_no_zone_is_refused_as_resolve_zone_refuses_it(name: str) -> None:
    with pytest.raises(ValidationError) as resolved:
        resolve_zone(name)
    with pytest.raises(ValidationError) as stored:
        stored_zone(name)
    assert str(stored.value) == str(resolved.value)
