"""Recurring fire times: 5-field cron evaluated on a zone's wall clock, mapped to UTC under the DST policy.

Policy (docs/ARCHITECTURE.md §6.4): croniter walks NAIVE local wall-clock times; each is mapped to real
instants here. A time inside a spring-forward gap fires at the first instant after the gap
(several gap times collapse into that one instant); a time in a repeated (fall-back) hour
fires at its first instant for hourly-or-coarser cadences and at both real instants for
sub-hourly ones. The mapping is not monotone around fall-back, so candidates wait in a heap
until no later wall time can produce an earlier instant.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from itertools import islice

from amx_core.errors import ValidationError
from amx_core.timing.wallclock import WallTime, as_utc, local_naive, resolve_wall
from amx_core.timing.zones import resolve_zone

_MINUTE = timedelta(minutes=1)
_HOUR = timedelta(hours=1)
# Validation looks for a first fire from a fixed date, so the verdict never depends on today.
_PROBE_START = datetime(2000, 1, 1)
_ALIASES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_FIELDS = (
    ("minute", "0-59"),
    ("hour", "0-23"),
    ("day-of-month", "1-31, L, W"),
    ("month", "1-12 or JAN-DEC"),
    ("day-of-week", "0-7 or SUN-SAT, #, L"),
)
_EXAMPLE = "0 9 * * 1-5"


@dataclass(frozen=True, slots=True)
class _Cadence:
    expr: str  # normalised: five fields, single spaces, upper case
    sub_hourly: bool  # the minute field holds more than one value


def validate_cadence(expr: str, field: str = "cron") -> str:
    """The normalised 5-field cron expression, or a ValidationError naming `field`."""
    return _compiled(expr, field).expr


# each field's values (a day of the week 0-6: croniter's 7 for Sunday is left to it)
_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))


def plain_cadence(expr: str) -> str | None:
    """The normalised expression when `expr` is plainly one that validate_cadence accepts, told without croniter
    (whose import costs a listing of schedules 12 ms): every field `*`, `*/N` or one number within its range, a
    day of the month past the 28th only in every month; None for anything else, for validate_cadence to judge."""
    try:
        normalised = _normalise(expr, "cron")
    except ValidationError:
        return None
    fields = normalised.split(" ")
    for text, (low, high) in zip(fields, _RANGES, strict=True):
        if text == "*":
            continue
        step = text.startswith("*/")
        number = text[2:] if step else text
        if not number.isdigit() or (number[0] == "0" and number != "0"):  # (ASCII: _normalise saw to it)
            return None
        if not (1 if step else low) <= int(number) <= high:
            return None
    day, month = fields[2], fields[3]
    if day.isdigit() and int(day) > 28 and month.isdigit():  # the 30th of February never comes: croniter's to judge
        return None
    return normalised


def is_sub_hourly(expr: str) -> bool:
    """True when the cadence fires more than once an hour (its minute field has several values)."""
    return _compiled(expr, "cron").sub_hourly


def next_fires(expr: str, tz: str | None, after_utc: datetime, count: int) -> list[datetime]:
    """The next `count` fire instants (aware UTC, ascending, distinct), all strictly after `after_utc`."""
    cadence = _compiled(expr, "cron")
    zone = resolve_zone(tz, "tz")
    if count <= 0:
        return []
    fires = _iter_fires(cadence, zone, as_utc(after_utc))
    return list(islice(fires, count))


def next_fire_after(expr: str, tz: str | None, after_utc: datetime) -> datetime | None:
    """The first fire instant strictly after `after_utc`, or None when there is none left."""
    return next(_iter_fires(_compiled(expr, "cron"), resolve_zone(tz, "tz"), as_utc(after_utc)), None)


def _iter_fires(cadence: _Cadence, zone: tzinfo, after: datetime) -> Iterator[datetime]:
    from croniter import croniter

    walker = croniter(cadence.expr, _earliest_wall_time(after, zone) - _MINUTE)
    pending: list[datetime] = []
    last = after
    while True:
        try:
            wall = resolve_wall(walker.get_next(datetime), zone)
        except (ValueError, OverflowError):  # croniter found no later date, or time ran out at year 9999
            break
        for instant in _instants(wall, cadence.sub_hourly):
            if instant > last:
                heapq.heappush(pending, instant)
        # Every later wall time maps at or after this one's earliest instant, so what lies
        # at or before it is final.
        horizon = wall.earliest
        while pending and pending[0] <= horizon:
            instant = heapq.heappop(pending)
            if instant > last:
                last = instant
                yield instant
    for instant in sorted(pending):
        if instant > last:
            last = instant
            yield instant


def _instants(wall: WallTime, sub_hourly: bool) -> tuple[datetime, ...]:
    if wall.gap is not None:
        return (wall.gap.instant,)
    return wall.instants if sub_hourly else wall.instants[:1]


def _earliest_wall_time(after: datetime, zone: tzinfo) -> datetime:
    """The earliest wall time (whole minute) that can still map to an instant after `after`.

    Usually the wall time at `after`; when clocks go back soon after it, the wall times of the
    repeated stretch before it come round again, so start that much earlier.
    """
    earliest = local_naive(after, zone)
    for k in range(1, 27):
        try:
            earliest = min(earliest, local_naive(after + k * _HOUR, zone) - k * _HOUR)
        except OverflowError:  # the end of datetime's range: nothing later can exist anyway
            break
    return earliest.replace(second=0, microsecond=0)


def _compiled(expr: object, field: str) -> _Cadence:
    if not isinstance(expr, str):
        raise ValidationError(field, f"expected a cron expression like {_EXAMPLE!r}, got {expr!r}")
    return _compile(expr, field)


@lru_cache(maxsize=512)
def _compile(expr: str, field: str) -> _Cadence:
    from croniter import CroniterBadDateError, CroniterError, croniter

    normalised = _normalise(expr, field)
    try:
        expanded, _ = croniter.expand(normalised)
    except CroniterError as exc:
        raise ValidationError(field, _syntax_message(normalised, exc)) from None
    try:
        croniter(normalised, _PROBE_START).get_next(datetime)
    except CroniterBadDateError:
        raise ValidationError(field, f"{normalised!r} can never fire: no calendar date matches it") from None
    minutes = expanded[0]
    return _Cadence(expr=normalised, sub_hourly=minutes == ["*"] or len(minutes) > 1)


def _normalise(expr: str, field: str) -> str:
    text = expr.strip(" ")
    if not text:
        raise ValidationError(field, "empty cron expression (leave the cadence out for a one-shot schedule)")
    if not text.isprintable():
        raise ValidationError(field, f"cron expression contains a control character: {text!r}")
    if not text.isascii():
        raise ValidationError(field, f"expected a cron expression like {_EXAMPLE!r}, got {text!r}")
    if text.startswith("@"):
        alias = _ALIASES.get(text.lower())
        if alias is None:
            names = ", ".join(sorted(_ALIASES))
            raise ValidationError(field, f"unknown cron shortcut {text!r} (use one of {names})")
        return alias
    parts = text.split()
    if len(parts) != len(_FIELDS):
        raise ValidationError(
            field,
            f"expected 5 fields (minute hour day-of-month month day-of-week), got {len(parts)} in {text!r}",
        )
    normalised = " ".join(parts).upper()
    if any(item[:1] in ("H", "R") for part in normalised.split() for item in part.split(",")):
        raise ValidationError(field, f"{text!r} uses hashed or random values (H, R), which are not supported")
    return normalised


def _syntax_message(normalised: str, exc: Exception) -> str:
    """Name the first field that is wrong on its own; fall back to croniter's words."""
    from croniter import CroniterError, croniter

    parts = normalised.split()
    for index, (name, allowed) in enumerate(_FIELDS):
        probe = ["*"] * len(_FIELDS)
        probe[index] = parts[index]
        try:
            croniter.expand(" ".join(probe))
        except CroniterError:
            return f"invalid {name} field {parts[index]!r} in {normalised!r} (allowed: {allowed}, with , - / *)"
    return f"invalid cron expression {normalised!r} ({exc})"
