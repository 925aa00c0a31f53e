"""Bounded column statistics: one sampled SELECT per table, figures computed from the sample.

Per column: null ratio, distinct count (capped), min/max, text lengths, and the most common
values only for low-cardinality columns. Long text is read as a prefix; structured values
(arrays, JSON, XML, ranges, ...) as a prefix of their text with counts and lengths only;
binary values only as "is it null"; a type the rules do not know is read as text. Secret-like
columns (see secretlike) are never selected, or their values dropped once seen, and are
reported as withheld. Personal-looking values (email, phone, card, IBAN, IP) are never kept:
a column that holds them reports only its kind; so does a person's-name column unless the
profile samples `raw`. In `masked` mode (the default) text minimum/maximum are shown as shapes
(`Xxxx 99`) and only values seen at least twice appear among the top values; `raw` (opt-in per
DB profile) keeps them as they are. A column whose values cannot be read or summed up loses its
statistics (with a note), never the table's.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from amx_core.analyze.personal import (
    PERSON_NAME,
    counted_personal_kind,
    numbers_personal_kind,
    person_name_hint,
    personal_kind,
)
from amx_core.analyze.secretlike import SECRET, secret_name, secret_values
from amx_core.engines.base import Engine
from amx_core.engines.registry import engine_for
from amx_core.engines.types import value_class

SAMPLE_ROWS = 1000
_PLAIN = frozenset({int, float, str, decimal.Decimal, dt.date, dt.datetime})  # hashable: no ABC check needed
TEXT_LIKE = ("text", "other")  # read as text: unknown types have a text form too
DISTINCT_CAP = 100
LOW_CARDINALITY = 12
TOP_VALUES = 5
SHOWN_TEXT = 40
SHAPE_LENGTH = 24


@dataclass(frozen=True)
class ProfileSettings:
    sample_rows: int = SAMPLE_ROWS
    sample_mode: str = "masked"  # masked | raw


@dataclass(frozen=True)
class TableProfile:
    """What profiling learnt about a table: statistics per column, the columns whose values are withheld
    (column -> why), and notes on the columns that could not be profiled."""

    stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    withheld: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def _plain(value: Any) -> Any:
    """A JSON-safe form of a sampled value."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value) if value.is_finite() else str(value)
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    return str(value)


_ASCII_SHAPES = str.maketrans(
    {
        chr(code): "X" if chr(code).isupper() else "x" if chr(code).isalpha() else "9"
        for code in range(128)
        if chr(code).isalnum()
    }
)


def shape(text: str) -> str:
    """`Anna-Maria 42` -> `Xxxx-Xxxxx 99`: what a text looks like, not what it says."""
    head = text[:SHAPE_LENGTH]
    if head.isascii():  # the common case, in one C call
        return head.translate(_ASCII_SHAPES)
    return "".join("X" if c.isupper() else "x" if c.isalpha() else "9" if c.isdigit() else c for c in head)


def _shown(value: Any, kind: str, mode: str) -> Any:
    """A min/max value as it may be sent: None when it looks personal or is masked text."""
    if value is None or personal_kind(value) is not None:
        return None
    plain = _plain(value)
    if isinstance(plain, str) and kind != "temporal":
        return plain[: SHOWN_TEXT * 2] if mode == "raw" else None
    return plain


def _common_shape(counts: Mapping[str, int], total: int) -> str | None:
    """The shape most of `total` values share (at least half of them), e.g. `XX-9999` for codes; `counts`:
    each distinct text and how often it was seen (each shaped once)."""
    shapes: Counter[str] = Counter()
    for text, seen in counts.items():
        if len(text) <= SHAPE_LENGTH:
            shapes[shape(text)] += seen
    if not shapes:
        return None
    common, count = shapes.most_common(1)[0]
    return common if count * 2 >= total else None


def _min_max(values: list[Any]) -> tuple[Any, Any]:
    try:
        return min(values), max(values)
    except TypeError:  # mixed types (SQLite): compare as text
        texts = [str(v) for v in values]
        return min(texts), max(texts)


def _top(counts: Counter, mode: str) -> list[Any]:
    minimum = 1 if mode == "raw" else 2
    top: list[Any] = []
    for value, count in counts.most_common():
        if count < minimum or len(top) >= TOP_VALUES:
            break
        plain = _plain(value)
        if personal_kind(value) is None and (not isinstance(plain, str) or len(plain) <= SHOWN_TEXT):
            top.append(plain)
    return top


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(_plain(value))


def _comparable(values: list[Any], kind: str) -> list[Any]:
    """The values as the statistics can count them: text for the text-like and structured classes, and
    text for anything else a driver hands back that cannot be counted (lists, dicts, ranges)."""
    types = set(map(type, values))  # one C pass: most samples hold one type, already countable
    if kind in TEXT_LIKE or kind == "document":
        return values if types <= {str} else [_as_text(v) for v in values]
    if types <= _PLAIN:
        return values
    return [v if type(v) in _PLAIN or isinstance(v, Hashable) else _as_text(v) for v in values]


