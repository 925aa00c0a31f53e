"""ISO-8601 instants: parsed from the command line (`--now`, `--from`, `--since`; naive means UTC) and printed."""

from __future__ import annotations

from datetime import UTC, datetime

from amx_core.errors import ValidationError

# Instants AMX reasons about: after the Unix epoch (platform clocks) and well before datetime's year-9999 edge,
# so adding a grace window or a lease can never overflow.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def parse_instant(text: str, *, field: str) -> datetime:
    """An ISO-8601 instant (naive means UTC) between 1970 and 8999, as aware UTC; else a ValidationError."""
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(field, f"{text!r} is not an ISO-8601 instant like 2027-03-01T09:00:00Z") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    outside = ValidationError(field, f"{text!r} is outside the years 1970 to 8999")
    try:
        value = value.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 moved past datetime's range by its offset
        raise outside from None
    if not EARLIEST <= value < LATEST:
        raise outside
    return value


def iso(value: datetime | None, *, timespec: str = "auto", missing: str | None = None) -> str | None:
    """An instant as ISO-8601 text (the `--json` and message form); `missing` when there is none."""
    return value.isoformat(timespec=timespec) if value is not None else missing
