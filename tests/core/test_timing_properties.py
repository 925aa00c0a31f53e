"""Property tests: cadence fire times obey the DST policy of docs/ARCHITECTURE.md §6.4 in many zones, 2000-2040.

The reference model below is deliberately independent of amx_core.timing: it enumerates the
wall times a cron matches day by day from croniter's field expansion, finds real instants by
round-tripping candidate offsets, and finds a gap's end by bisection over real time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from croniter import croniter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from amx_core.timing import next_fire_after, next_fires

ZONES = [
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Dublin",  # negative DST in tzdata
    "Europe/Lisbon",
    "Europe/Moscow",  # permanent changes in 2011 and 2014
    "Europe/Istanbul",
    "Europe/Kyiv",
    "Europe/Minsk",
    "Atlantic/Azores",
    "Africa/Casablanca",  # DST suspended every Ramadan
    "Africa/Cairo",
    "Asia/Jerusalem",
    "Asia/Gaza",
    "Asia/Beirut",  # midnight transitions
    "Asia/Amman",
    "Asia/Damascus",
    "Asia/Tehran",  # midnight transitions until 2022
    "Asia/Kolkata",  # +05:30
    "Asia/Kathmandu",  # +05:45
    "Asia/Colombo",  # -00:30 change in 2006
    "Asia/Pyongyang",  # -00:30 in 2015, +00:30 in 2018
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Australia/Sydney",
    "Australia/Adelaide",  # +09:30 / +10:30
    "Australia/Lord_Howe",  # 30-minute DST
    "Australia/Eucla",  # +08:45
    "Pacific/Auckland",
    "Pacific/Chatham",  # +12:45 / +13:45
    "Pacific/Apia",  # skipped 2011-12-30 entirely
    "Pacific/Kiritimati",  # +14
    "Pacific/Norfolk",
    "Pacific/Fiji",
    "Pacific/Marquesas",  # -09:30
    "Antarctica/Troll",  # two-hour DST
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/St_Johns",  # -03:30 / -02:30
    "America/Havana",  # midnight transitions
    "America/Santiago",  # midnight transitions, southern hemisphere
    "America/Asuncion",
    "America/Sao_Paulo",  # DST at midnight until 2019
    "America/Mexico_City",  # DST abolished 2022
    "America/Caracas",  # -04:30 from 2007 to 2016
    "America/Nuuk",
    "America/Miquelon",
]

SUB_HOURLY, HOURLY, DAILY, COARSER = "sub-hourly", "hourly", "daily", "coarser"


@dataclass(frozen=True)
class Cadence:
    expr: str
    kind: str
    period: timedelta  # typical spacing between fires, to start runs just before a transition


CADENCES = [
    Cadence("0 * * * *", HOURLY, timedelta(hours=1)),
    Cadence("30 * * * *", HOURLY, timedelta(hours=1)),
    Cadence("0 */2 * * *", HOURLY, timedelta(hours=2)),
    Cadence("0 1-3 * * *", HOURLY, timedelta(hours=8)),
    Cadence("0 0 * * *", DAILY, timedelta(days=1)),
    Cadence("30 2 * * *", DAILY, timedelta(days=1)),
    Cadence("0 2 * * *", DAILY, timedelta(days=1)),
    Cadence("0 1 * * *", DAILY, timedelta(days=1)),
    Cadence("0 3 * * *", DAILY, timedelta(days=1)),
    Cadence("15 0 * * *", DAILY, timedelta(days=1)),
    Cadence("45 23 * * *", DAILY, timedelta(days=1)),
    Cadence("*/15 * * * *", SUB_HOURLY, timedelta(minutes=15)),
    Cadence("*/30 1-3 * * *", SUB_HOURLY, timedelta(hours=4)),
    Cadence("0,30 * * * *", SUB_HOURLY, timedelta(minutes=30)),
    Cadence("*/20 0-4 * * *", SUB_HOURLY, timedelta(hours=2)),
    Cadence("*/5 * * * *", SUB_HOURLY, timedelta(minutes=5)),
    Cadence("0 9 * * 1-5", COARSER, timedelta(days=1)),
    Cadence("30 2 * * 0", COARSER, timedelta(days=7)),
    Cadence("0 0 * * 6", COARSER, timedelta(days=7)),
    Cadence("0 0 1 * *", COARSER, timedelta(days=30)),
    Cadence("30 2 1 * *", COARSER, timedelta(days=30)),
]

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- the reference model


def offset_at(instant: datetime, zone: ZoneInfo) -> timedelta:
    return instant.astimezone(zone).utcoffset()


def wall_of(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def nearby_offsets(naive: datetime, zone: ZoneInfo) -> set[timedelta]:
    """Every offset the zone uses within a day and a half of this wall time."""
    guess = naive.replace(tzinfo=UTC)
    return {offset_at(guess + timedelta(hours=h), zone) for h in range(-36, 37, 3)}


def real_instants(naive: datetime, zone: ZoneInfo) -> list[datetime]:
    """All real instants at which the zone's clock shows `naive` (0, 1 or 2 of them), ascending."""
    found = {
        (naive - off).replace(tzinfo=UTC)
        for off in nearby_offsets(naive, zone)
        if wall_of((naive - off).replace(tzinfo=UTC), zone) == naive
    }
    return sorted(found)


