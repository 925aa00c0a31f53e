"""Printing for the CLI: stable JSON for scripts, aligned plain tables for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import click


def _default(value: Any):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "to_json"):
        return value.to_json()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, default=_default, indent=2, ensure_ascii=False))


def _safe(text: Any) -> str:
    """Make terminal-hostile characters visible instead of letting them act."""
    s = "" if text is None else str(text)
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in s)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    rows = [[_safe(c) for c in r] for r in rows]
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
        click.echo(f"{key.ljust(width)}  {_safe(value)}")


def fail(message: str, code: int) -> None:
    click.echo(f"error: {_safe(message)}", err=True)
    sys.exit(code)
