"""Printing for the CLI: stable JSON for scripts (whole or streamed item by item), lines for people, control
characters escaped."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from json.encoder import encode_basestring  # the C one where it exists
from typing import Any, NoReturn, TextIO

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


_INFINITY = float("inf")


def _json_float(value: float) -> str:
    """A float as json writes it (its repr; NaN and the infinities by JavaScript's names)."""
    if value != value:
        return "NaN"
    if value in (_INFINITY, -_INFINITY):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


# JSON text of a scalar by its exact type (json.dumps with `indent` runs the pure-Python encoder, about 5x slower
# on a long listing); a subclass of these, or any other type, takes the general path in `_encoded`.
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    float: _json_float,
    bool: {True: "true", False: "false"}.__getitem__,
    type(None): lambda _none: "null",
}


def _key(key: Any) -> str:
    """A dict key as json.dumps writes it: text as is, booleans and None as JSON words, numbers as their repr."""
    if isinstance(key, str):
        return encode_basestring(key)
    if isinstance(key, bool) or key is None:
        return f'"{_SCALARS[type(key)](key)}"'
    if isinstance(key, int):
        return f'"{int.__repr__(key)}"'
    return f'"{_json_float(key)}"'


_EMPTY_OK = (list, tuple, dict)


@lru_cache(maxsize=8)
def _flat_encoder(pad: str) -> Callable[[Any], str]:
    """The C encoder writing a flat dict's items one per line at `pad` + 2 (braces added by the caller)."""
    return json.JSONEncoder(ensure_ascii=False, separators=(f",\n{pad}  ", ": ")).encode


def _is_flat(value: dict) -> bool:
    """True when every value is a scalar or an empty list or dict (a listing's items, nearly always)."""
    for item in value.values():
        kind = item.__class__
        if kind not in _SCALARS and (kind not in _EMPTY_OK or item):
            return False
    return True


def _encoded(value: Any, pad: str) -> str:
    """`value` as json.dumps(indent=2, ensure_ascii=False, default=_default) writes it, containers at `pad`."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        return scalar(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        if _is_flat(value):  # one C call for the whole object: most of the time a long listing takes
            return f"{{\n{pad}  {_flat_encoder(pad)(value)[1:-1]}\n{pad}}}"
        inner = pad + "  "
        body = f",\n{inner}".join(f"{_key(key)}: {_encoded(item, inner)}" for key, item in value.items())
        return f"{{\n{inner}{body}\n{pad}}}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = pad + "  "
        body = f",\n{inner}".join(_encoded(item, inner) for item in value)
        return f"[\n{inner}{body}\n{pad}]"
    if isinstance(value, (str, int, float)):  # a subclass (an enum member, say): json's own rules
        return json.dumps(value, ensure_ascii=False)
    return _encoded(_default(value), pad)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # JSON spells a character beyond the BMP as its UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _printable(text: str) -> str:
    """Outside its strings our JSON holds only printable ASCII and newlines, and inside them C0 controls are
    escaped; anything else not printable (DEL, C1 such as U+009B, line separators, bidi overrides, zero-width
    characters, lone surrogates) can only sit inside a string, where its \\u escape means the same text."""
    if text.replace("\n", "").isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else _json_escape(ch) for ch in text)


def json_text(data: Any, *, pad: str = "") -> str:
    """`data` as indented JSON (UTF-8 text kept readable) with every character that is not printable escaped."""
    return _printable(_encoded(data, pad))


def emit_json(data: Any) -> None:
    click.echo(json_text(data))


def emit_json_list(items: Iterable[Any], stream: TextIO | None = None) -> None:
    """A JSON list written one item at a time (the same text emit_json writes for the whole list), so a long
    listing never holds more than one item."""
    out = stream or sys.stdout
    lead = "[\n  "
    for item in items:
        out.write(lead + json_text(item, pad="  "))
        lead = ",\n  "
    out.write("[]\n" if lead.startswith("[") else "\n]\n")
    out.flush()


def is_terminal(stream: TextIO) -> bool:
    """True when `stream` is drawn on a terminal (not a pipe, a file or a test's capture)."""
    return bool(getattr(stream, "isatty", lambda: False)())


def say(text: Any = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a line (or lines) for people, every control or escape character shown escaped instead of acting."""
    click.echo("\n".join(shown(line) for line in str(text).split("\n")), err=err, nl=nl)


def pairs(items: Sequence[tuple[str, Any]]) -> None:
    width = max((len(k) for k, _ in items), default=0)
    for key, value in items:
        click.echo(f"{key.ljust(width)}  {shown(value)}")


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {shown(message)}", err=True)
    sys.exit(code)
