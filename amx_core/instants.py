"""ISO-8601 instants: parsed from the command line (`--now`, `--from`, `--since`; naive means UTC) and printed."""

from __future__ import annotations

from datetime import UTC, datetime

from amx_core.errors import ValidationError


def parse_instant(text: str, *, field: str) -> datetime:
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(field, f"{text!r} is not an ISO-8601 instant like 2027-03-01T09:00:00Z") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(value: datetime | None, *, timespec: str = "auto", missing: str | None = None) -> str | None:
    """An instant as ISO-8601 text (the `--json` and message form); `missing` when there is none."""
    return value.isoformat(timespec=timespec) if value is not None else missing
