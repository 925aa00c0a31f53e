"""Printing for the CLI: stable JSON for scripts, aligned plain tables for people, control characters escaped."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NoReturn

import click

from amx_core.text import shown


def _default(value: Any):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "to_json"):
        return value.to_json()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # JSON spells a character beyond the BMP as its UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_text(data: Any) -> str:
    """`data` as indented JSON (UTF-8 text kept readable) with every character that is not printable escaped.

    Outside its strings json.dumps writes only printable ASCII and newlines, and inside them it escapes C0
    controls; anything else not printable (DEL, C1 such as U+009B, line separators, bidi overrides, zero-width
    characters, lone surrogates) can only sit inside a string, where its \\u escape means the same text.
    """
    text = json.dumps(data, default=_default, indent=2, ensure_ascii=False)
    if all(line.isprintable() for line in text.split("\n")):
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else _json_escape(ch) for ch in text)


def emit_json(data: Any) -> None:
    click.echo(json_text(data))


def say(text: Any = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a line (or lines) for people, every control or escape character shown escaped instead of acting."""
    click.echo("\n".join(shown(line) for line in str(text).split("\n")), err=err, nl=nl)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    rows = [[shown(c) for c in r] for r in rows]
    widths = [len(h) for h in headers]
    for r in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, r, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    click.echo(line.rstrip())
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


def pairs(items: Sequence[tuple[str, Any]]) -> None:
    width = max((len(k) for k, _ in items), default=0)
    for key, value in items:
        click.echo(f"{key.ljust(width)}  {shown(value)}")


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {shown(message)}", err=True)
    sys.exit(code)
