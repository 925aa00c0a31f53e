"""One-shot times: the local date-time a user types, turned into a UTC instant under the DST policy.

A time inside a spring-forward gap is refused with the gap named; a time in a repeated
(fall-back) hour means its first occurrence and says so (`ambiguous`, with the offset).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from amx_core.errors import ValidationError
from amx_core.timing.wallclock import Gap, as_utc, format_offset, format_wall, offset_of, resolve_wall
from amx_core.timing.zones import resolve_zone

_EXAMPLE = "2027-03-01 09:00"
# 'YYYY-MM-DD HH:MM', optional ':SS', date and time split by one space or a 'T'.
_LOCAL_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?", re.ASCII)


@dataclass(frozen=True)
class LocalInstant:
    """A user's local date-time resolved in its zone: the UTC instant plus what the form should show."""

    utc: datetime  # aware, UTC
    local: datetime  # aware, in `zone`
    offset: str  # '+01:00'
    ambiguous: bool  # the wall time happens twice that day; this is the first occurrence
    zone: str  # IANA name


def parse_local(text: str, tz: str | None, *, field: str = "at") -> LocalInstant:
    """Parse 'YYYY-MM-DD HH:MM[:SS]' (or with 'T') as wall-clock time in zone `tz`."""
    zone = resolve_zone(tz, "tz")
    naive = _parse_wall_text(text, field)
    try:
        wall = resolve_wall(naive, zone)
    except OverflowError:
        raise ValidationError(field, f"{text!r} is outside the range of supported dates") from None
    if wall.gap is not None:
        raise ValidationError(field, _gap_message(wall.naive, zone.key, wall.gap))
    utc = wall.instants[0]
    local = utc.astimezone(zone)
    return LocalInstant(
        utc=utc,
        local=local,
        offset=format_offset(offset_of(local)),
        ambiguous=wall.ambiguous,
        zone=zone.key,
    )


def ensure_future(instant_utc: datetime, now_utc: datetime, field: str = "at", *, tz: str | None = None) -> datetime:
    """Return the instant if it is after now; otherwise a ValidationError saying it is in the past.

    With `tz`, both times are shown as local time in that zone, else in UTC.
    """
    instant, now = as_utc(instant_utc), as_utc(now_utc)
    if instant > now:
        return instant
    shown_tz = tz or "UTC"
    raise ValidationError(
        field, f"{format_local(instant, shown_tz)} is in the past (now is {format_local(now, shown_tz)})"
    )


def to_local(utc: datetime, tz: str | None) -> datetime:
    """The aware local datetime in zone `tz` for a UTC instant (naive input is taken as UTC)."""
    return as_utc(utc).astimezone(resolve_zone(tz, "tz"))


def format_local(utc: datetime, tz: str | None) -> str:
    """'2027-03-01 09:00 CET (+01:00)'; a zone without a lettered abbreviation shows the offset only."""
    local = to_local(utc, tz)
    offset = format_offset(offset_of(local))
    abbreviation = local.tzname() or ""
    label = f"{abbreviation} ({offset})" if abbreviation[:1].isalpha() else f"({offset})"
    return f"{format_wall(local.replace(tzinfo=None))} {label}"


def _parse_wall_text(text: str, field: str) -> datetime:
    shape_error = ValidationError(field, f"expected a local date-time like {_EXAMPLE}, got {text!r}")
    if not isinstance(text, str):
        raise shape_error
    match = _LOCAL_RE.fullmatch(text.strip(" "))
    if match is None:
        raise shape_error
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise ValidationError(field, f"{text!r} is not a real date-time ({exc})") from None


def _gap_message(naive: datetime, zone_name: str, gap: Gap) -> str:
    before, after = format_offset(gap.offset_before), format_offset(gap.offset_after)
    same_day = gap.start_local.date() == gap.end_local.date() == naive.date()
    if same_day:
        jump = f"from {gap.start_local:%H:%M} to {gap.end_local:%H:%M} that day"
    else:
        jump = f"from {format_wall(gap.start_local)} to {format_wall(gap.end_local)}"
    return f"{format_wall(naive)} does not exist in {zone_name}: clocks jump {jump} ({before} -> {after})"
