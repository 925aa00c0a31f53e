"""Printing for the CLI: stable JSON for scripts (whole or streamed item by item), lines for people, control
characters escaped."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from itertools import chain, islice
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
    if text.isascii() and "\x7f" not in text:  # ASCII JSON: DEL is the one character that is not printable
        return text
    if text.replace("\n", "").isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else _json_escape(ch) for ch in text)


def json_text(data: Any, *, pad: str = "") -> str:
    """`data` as indented JSON (UTF-8 text kept readable) with every character that is not printable escaped."""
    return _printable(_encoded(data, pad))


def emit_json(data: Any) -> None:
    click.echo(json_text(data))


def emit_json_list(items: Iterable[Any], stream: TextIO | None = None) -> None:
    """A JSON list written a batch of items at a time (the same text emit_json writes for the whole list), so a
    long listing never holds more than a batch."""
    _write_batches(([_encoded(item, "  ") for item in batch] for batch in _batches(items)), stream or sys.stdout)


def emit_json_columns(
    batches: Iterable[Sequence[Sequence[Any]]], fields: Sequence[str], stream: TextIO | None = None
) -> None:
    """Objects given a batch at a time as columns (one per field, in the order of `fields`, all as long), written
    as one JSON list, a write per batch: the text emit_json_list writes for `dict(zip(fields, row))` of each row,
    without making those dicts (_ColumnTexts)."""
    texts = _ColumnTexts(fields, "  ")
    _write_batches(map(texts.of, batches), stream or sys.stdout)


# items written to the stream at a time: one write for many, while a long listing holds no more than a batch
_BATCH_ITEMS = 64


def _batches(items: Iterable[Any]) -> Iterator[list[Any]]:
    """The items in lists of _BATCH_ITEMS (the last one shorter)."""
    items = iter(items)
    while batch := list(islice(items, _BATCH_ITEMS)):
        yield batch


def _write_batches(batches: Iterator[list[str]], out: TextIO) -> None:
    """The JSON list of the items whose texts (at indent 2) come a batch at a time, a write per batch."""
    lead = "[\n  "
    for texts in filter(None, batches):  # an empty batch writes nothing
        out.write(lead + _printable(",\n  ".join(texts)))
        lead = ",\n  "
    out.write("[]\n" if lead.startswith("[") else "\n]\n")
    out.flush()


class _ColumnTexts:
    """The JSON text, at `pad`, of batches of objects given as columns. Each column is encoded in one pass of the
    encoder its values' one type has (a C function for text and integers), a value by the general encoder only
    in a column of mixed or other types; the encoded values are set between the batch's keys and braces with a
    slice per column and joined in one call: no dict per object, no call per value."""

    def __init__(self, fields: Sequence[str], pad: str):
        if not fields:
            raise ValueError("objects given as columns need one field at least")
        self._pad, self._inner, self._fields = pad, pad + "  ", tuple(fields)
        # the text before each value of an object (its brace or comma, then the key), and after the last
        self._heads = [f"{',' if i else '{'}\n{self._inner}{_key(name)}: " for i, name in enumerate(self._fields)]
        self._close = f"\n{pad}}}"
        self._count = len(self._fields)
        self._batch_texts: dict[int, list[str]] = {}

    def of(self, columns: Sequence[Sequence[Any]]) -> list[str]:
        """The batch's text (a list of one text; none for an empty batch)."""
        lengths = {len(column) for column in columns}
        if len(columns) != self._count or len(lengths) > 1:
            raise ValueError(f"{len(columns)} columns of {sorted(lengths)} values for {self._count} fields")
        n = lengths.pop()
        if not n:
            return []
        pieces = self._batch(n)[:]
        step = 2 * self._count
        for k, column in enumerate(columns):
            pieces[2 * k + 1 :: step] = _column_texts(column, self._inner)
        return ["".join(pieces)]

    def _batch(self, n: int) -> list[str]:
        """The text around the values of n objects as _write_batches joins them, each value's slot (odd places)
        empty."""
        pieces = self._batch_texts.get(n)
        if pieces is None:
            between = [self._close + f",\n{self._pad}" + self._heads[0], *self._heads[1:]]
            texts = [*self._heads, *chain.from_iterable([between] * (n - 1)), self._close]
            pieces = [""] * (2 * len(texts) - 1)
            pieces[::2] = texts
            self._batch_texts[n] = pieces
        return pieces


def _column_texts(column: Sequence[Any], pad: str) -> list[str]:
    """Each value's JSON text (containers at `pad`): one map of its type's encoder over a column of one scalar type
    (None among them allowed); the general encoder value by value otherwise."""
    kinds = set(map(type, column))
    nulls = _NONE in kinds
    kinds.discard(_NONE)
    if len(kinds) == 1 and (scalar := _SCALARS.get(next(iter(kinds)))) is not None:
        if not nulls:
            return list(map(scalar, column))
        return ["null" if value is None else scalar(value) for value in column]
    if not kinds:
        return ["null"] * len(column)
    return [_encoded(value, pad) for value in column]


_NONE = type(None)


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
