"""Plain-text pieces the screens show (fire time, status words, ages, sizes) as rich Text: user text is never markup."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from amx_core.daemon import DaemonStatus
from amx_core.daemon.text import age_text, badge_text, size_text
from amx_core.views import ScheduleView

STATUS_GLYPHS = {
    "pending": "●",
    "paused": "‖",
    "running": "▶",
    "completed": "✓",
    "failed": "✗",
    "missed": "!",
    "cancelled": "⊘",
}
REVIEW_WORDS = {"auto": "Auto", "manual": "Manual"}
TRIGGER_WORDS = {"cron": "Cron-based", "change": "Change-triggered"}


UTC_ALIASES = frozenset({"Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"})


def zone_text(name: str) -> str:
    """A zone as shown: the aliases of UTC (`Etc/UTC`, `Zulu`, …) read `UTC`, so one zone has one name on screen."""
    return "UTC" if name in UTC_ALIASES else name


def plain(value: object) -> Text:
    """Any value as literal text: `[bold]x[/]` stays `[bold]x[/]`."""
    return Text("" if value is None else str(value), no_wrap=True, end="")


def status_word(status: str) -> str:
    return f"{STATUS_GLYPHS.get(status, '?')} {status.capitalize()}"


def hours_text(hours: float | None) -> str:
    return "?" if hours is None else f"{hours:g} h"


def fire_time_text(view: ScheduleView) -> str:
    """`2027-03-01 09:00 Europe/Berlin ↻` (↻ = repeats by cadence); change triggers say so."""
    if view.trigger == "change":
        return f"on change, at most every {hours_text(view.cap_hours)}"
    if view.next_fire_local is None:
        return "—"
    repeat = " ↻" if view.cadence else ""
    # isoformat is C code: ten times quicker than strftime, and the list formats every row to measure it
    return f"{view.next_fire_local.isoformat(' ', 'minutes')[:16]} {zone_text(view.tz)}{repeat}"


def local_input_text(moment: datetime | None) -> str:
    """The form's `Fire at` text for an aware local datetime."""
    return "" if moment is None else f"{moment:%Y-%m-%d %H:%M}"


def ago(seconds: float | None) -> str:
    return age_text(seconds)


def seconds_between(earlier: datetime | None, later: datetime) -> float | None:
    return None if earlier is None else (later - earlier).total_seconds()


def daemon_badge(state: str) -> str:
    glyph = {"loaded": "●", "installed": "◐"}.get(state, "○")
    return f"{glyph} {badge_text(state)}"


def log_facts(status: DaemonStatus, now: datetime) -> str:
    if status.log_size_bytes is None:
        return "log absent"
    return f"log {size_text(status.log_size_bytes)}, written {ago(seconds_between(status.log_mtime, now))}"


RUN_GLYPHS = {"running": "▶", "completed": "✓", "failed": "✗", "cancelled": "⊘", "stopped": "◼"}
SUGGESTION_WORDS = {
    "pending": "● pending",
    "accepted": "✓ accepted",
    "edited": "✎ edited",
    "rejected": "✗ rejected",
    "applied": "✔ applied",
    "auto_applied": "✔ auto-applied",
    "apply_failed": "‼ apply failed",
    "stale": "⚠ stale",
    "reverted": "↶ reverted",
}


def run_status_word(status: str) -> str:
    return f"{RUN_GLYPHS.get(status, '?')} {status.capitalize()}"


def duration_text(seconds: float | None) -> str:
    """`0.8 s`, `45 s`, `2 min 05 s`, `1 h 02 min`; None reads `—`."""
    if seconds is None:
        return "—"
    if seconds < 10:
        return f"{max(0.0, seconds):.1f} s"
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def local_moment(moment: datetime | None, zone: str, seconds: bool = False) -> str:
    """An instant as local wall time in `zone` (`2027-03-01 11:00`); None reads `—`."""
    from amx_core.timing import to_local

    if moment is None:
        return "—"
    return f"{to_local(moment, zone):%Y-%m-%d %H:%M:%S}" if seconds else f"{to_local(moment, zone):%Y-%m-%d %H:%M}"


def count_text(number: int) -> str:
    """Token counts: `640`, `12.3k`, `4.1M`."""
    if number >= 1_000_000:
        return f"{number / 1_000_000:.1f}M"
    if number >= 10_000:
        return f"{number / 1000:.0f}k"
    if number >= 1000:
        return f"{number / 1000:.1f}k"
    return str(number)


def one_line(text: str | None) -> str:
    """User or model text on one line (table cells): runs of whitespace become one space."""
    return " ".join((text or "").split())
