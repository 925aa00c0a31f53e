"""The live hints under the dialog's time fields, all computed by the core (no I/O, bounded work).

Each returns (text, warning): the UTC instant of a local time (and its offset when the hour repeats),
the English words and next five fire times of a cadence, the zone's offset, the cap's meaning.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache

from amx_core.errors import ValidationError
from amx_core.services.schedules import check_cap_hours, check_retries
from amx_core.timing import describe_cadence, parse_local, to_local, zone_names
from amx_core.timing.wallclock import format_offset
from amx_tui.formatting import ago

PREVIEW_COUNT = 5
ZONE_MATCHES = 4


def _relative(instant: datetime, now: datetime) -> str:
    seconds = (instant - now).total_seconds()
    if seconds <= 0:
        return "in the past"
    return "in " + ago(seconds).replace(" ago", "")


def at_hint(text: str, tz: str, now: datetime) -> tuple[str, bool]:
    if not text.strip():
        return "local date-time in the zone below, e.g. 2027-03-01 09:00", False
    try:
        instant = parse_local(text, tz, field="at")
    except ValidationError as exc:
        return exc.detail, True
    words = f"= {instant.utc:%Y-%m-%d %H:%M} UTC (local offset {instant.offset}) · {_relative(instant.utc, now)}"
    if instant.ambiguous:
        words += f" · this wall time happens twice in {instant.zone}: the first one (UTC{instant.offset}) is used"
    return words, instant.ambiguous


def _fire_line(moment: datetime) -> str:
    return f"{moment:%a %Y-%m-%d %H:%M} ({format_offset(moment.utcoffset() or timedelta(0))})"


def cadence_hint(cron: str, at: str, tz: str, now: datetime) -> tuple[str, bool]:
    """Description and the next fire times: the fire-at first, then the cadence after it."""
    from amx_core.services.schedules import preview

    if not cron.strip():
        return "one-shot: fires once at the time above", False
    try:
        words = describe_cadence(cron)
        start = now
        first: list[datetime] = []
        try:
            fire_at = parse_local(at, tz, field="at").utc
            if fire_at > now:
                start = fire_at
                first = [to_local(fire_at, tz)]
        except ValidationError:
            pass
        fires = preview(cron, tz, start=start, count=PREVIEW_COUNT - len(first))
    except ValidationError as exc:
        return exc.detail, True
    times = [*first, *(f.local for f in fires)]
    lines = [f"{words} ({tz}); next fire times:"] if times else [f"{words} ({tz}): never fires"]
    lines.extend(f"→ {_fire_line(t)}" for t in times)
    return "\n".join(lines), False


def zone_hint(text: str, detected: str, now: datetime) -> tuple[str, bool]:
    name = text.strip()
    if not name:
        return f"empty: this machine's zone ({detected})", False
    if name in _zones():
        offset = format_offset(to_local(now, name).utcoffset() or timedelta(0))
        mark = "detected" if name == detected else f"this machine: {detected}"
        return f"UTC{offset} now · {mark} · → or tab completes", False
    folded = name.casefold()
    close = [z for z in _zones() if folded in z.casefold()][:ZONE_MATCHES]
    if close:
        return "unknown zone; did you mean " + ", ".join(close) + "?", True
    return "unknown zone (use an IANA name such as Europe/Berlin)", True


MISSED_CHOICES = (("ask", "Ask me"), ("run", "Run once"), ("skip", "Skip"))
MISSED_HINTS = {
    "ask": "a missed time waits for you: Run now or Skip (the header counts them)",
    "run": "a missed time runs once as soon as a tick sees it (one catch-up, however many were missed)",
    "skip": "a missed time is skipped and the schedule goes on to its next time",
}
COLUMN_CHOICES = (("missing", "Missing only"), ("all", "All columns"))
COLUMN_HINT = "Missing only: what has no description or one AMX wrote · All: describe every column again"


def _refusal(check: Callable[[str], object], text: str) -> str | None:
    """The core's own refusal of `text` (what Save would say), or None when it would be accepted."""
    try:
        check(text.strip())
    except ValidationError as exc:
        return exc.detail
    return None


def cap_hint(text: str) -> tuple[str, bool]:
    if not text.strip():
        return "fires when the catalog sees a schema change in scope, at most once per this many hours", False
    refused = _refusal(check_cap_hours, text)
    if refused is not None:
        return refused, True
    return f"a change runs once it settled; the next run no sooner than {text.strip()} h after the last", False


def retries_hint(text: str) -> tuple[str, bool]:
    refused = _refusal(check_retries, text)
    if refused is not None:
        return refused, True
    attempts = int(text.strip())
    if attempts == 1:
        return "one attempt: a transient error (LLM 429/5xx, timeout, dropped connection) fails the run", False
    return f"up to {attempts} attempts on transient errors, with growing pauses between them", False


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(zone_names())