def gap_end(naive: datetime, zone: ZoneInfo) -> datetime:
    """The first real instant whose wall time is at or after `naive` (for a wall time in a gap)."""
    offsets = nearby_offsets(naive, zone)
    lo = int((naive - max(offsets)).replace(tzinfo=UTC).timestamp())
    hi = int((naive - min(offsets)).replace(tzinfo=UTC).timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if wall_of(datetime.fromtimestamp(mid, UTC), zone) >= naive:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def day_matches(day: date, doms, months, dows) -> bool:
    cron_dow = (day.weekday() + 1) % 7  # Sunday = 0
    dom_ok = doms == ["*"] or day.day in doms
    dow_ok = dows == ["*"] or cron_dow in dows
    month_ok = months == ["*"] or day.month in months
    if doms != ["*"] and dows != ["*"]:
        return month_ok and (dom_ok or dow_ok)  # classic cron: either day field may match
    return month_ok and dom_ok and dow_ok


def matching_wall_times(expr: str, first: datetime, last: datetime):
    """Every naive wall time in [first, last] that the cron expression names, ascending."""
    (minutes, hours, doms, months, dows), _ = croniter.expand(expr)
    minutes = range(60) if minutes == ["*"] else minutes
    hours = range(24) if hours == ["*"] else hours
    day = first.date()
    while day <= last.date():
        if day_matches(day, doms, months, dows):
            for hour in hours:
                for minute in minutes:
                    wall = datetime(day.year, day.month, day.day, hour, minute)
                    if first <= wall <= last:
                        yield wall
        day += timedelta(days=1)


def expected_fires(cadence: Cadence, zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """What docs/ARCHITECTURE.md §6.4 says must fire in (start, end]."""
    expected = set()
    margin = timedelta(days=2)
    for wall in matching_wall_times(cadence.expr, wall_of(start, zone) - margin, wall_of(end, zone) + margin):
        instants = real_instants(wall, zone)
        if not instants:
            instants = [gap_end(wall, zone)]
        elif cadence.kind != SUB_HOURLY:
            instants = instants[:1]
        expected.update(i for i in instants if start < i <= end)
    return sorted(expected)


def day_exists(day: date, zone: ZoneInfo) -> bool:
    return any(real_instants(datetime(day.year, day.month, day.day, hour), zone) for hour in range(24))


@cache
def transitions(zone_name: str, year: int) -> tuple[datetime, ...]:
    """Instants in `year` where the zone's offset changes (found by a 6-hour scan, then bisection)."""
    zone = ZoneInfo(zone_name)
    found = []
    t = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp())
    step = 6 * 3600
    while t < end:
        before = offset_at(datetime.fromtimestamp(t, UTC), zone)
        if offset_at(datetime.fromtimestamp(t + step, UTC), zone) != before:
            lo, hi = t, t + step
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if offset_at(datetime.fromtimestamp(mid, UTC), zone) == before else (lo, mid)
            found.append(datetime.fromtimestamp(hi, UTC))
        t += step
    return tuple(found)


# ---------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    cadence: Cadence
    zone_name: str
    start: datetime
    count: int

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)


