"""Bounded column statistics: one sampled SELECT per table, figures computed from the sample.

Per column: null ratio, distinct count (capped), min/max, text lengths, and the most common
values only for low-cardinality columns. Long text is read as a prefix, binary and unknown
types only as "is it null". Personal-looking values (email, phone, card, IBAN, IP) are
never kept: a column that holds them reports only its kind. In `masked` mode (the default)
text minimum/maximum are shown as shapes (`Xxxx 99`) and only values seen at least twice
appear among the top values; `raw` (opt-in per DB profile) keeps them as they are.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from amx_core.analyze.personal import column_personal_kind, personal_kind

SAMPLE_ROWS = 1000
DISTINCT_CAP = 100
LOW_CARDINALITY = 12
TOP_VALUES = 5
TEXT_PREFIX = 256
SHOWN_TEXT = 40
SHAPE_LENGTH = 24

_BINARY = re.compile(r"BLOB|BYTEA|BINARY|IMAGE|\bRAW\b|LONG RAW|GEOMETRY|POINT|POLYGON", re.I)
_NUMERIC = re.compile(r"INT|NUMERIC|DECIMAL|REAL|FLOAT|DOUBLE|SERIAL|MONEY|NUMBER|\bBIT\b|\bYEAR\b", re.I)
_TEMPORAL = re.compile(r"DATE|TIME|INTERVAL", re.I)
_BOOLEAN = re.compile(r"BOOL", re.I)
_TEXT = re.compile(r"CHAR|TEXT|STRING|CLOB|ENUM|\bSET\b|UUID|NAME|CITEXT", re.I)
_LONG_TEXT = re.compile(r"TEXT|CLOB|^(?:N?VARCHAR|CHARACTER VARYING|STRING)$", re.I)


@dataclass(frozen=True)
class ProfileSettings:
    sample_rows: int = SAMPLE_ROWS
    sample_mode: str = "masked"  # masked | raw


def value_class(type_text: str) -> str:
    """'binary', 'numeric', 'temporal', 'boolean', 'text' or 'other' for a reflected type's text."""
    for name, pattern in (
        ("binary", _BINARY),
        ("boolean", _BOOLEAN),
        ("temporal", _TEMPORAL),
        ("numeric", _NUMERIC),
        ("text", _TEXT),
    ):
        if pattern.search(type_text or ""):
            return name
    return "other"


def _selected(column: sa.ColumnClause, kind: str, type_text: str) -> sa.ColumnElement:
    if kind in ("binary", "other"):
        return sa.case((column.is_(None), 1), else_=0)
    if kind == "text" and _LONG_TEXT.search((type_text or "").strip()):
        return sa.func.substr(column, 1, TEXT_PREFIX)
    return column


def _plain(value: Any) -> Any:
    """A JSON-safe form of a sampled value."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value) if value.is_finite() else str(value)
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    return str(value)


def shape(text: str) -> str:
    """`Anna-Maria 42` -> `Xxxx-Xxxxx 99`: what a text looks like, not what it says."""
    return "".join(
        "X" if c.isupper() else "x" if c.isalpha() else "9" if c.isdigit() else c for c in text[:SHAPE_LENGTH]
    )


def _shown(value: Any, kind: str, mode: str) -> Any:
    """A min/max value as it may be sent: None when it looks personal or is masked text."""
    if value is None or personal_kind(value) is not None:
        return None
    plain = _plain(value)
    if isinstance(plain, str) and kind != "temporal":
        return plain[: SHOWN_TEXT * 2] if mode == "raw" else None
    return plain


def _common_shape(texts: Sequence[str]) -> str | None:
    """The shape most values share (at least half of them), e.g. `XX-9999` for codes."""
    shapes = Counter(shape(t) for t in texts if len(t) <= SHAPE_LENGTH)
    if not shapes:
        return None
    common, count = shapes.most_common(1)[0]
    return common if count * 2 >= len(texts) else None


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


def column_stats(name: str, type_text: str, values: Sequence[Any], mode: str) -> dict[str, Any]:
    """The statistics of one column's sampled values (already bounded by the sample)."""
    kind = value_class(type_text)
    total = len(values)
    if total == 0:
        return {"sample_rows": 0}
    if kind in ("binary", "other"):
        return {"sample_rows": total, "null_ratio": round(sum(values) / total, 3)}
    present = [v for v in values if v is not None]
    stats: dict[str, Any] = {"sample_rows": total, "null_ratio": round(1 - len(present) / total, 3)}
    if not present:
        return stats
    counts = Counter(present)
    stats["distinct_count"] = min(len(counts), DISTINCT_CAP)
    stats["distinct_capped"] = len(counts) > DISTINCT_CAP
    texts = [str(v) for v in present] if kind == "text" else []
    if texts:
        stats["min_length"] = min(len(t) for t in texts)
        stats["max_length"] = max(len(t) for t in texts)
    personal = column_personal_kind(
        name, texts or [v for v in present if isinstance(v, int) and not isinstance(v, bool)]
    )
    if personal is not None:
        stats["personal"] = personal
        return stats
    if texts and mode != "raw":
        common = _common_shape(texts)
        if common is not None:
            stats["shape"] = common
    if kind != "boolean":
        low, high = _min_max(present)
        shown = {"min": _shown(low, kind, mode), "max": _shown(high, kind, mode)}
        stats.update({key: value for key, value in shown.items() if value is not None})
    if len(counts) <= LOW_CARDINALITY and len(present) >= 2 * len(counts):
        top = _top(counts, mode)
        if top:
            stats["top_values"] = top
    return stats


def profile_table(
    conn: sa.Connection,
    schema: str | None,
    table: str,
    columns: Sequence[tuple[str, str]],
    settings: ProfileSettings,
) -> dict[str, dict[str, Any]]:
    """column name -> statistics, from one `SELECT ... LIMIT sample_rows` over (name, type) columns."""
    if not columns:
        return {}
    kinds = [value_class(type_text) for _, type_text in columns]
    relation = sa.table(table, *(sa.column(name) for name, _ in columns), schema=schema)
    selected = [
        _selected(relation.c[name], kind, type_text).label(f"c{index}")
        for index, ((name, type_text), kind) in enumerate(zip(columns, kinds, strict=True))
    ]
    rows = conn.execute(sa.select(*selected).select_from(relation).limit(max(1, settings.sample_rows))).all()
    return {
        name: column_stats(name, type_text, [row[index] for row in rows], settings.sample_mode)
        for index, (name, type_text) in enumerate(columns)
    }
