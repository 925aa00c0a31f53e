"""Words for the daemon status that the CLI and the TUI share: the badge, "40 s ago", "12.3 KB"."""

from __future__ import annotations

BADGES = {"not_installed": "Not installed", "installed": "Installed", "loaded": "Loaded"}
AGE_UNITS = ((86400, "d"), (3600, "h"), (60, "min"), (1, "s"))
SIZE_UNITS = ((1024**3, "GB"), (1024**2, "MB"), (1024, "KB"))


def badge_text(state: str) -> str:
    return BADGES.get(state, state)


def age_text(seconds: float | None) -> str:
    """`40 s ago`, `3 min ago`, `2 h ago`; a clock a little ahead reads `just now`."""
    if seconds is None:
        return "never"
    if seconds < 1:
        return "just now"
    for size, unit in AGE_UNITS:
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return "just now"  # pragma: no cover - the loop always answers for seconds >= 1


def size_text(size: int | None) -> str:
    if size is None:
        return "absent"
    for unit_size, unit in SIZE_UNITS:
        if size >= unit_size:
            return f"{size / unit_size:.1f} {unit}"
    return f"{size} B"
