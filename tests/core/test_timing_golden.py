"""Golden fire times: the next 50 fires of a set of cadences across DST transitions in several zones.

The file tests/core/golden/cadence_fires.json freezes what `next_fires` answers with croniter
7.0.0 and the installed tzdata. Regenerate it only on purpose:

    AMX_REGEN_GOLDEN=1 .venv/bin/pytest -q -p no:cacheprovider tests/core/test_timing_golden.py

then review the diff (the transition entries are spelled out in local time with their offset)
before keeping it. `test_golden_file_holds_the_hand_checked_transitions` pins entries that
were checked by hand against docs/ARCHITECTURE.md §6.4, so a regeneration cannot silently change them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from amx_core.timing import next_fires

GOLDEN = Path(__file__).parent / "golden" / "cadence_fires.json"
FIRES_PER_CASE = 50
REGEN = os.environ.get("AMX_REGEN_GOLDEN") == "1"
YEAR_START = "2026-01-01T00:00Z"

# The 2026 transitions each zone crosses ("spring": clocks go forward; "fall": back).
# Zones without DST reuse Berlin's dates, so their files read alike.
ANCHORS = {
    "Europe/Berlin": {"spring": "2026-03-29T01:00Z", "fall": "2026-10-25T01:00Z"},
    "America/New_York": {"spring": "2026-03-08T07:00Z", "fall": "2026-11-01T06:00Z"},
    "Australia/Lord_Howe": {"spring": "2026-10-03T15:30Z", "fall": "2026-04-04T15:00Z"},
    "America/Santiago": {"spring": "2026-09-06T04:00Z", "fall": "2026-04-05T03:00Z"},
    "Asia/Kolkata": {"spring": "2026-03-29T01:00Z", "fall": "2026-10-25T01:00Z"},
    "UTC": {"spring": "2026-03-29T01:00Z", "fall": "2026-10-25T01:00Z"},
}

# (cron, how long before each anchor to start); lead None = start at YEAR_START once.
CADENCES = [
    ("0 * * * *", timedelta(hours=20)),
    ("30 * * * *", timedelta(hours=20)),
    ("*/30 * * * *", timedelta(hours=10)),
    ("*/15 * * * *", timedelta(hours=5)),
    ("*/30 1-3 * * *", timedelta(days=4)),
    ("0 1-3 * * *", timedelta(days=8)),
    ("0 0 * * *", timedelta(days=25)),
    ("0 1 * * *", timedelta(days=25)),
    ("0 2 * * *", timedelta(days=25)),
    ("30 2 * * *", timedelta(days=25)),
    ("0 9 * * 1-5", timedelta(days=30)),
    ("30 2 * * 0", None),
    ("0 0 1 * *", None),
]


@dataclass(frozen=True)
class Case:
    zone: str
    cron: str
    start: str  # ISO UTC, 'Z'

    @property
    def key(self) -> str:
        return f"{self.zone} | {self.cron} | {self.start}"


def parse_z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def iso_z(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def cases() -> list[Case]:
    out = []
    for zone, anchors in ANCHORS.items():
        for cron, lead in CADENCES:
            if lead is None:
                out.append(Case(zone, cron, YEAR_START))
                continue
            for anchor in (anchors["spring"], anchors["fall"]):
                out.append(Case(zone, cron, iso_z(parse_z(anchor) - lead)))
    return out


def local_fires(case: Case) -> list[str]:
    """The fires as local ISO time with offset: '2026-03-29T03:00+02:00' names the instant and the wall time."""
    zone = ZoneInfo(case.zone)
    fires = next_fires(case.cron, case.zone, parse_z(case.start), FIRES_PER_CASE)
    return [f.astimezone(zone).isoformat(timespec="minutes") for f in fires]


def build_golden() -> dict:
    return {
        "about": "next_fires() golden data; regenerate with AMX_REGEN_GOLDEN=1 (see tests/core/test_timing_golden.py)",
        "croniter": version("croniter"),
        "tzdata": version("tzdata"),
        "fires_per_case": FIRES_PER_CASE,
        "cases": {case.key: local_fires(case) for case in cases()},
    }


def load_golden() -> dict:
    if REGEN:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(build_golden(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def golden() -> dict:
    return load_golden()


def test_golden_covers_every_case(golden: dict) -> None:
    assert golden["croniter"] == "7.0.0"
    assert sorted(golden["cases"]) == sorted(case.key for case in cases())
    assert all(len(fires) == FIRES_PER_CASE for fires in golden["cases"].values())


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.key)
def test_next_fires_match_the_golden_file(case: Case, golden: dict) -> None:
    expected = golden["cases"][case.key]
    got = local_fires(case)
    assert got == expected
    instants = [datetime.fromisoformat(text) for text in expected]
    assert instants == sorted(set(instants))


def test_most_cases_really_cross_a_transition(golden: dict) -> None:
    """The starts were chosen so that the 50 fires straddle an offset change; keep it that way."""
    crossing = [key for key, fires in golden["cases"].items() if len({text[-6:] for text in fires}) > 1]
    dst_zones = [key for key in golden["cases"] if not key.startswith(("UTC", "Asia/Kolkata"))]
    assert len(crossing) >= 0.8 * len(dst_zones)


# Entries checked by hand against docs/ARCHITECTURE.md §6.4 before the file was frozen.
HAND_CHECKED = [
    # Berlin 02:30 does not exist on 2026-03-29 -> 03:00 CEST (01:00Z); the days around are normal.
    (
        "Europe/Berlin | 30 2 * * * | 2026-03-04T01:00Z",
        ["2026-03-28T02:30+01:00", "2026-03-29T03:00+02:00", "2026-03-30T02:30+02:00"],
    ),
    # Berlin 02:00 daily: the gap day fires at 03:00 CEST; on 2026-10-25 02:00 happens twice -> first (CEST).
    (
        "Europe/Berlin | 0 2 * * * | 2026-03-04T01:00Z",
        ["2026-03-28T02:00+01:00", "2026-03-29T03:00+02:00", "2026-03-30T02:00+02:00"],
    ),
    (
        "Europe/Berlin | 0 2 * * * | 2026-09-30T01:00Z",
        ["2026-10-24T02:00+02:00", "2026-10-25T02:00+02:00", "2026-10-26T02:00+01:00"],
    ),
    # Berlin hourly through the repeated 02:00: once, at 00:00Z; the next fire is 03:00 CET (02:00Z).
    (
        "Europe/Berlin | 0 * * * * | 2026-10-24T05:00Z",
        ["2026-10-25T01:00+02:00", "2026-10-25T02:00+02:00", "2026-10-25T03:00+01:00"],
    ),
    # Berlin half-hourly fires in both passes: 02:00/02:30 CEST then 02:00/02:30 CET.
    (
        "Europe/Berlin | */30 * * * * | 2026-10-24T15:00Z",
        [
            "2026-10-25T02:00+02:00",
            "2026-10-25T02:30+02:00",
            "2026-10-25T02:00+01:00",
            "2026-10-25T02:30+01:00",
            "2026-10-25T03:00+01:00",
        ],
    ),
    # New York 01:00 daily on 2026-11-01 fires once, at 05:00Z (01:00 EDT).
    (
        "America/New_York | 0 1 * * * | 2026-10-07T06:00Z",
        ["2026-10-31T01:00-04:00", "2026-11-01T01:00-04:00", "2026-11-02T01:00-05:00"],
    ),
    # New York */30 during the repeated 01:xx: 05:00Z, 05:30Z (EDT) and 06:00Z, 06:30Z (EST).
    (
        "America/New_York | */30 * * * * | 2026-10-31T20:00Z",
        [
            "2026-11-01T01:00-04:00",
            "2026-11-01T01:30-04:00",
            "2026-11-01T01:00-05:00",
            "2026-11-01T01:30-05:00",
            "2026-11-01T02:00-05:00",
        ],
    ),
    # New York hourly in the spring gap: 02:00 collapses onto 03:00 EDT (07:00Z), one fire.
    (
        "America/New_York | 0 * * * * | 2026-03-07T11:00Z",
        ["2026-03-08T01:00-05:00", "2026-03-08T03:00-04:00", "2026-03-08T04:00-04:00"],
    ),
    # Lord Howe: 02:00-02:30 does not exist on 2026-10-04 -> 02:30 +11:00 (2026-10-03 15:30Z).
    (
        "Australia/Lord_Howe | 0 2 * * * | 2026-09-08T15:30Z",
        ["2026-10-03T02:00+10:30", "2026-10-04T02:30+11:00", "2026-10-05T02:00+11:00"],
    ),
    (
        "Australia/Lord_Howe | */15 * * * * | 2026-10-03T10:30Z",
        ["2026-10-04T01:45+10:30", "2026-10-04T02:30+11:00", "2026-10-04T02:45+11:00"],
    ),
    # Lord Howe: 01:30-02:00 happens twice on 2026-04-05; */15 fires in both passes.
    (
        "Australia/Lord_Howe | */15 * * * * | 2026-04-04T10:00Z",
        [
            "2026-04-05T01:30+11:00",
            "2026-04-05T01:45+11:00",
            "2026-04-05T01:30+10:30",
            "2026-04-05T01:45+10:30",
            "2026-04-05T02:00+10:30",
        ],
    ),
    # Santiago: midnight does not exist on 2026-09-06 -> 01:00 -03.
    (
        "America/Santiago | 0 0 * * * | 2026-08-12T04:00Z",
        ["2026-09-05T00:00-04:00", "2026-09-06T01:00-03:00", "2026-09-07T00:00-03:00"],
    ),
    # Kolkata never shifts: 02:30 IST is 21:00Z the day before, every day.
    (
        "Asia/Kolkata | 30 2 * * * | 2026-03-04T01:00Z",
        ["2026-03-28T02:30+05:30", "2026-03-29T02:30+05:30", "2026-03-30T02:30+05:30"],
    ),
]


def contains_run(fires: list[str], run: list[str]) -> bool:
    return any(fires[i : i + len(run)] == run for i in range(len(fires) - len(run) + 1))


@pytest.mark.parametrize(("key", "run"), HAND_CHECKED, ids=[key for key, _ in HAND_CHECKED])
def test_golden_file_holds_the_hand_checked_transitions(key: str, run: list[str], golden: dict) -> None:
    assert contains_run(golden["cases"][key], run), f"{key} should contain {run}"


def test_hand_checked_utc_instants() -> None:
    """The same checks spelled in UTC, straight from next_fires."""
    berlin = next_fires("30 2 * * *", "Europe/Berlin", parse_z("2026-03-28T12:00Z"), 1)
    assert berlin == [parse_z("2026-03-29T01:00Z")]
    new_york = next_fires("0 1 * * *", "America/New_York", parse_z("2026-10-31T12:00Z"), 2)
    assert new_york == [parse_z("2026-11-01T05:00Z"), parse_z("2026-11-02T06:00Z")]
    half_hourly = next_fires("*/30 * * * *", "America/New_York", parse_z("2026-11-01T04:59Z"), 4)
    assert half_hourly == [
        parse_z(t) for t in ("2026-11-01T05:00Z", "2026-11-01T05:30Z", "2026-11-01T06:00Z", "2026-11-01T06:30Z")
    ]
    lord_howe = next_fires("0 2 * * *", "Australia/Lord_Howe", parse_z("2026-10-03T00:00Z"), 1)
    assert lord_howe == [parse_z("2026-10-03T15:30Z")]
