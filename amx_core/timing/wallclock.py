"""How one naive local wall-clock time maps to real instants in a zone: once, twice (fall-back) or never (gap).

Every DST decision in the package goes through `resolve_wall`, so the one-shot parser and the
cadence engine cannot disagree about what a local time means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

_SECOND = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Gap:
    """A spring-forward jump: wall times in [start_local, end_local) never happen."""

    start_local: datetime  # naive: the first wall time that does not exist
    end_local: datetime  # naive: the wall time the clocks jump to
    instant: datetime  # aware UTC: the transition, i.e. the first real instant after the gap
    offset_before: timedelta
    offset_after: timedelta


@dataclass(frozen=True, slots=True)
class WallTime:
    """The real instants (aware UTC, ascending) at which a naive wall time is shown in a zone."""

    naive: datetime
    instants: tuple[datetime, ...]  # one normally, two in a repeated (fall-back) hour, none in a gap
    gap: Gap | None = None

    @property
    def ambiguous(self) -> bool:
        return len(self.instants) > 1

    @property
    def earliest(self) -> datetime:
        """The first instant this wall time stands for; a gap time stands for the end of its gap."""
        return self.instants[0] if self.instants else self.gap.instant  # type: ignore[union-attr]


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already (how the store hands instants back)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def utc_offset(instant: datetime, zone: tzinfo) -> timedelta:
    """The zone's UTC offset at a real instant."""
    return offset_of(instant.astimezone(zone))


def offset_of(aware: datetime) -> timedelta:
    """The UTC offset of an aware datetime; every zone we resolve has one."""
    offset = aware.utcoffset()
    if offset is None:
        raise ValueError(f"time zone {aware.tzinfo!r} gives no UTC offset")
    return offset


def local_naive(instant: datetime, zone: tzinfo) -> datetime:
    """The wall-clock time (naive) the zone shows at a real instant."""
    return instant.astimezone(zone).replace(tzinfo=None)


def resolve_wall(naive: datetime, zone: tzinfo) -> WallTime:
    """Map a naive wall time to its real instants; PEP 495 folds tell gaps and overlaps apart."""
    naive = naive.replace(tzinfo=None, fold=0)
    before = offset_of(naive.replace(tzinfo=zone, fold=0))
    after = offset_of(naive.replace(tzinfo=zone, fold=1))
    if before == after:
        return WallTime(naive, ((naive - before).replace(tzinfo=UTC),))
    if before > after:  # clocks went back: this wall time happens twice
        return WallTime(naive, ((naive - before).replace(tzinfo=UTC), (naive - after).replace(tzinfo=UTC)))
    transition = _transition_between((naive - after).replace(tzinfo=UTC), (naive - before).replace(tzinfo=UTC), zone)
    gap = Gap(
        start_local=(transition + before).replace(tzinfo=None),
        end_local=(transition + after).replace(tzinfo=None),
        instant=transition,
        offset_before=before,
        offset_after=after,
    )
    return WallTime(naive, (), gap)


def _transition_between(low: datetime, high: datetime, zone: tzinfo) -> datetime:
    """The first whole second in (low, high] at which the zone's offset differs from its offset at low."""
    start_offset = utc_offset(low, zone)
    lo, hi = 0, int((high - low) / _SECOND)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if utc_offset(low + mid * _SECOND, zone) == start_offset:
            lo = mid
        else:
            hi = mid
    return low + hi * _SECOND


def format_offset(offset: timedelta) -> str:
    """'+01:00', '-03:30', '+05:45'; seconds only when a (historical) offset has them."""
    sign = "-" if offset < timedelta(0) else "+"
    total = abs(int(offset.total_seconds()))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return f"{text}:{seconds:02d}" if seconds else text


def format_wall(naive: datetime) -> str:
    """'2027-03-28 02:30' (seconds shown only when there are some)."""
    return naive.strftime("%Y-%m-%d %H:%M:%S" if naive.second else "%Y-%m-%d %H:%M")
