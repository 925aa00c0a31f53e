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
    _write_batches(chain.from_iterable(map(texts.of_batch, batches)), stream or sys.stdout)


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
    """The JSON texts, at `pad`, of batches of objects given as columns. A chunk's scalar values are set row by
    row in one list (a slice per column), encoded in one C call and split; a column holding containers (as its
    first value is) is encoded value by value; then the values are set between the chunk's keys and braces in
    one slice and joined in one call. A chunk not fitting that (a container further down a column of scalars)
    takes the general path, a dict at a time."""

    def __init__(self, fields: Sequence[str], pad: str):
        if not fields:
            raise ValueError("objects given as columns need one field at least")
        self._pad, self._inner, self._fields = pad, pad + "  ", tuple(fields)
        # the text before each value of an object (its brace or comma, then the key), and after the last
        self._heads = [f"{',' if i else '{'}\n{self._inner}{_key(name)}: " for i, name in enumerate(self._fields)]
        self._close = f"\n{pad}}}"
        self._count = len(self._fields)
        self._encode = _values_encoder()
        self._batch_texts: dict[int, list[str]] = {}

    def of_batch(self, columns: Sequence[Sequence[Any]]) -> Iterator[list[str]]:
        """The texts of a batch, a chunk of _BATCH_ITEMS rows at a time: the lists a chunk's encoding makes stay in
        the CPU's cache (10,000 rows written from chunks of 64 take 0.9x the time of chunks of 500)."""
        lengths = {len(column) for column in columns}
        if len(columns) != self._count or len(lengths) > 1:
            raise ValueError(f"{len(columns)} columns of {sorted(lengths)} values for {self._count} fields")
        for start in range(0, lengths.pop(), _BATCH_ITEMS):
            yield self._of([column[start : start + _BATCH_ITEMS] for column in columns])

    def _of(self, columns: Sequence[Sequence[Any]]) -> list[str]:
        """A chunk's text (a list of one text), or its objects' texts one by one on the general path."""
        count, n = self._count, len(columns[0])
        containers = [k for k, column in enumerate(columns) if isinstance(column[0], _CONTAINERS)]
        values: list[Any] = [None] * (count * n)
        for k, column in enumerate(columns):
            if k not in containers:
                values[k::count] = column
        text = self._encode(values)
        parts = text[1:-1].split(_VALUE_MARK)
        # a container among the scalars: the marks no longer fall between values (looked for only when a bracket
        # is there at all, which finds its first character fast)
        brackets = "[" in text or "{" in text
        if brackets and ("\x00[" in text or "\x00{" in text or text[1] in "[{") or len(parts) != count * n:
            return [self._general(row) for row in zip(*columns, strict=True)]
        for k in containers:
            parts[k::count] = [_encoded(value, self._inner) for value in columns[k]]
        pieces = self._batch(n)[:]
        pieces[1::2] = parts
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

    def _general(self, row: Sequence[Any]) -> str:
        return _encoded(dict(zip(self._fields, row, strict=True)), self._pad)


_CONTAINERS = (list, tuple, dict, set, frozenset)
# json's C encoder (None on an interpreter without json's C part)
_C_ENCODER: Callable[..., Callable[[Any, int], Any]] | None = getattr(json.encoder, "c_make_encoder", None)
# what the values encoder writes between two values: a NUL, which a string never holds unescaped, so a list or
# an object right after one is a value
_VALUE_MARK = "\x00"


@lru_cache(maxsize=1)
def _values_encoder() -> Callable[[Sequence[Any]], str]:
    """One C call writing a sequence of values as `[v0\x00v1...]` (instants and other objects by _default)."""
    if _C_ENCODER is None:  # json's Python encoder writes the same text
        return json.JSONEncoder(ensure_ascii=False, separators=(_VALUE_MARK, ": "), default=_default).encode
    encoder = _C_ENCODER(None, _default, encode_basestring, None, ": ", _VALUE_MARK, False, False, True)
    return lambda values: "".join(encoder(values, 0))


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
