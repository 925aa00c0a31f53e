"""Text from people and databases: what the store can hold, and control characters shown instead of obeyed.

Standard library only: the idle tick prints through `shown`.
"""

from __future__ import annotations

import re

from amx_core.errors import ValidationError

# C0, DEL and C1 controls, line/paragraph separators and bidi overrides/isolates: they act on a terminal.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def storable(text: str) -> bool:
    """False for text no store can hold (lone surrogates, what bytes that are not UTF-8 become), so no row has it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refuse_surrogates(value: str, *, field: str) -> str:
    """`value` unchanged, unless it holds a lone surrogate (bytes that were not UTF-8): then a ValidationError."""
    if not storable(value):
        raise ValidationError(field, "is not valid text (it holds bytes that are not UTF-8)")
    return value


def shown(text: object) -> str:
    """`text` for a terminal or a log line: each character that is not printable (controls, escapes, bidi
    overrides, zero-width marks, lone surrogates) is written as its escape (`\\x1b`, `\\u200b`), so it shows
    instead of acting."""
    value = "" if text is None else str(text)
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in value)