def column_stats(
    name: str, type_text: str, values: Sequence[Any], mode: str, kind: str | None = None
) -> dict[str, Any]:
    """The statistics of one column's sampled values (already bounded by the sample); `kind` is the
    value class the sample was read as (by default the generic one of `type_text`)."""
    kind = kind or value_class(type_text)
    total = len(values)
    if total == 0:
        return {"sample_rows": 0}
    if kind == "binary":
        return {"sample_rows": total, "null_ratio": round(sum(values) / total, 3)}
    present = _comparable([v for v in values if v is not None] if None in values else list(values), kind)
    stats: dict[str, Any] = {"sample_rows": total, "null_ratio": round(1 - len(present) / total, 3)}
    if not present:
        return stats
    counts = Counter(present)
    stats["distinct_count"] = min(len(counts), DISTINCT_CAP)
    stats["distinct_capped"] = len(counts) > DISTINCT_CAP
    textual = kind in TEXT_LIKE or kind == "document"  # then `present` holds text only (`_comparable`)
    if textual:
        stats["min_length"] = min(map(len, counts))
        stats["max_length"] = max(map(len, counts))
    if kind == "document":  # structured values: their size says enough, their content may say too much
        return stats
    personal = counted_personal_kind(name, counts) if textual else numbers_personal_kind(name, counts)
    if personal is None and mode != "raw" and person_name_hint(name):
        personal = PERSON_NAME
    if personal is not None:
        stats["personal"] = personal
        return stats
    if textual and mode != "raw":
        common = _common_shape(counts, len(present))
        if common is not None:
            stats["shape"] = common
    if kind != "boolean":
        low, high = _min_max(list(counts))  # the distinct values have the same extremes
        shown = {"min": _shown(low, kind, mode), "max": _shown(high, kind, mode)}
        stats.update({key: value for key, value in shown.items() if value is not None})
    if len(counts) <= LOW_CARDINALITY and len(present) >= 2 * len(counts):
        top = _top(counts, mode)
        if top:
            stats["top_values"] = top
    return stats


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return (text.splitlines() or [""])[0][:200]


def _sample(
    conn: sa.Connection, engine: Engine, schema: str | None, table: str, columns: Sequence[tuple[str, str]], rows: int
) -> list[tuple]:
    """One bounded SELECT of the columns' sample expressions; rows in `columns` order."""
    selected = [
        engine.sample_expression(sa.column(name), engine.value_class(type_text), type_text).label(f"c{index}")
        for index, (name, type_text) in enumerate(columns)
    ]
    result = conn.execute(engine.sample_statement(conn, schema, table, selected, rows))
    try:
        # the driver's rows as they come: a sample is up to 1,000 x columns values, and building a Row around each
        # row cost a fifth of profiling; the columns are untyped (the one typed expression, a money cast, only
        # turns the driver's floats into Decimals, which the statistics read as floats anyway)
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _sample_each(
    conn: sa.Connection, engine: Engine, schema: str | None, table: str, columns: Sequence[tuple[str, str]], rows: int
) -> tuple[dict[str, list[Any]], list[str]]:
    """The sample read column by column, after the one query failed: a column whose read fails is left
    out with a note. A table that cannot be read at all raises (its first column's error)."""
    values: dict[str, list[Any]] = {}
    notes: list[str] = []
    failures: list[BaseException] = []
    for name, type_text in columns:
        try:
            values[name] = [row[0] for row in _sample(conn, engine, schema, table, [(name, type_text)], rows)]
        except sa.exc.DBAPIError as exc:
            conn.rollback()
            failures.append(exc)
            notes.append(f"column {name} ({type_text}) not profiled: {_first_line(exc)}")
    if failures and not values:
        raise failures[0]
    return values, notes


def _read(
    conn: sa.Connection, engine: Engine, schema: str | None, table: str, columns: Sequence[tuple[str, str]], rows: int
) -> tuple[dict[str, list[Any]], list[str]]:
    """column -> sampled values, from one query; column by column when that query fails."""
    if not columns:
        return {}, []
    try:
        sample = _sample(conn, engine, schema, table, columns, rows)
    except sa.exc.DBAPIError:
        conn.rollback()
        if len(columns) == 1:
            raise
        return _sample_each(conn, engine, schema, table, columns, rows)
    by_column = list(zip(*sample, strict=True)) or [()] * len(columns)  # one pass over the rows, in C
    return {name: list(by_column[index]) for index, (name, _type) in enumerate(columns)}, []


def profile_table(
    conn: sa.Connection,
    schema: str | None,
    table: str,
    columns: Sequence[tuple[str, str]],
    settings: ProfileSettings,
) -> TableProfile:
    """Statistics of the (name, type) columns from one bounded sample (the engine's statement: `LIMIT
    sample_rows`, or DuckDB's `USING SAMPLE`); secret-like columns are not read (withheld), and a column
    that cannot be profiled is left without statistics."""
    engine = engine_for(conn.dialect.name)
    withheld = {name: SECRET for name, _type in columns if secret_name(name)}
    readable = [(name, type_text) for name, type_text in columns if name not in withheld]
    values, notes = _read(conn, engine, schema, table, readable, settings.sample_rows)
    stats: dict[str, dict[str, Any]] = {}
    for name, type_text in readable:
        if name not in values:
            continue
        sampled, kind = values[name], engine.value_class(type_text)
        if kind in TEXT_LIKE and secret_values([v for v in sampled if v is not None]):
            withheld[name] = SECRET
            continue
        try:
            stats[name] = column_stats(name, type_text, sampled, settings.sample_mode, kind)
        except Exception as exc:  # noqa: BLE001 - one column's odd values must not cost the table its profile
            notes.append(f"column {name} ({type_text}) not profiled: {type(exc).__name__}: {exc}"[:300])
    return TableProfile(stats=stats, withheld=withheld, notes=tuple(notes))