@st.composite
def scenarios(draw, kinds: tuple[str, ...] = (SUB_HOURLY, HOURLY, DAILY, COARSER)):
    cadence = draw(st.sampled_from([c for c in CADENCES if c.kind in kinds]))
    zone_name = draw(st.sampled_from(ZONES))
    year = draw(st.integers(2000, 2040))
    count = draw(st.integers(1, 60))
    near = transitions(zone_name, year)
    if near and draw(st.booleans()):
        # Start shortly before a real transition so the fires cross it.
        lead_seconds = draw(st.integers(0, int((cadence.period * count).total_seconds()) // 2 + 3600))
        start = draw(st.sampled_from(near)) - timedelta(seconds=lead_seconds)
    else:
        seconds_in_year = 365 * 24 * 3600
        start = datetime(year, 1, 1, tzinfo=UTC) + timedelta(seconds=draw(st.integers(0, seconds_in_year)))
    return Scenario(cadence, zone_name, start, count)


# ---------------------------------------------------------------- properties


@PROPERTY
@given(scenarios())
def test_fires_are_strictly_ascending_distinct_and_after_start(case: Scenario) -> None:
    fires = next_fires(case.cadence.expr, case.zone_name, case.start, case.count)
    assert len(fires) == case.count
    assert all(f.tzinfo is not None and f.utcoffset() == timedelta(0) for f in fires)
    assert fires[0] > case.start
    assert all(a < b for a, b in pairwise(fires)), "no instant twice, strictly ascending"


@PROPERTY
@given(scenarios())
def test_fires_are_exactly_the_policy_instants(case: Scenario) -> None:
    """Nothing skipped (a gap time fires at the gap end), nothing extra, between start and the last fire."""
    fires = next_fires(case.cadence.expr, case.zone_name, case.start, case.count)
    expected = expected_fires(case.cadence, case.zone, case.start, fires[-1])
    assert fires == expected


# Nuuk's 2024 spring gap starts at 23:00 local: the 23:45 of 30 March fires at the gap end, 00:00 on the 31st
NUUK_GAP_PAST_MIDNIGHT = Scenario(
    next(c for c in CADENCES if c.expr == "45 23 * * *"), "America/Nuuk", datetime(2024, 3, 29, 12, tzinfo=UTC), 4
)


@PROPERTY
@given(scenarios(kinds=(DAILY,)))
@example(NUUK_GAP_PAST_MIDNIGHT)
def test_daily_cadences_fire_once_per_local_day(case: Scenario) -> None:
    zone = case.zone
    fires = next_fires(case.cadence.expr, case.zone_name, case.start, max(case.count, 3))
    per_day = Counter(wall_of(f, zone).date() for f in fires)
    minute, hour = (int(field) for field in case.cadence.expr.split()[:2])

    def lands_on(day: date) -> date:
        """The local date a day's occurrence fires on: its own, or the next when a gap swallows its time."""
        wall = datetime(day.year, day.month, day.day, hour, minute)
        instants = real_instants(wall, zone)
        return wall_of(instants[0] if instants else gap_end(wall, zone), zone).date()

    first, last = min(per_day), max(per_day)
    landed = Counter(lands_on(first + timedelta(days=n)) for n in range(-1, (last - first).days + 1))
    day = first
    while day <= last:
        if not day_exists(day, zone):
            assert per_day[day] == 0
        elif day in (first, last):  # the run starts or ends within the day: its carried occurrence may be outside
            assert 1 <= per_day[day] <= landed[day]
        else:  # once, twice on a day that carries the day before's gap-swallowed time, never on the day it left
            assert per_day[day] == landed[day], f"{day} fired {per_day[day]} times, expected {landed[day]}"
        day += timedelta(days=1)


@PROPERTY
@given(scenarios(kinds=(SUB_HOURLY, HOURLY, DAILY)))
def test_repeated_hour_fires_every_real_instant_only_for_sub_hourly(case: Scenario) -> None:
    zone = case.zone
    fires = next_fires(case.cadence.expr, case.zone_name, case.start, case.count)
    fired = set(fires)
    for fire in fires:
        twins = real_instants(wall_of(fire, zone), zone)
        if len(twins) < 2:
            continue
        inside = [t for t in twins if case.start < t <= fires[-1]]
        if case.cadence.kind == SUB_HOURLY:
            assert set(inside) <= fired, f"{wall_of(fire, zone)} must fire at each of {twins}"
        else:
            assert twins[1] not in fired, f"{wall_of(fire, zone)} must fire once, at {twins[0]}"


@PROPERTY
@given(scenarios(), st.data())
def test_resuming_from_any_fire_continues_the_same_sequence(case: Scenario, data) -> None:
    """What the scheduler does: after firing at f, the next fire is the one that followed f."""
    fires = next_fires(case.cadence.expr, case.zone_name, case.start, case.count + 1)
    k = data.draw(st.integers(0, len(fires) - 2))
    assert next_fire_after(case.cadence.expr, case.zone_name, fires[k]) == fires[k + 1]
    assert next_fires(case.cadence.expr, case.zone_name, fires[k], len(fires) - k - 1) == fires[k + 1 :]
