"""Fitting a description to what a backend can hold: no NUL, its character set, its length limit.

PostgreSQL text cannot hold NUL (U+0000), so NUL characters are removed before writing on
every backend (the same text everywhere); MariaDB/MySQL keep comments in 3-byte utf8, so
characters outside the Basic Multilingual Plane (emoji) are removed there, instead of being
stored as '?'; text longer than a backend's limit is cut at a word boundary and ends with '…'.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def strip_nul(text: str) -> tuple[str, tuple[str, ...]]:
    if "\x00" not in text:
        return text, ()
    return text.replace("\x00", ""), ("NUL characters removed",)


def strip_astral(text: str) -> tuple[str, tuple[str, ...]]:
    cleaned = _ASTRAL.sub("", text)
    if cleaned == text:
        return text, ()
    return cleaned, (f"{len(text) - len(cleaned)} characters outside the BMP (such as emoji) removed",)


def truncate(text: str, limit: int) -> tuple[str, tuple[str, ...]]:
    """`text` cut to at most `limit` characters, at a word boundary when one is near, ending in '…'."""
    if len(text) <= limit:
        return text, ()
    cut = text[: limit - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= limit * 0.8:
        cut = cut[:space]
    cut = cut.rstrip()
    return cut + ELLIPSIS, (f"truncated from {len(text)} to {len(cut) + 1} characters (limit {limit})",)
