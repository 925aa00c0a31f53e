"""Reading a column's type text: its value class for profiling, and types SQLAlchemy reflects without knowing.

The value class decides what a sample reads of a column (docs/ANALYZE.md, "Profiling"): `document`
(arrays, JSON, XML, ranges, maps: a text prefix, counts and lengths only), `binary` (only "is it
null"), `boolean`, `temporal`, `numeric`, `text`, or `other` (a type the rules do not know: read
as text). Engines refine it for their own types before these generic rules apply.
"""

from __future__ import annotations

import re
from functools import cache

import sqlalchemy as sa

# Structured values: arrays (`TEXT[]`, `INTEGER[3]`), documents, ranges, maps and structs.
_DOCUMENT = re.compile(
    r"\[\d*\]\s*$|\bARRAY\b|JSON|XML|HSTORE|TSVECTOR|TSQUERY|RANGE\b|^(?:MAP|STRUCT|UNION|LIST|ROW)\s*\(", re.I
)
_BINARY = re.compile(
    r"BLOB|BYTEA|BINARY|IMAGE|\bRAW\b|LONG RAW|GEOMETRY|POINT|POLYGON|LINESTRING|\bLSEG\b|\bBOX\b|\bCIRCLE\b", re.I
)
_NUMERIC = re.compile(r"INT|NUMERIC|DECIMAL|REAL|FLOAT|DOUBLE|SERIAL|MONEY|NUMBER|\bBIT\b|\bYEAR\b", re.I)
_TEMPORAL = re.compile(r"DATE|TIME|INTERVAL", re.I)
_BOOLEAN = re.compile(r"BOOL", re.I)
_TEXT = re.compile(r"CHAR|TEXT|STRING|CLOB|ENUM|\bSET\b|UUID|NAME|CITEXT", re.I)
LONG_TEXT = re.compile(r"TEXT|CLOB|^(?:N?VARCHAR|CHARACTER VARYING|STRING)$", re.I)
MONEY = re.compile(r"MONEY", re.I)

VALUE_CLASSES = ("document", "binary", "boolean", "temporal", "numeric", "text", "other")
_RULES = (
    ("document", _DOCUMENT),
    ("binary", _BINARY),
    ("boolean", _BOOLEAN),
    ("temporal", _TEMPORAL),
    ("numeric", _NUMERIC),
    ("text", _TEXT),
)


def value_class(type_text: str) -> str:
    """One of VALUE_CLASSES for a reflected type's text, by the rules every engine shares."""
    for name, pattern in _RULES:
        if pattern.search(type_text or ""):
            return name
    return "other"


class NamedType(sa.types.UserDefinedType):
    """A type SQLAlchemy does not know (`xml`, `point`), kept under the name the database gives it."""

    cache_ok = True
    type_name = "UNKNOWN"

    def __init__(self, *args, **kwargs) -> None:  # the reflection passes the type's arguments; the name is enough
        pass

    def get_col_spec(self, **kw) -> str:
        return self.type_name


@cache
def named_type(name: str) -> type[NamedType]:
    """The NamedType subclass for `name` (reflection checks types with issubclass, so one class per name)."""
    return type(name.upper(), (NamedType,), {"type_name": name.upper()})


def teach_types(dialect: sa.Dialect, names: tuple[str, ...]) -> None:
    """Let this dialect instance reflect `names` as NamedTypes instead of NULL (its class stays untouched)."""
    known = getattr(dialect, "ischema_names", None)
    if names and isinstance(known, dict) and names[0] not in known:
        dialect.ischema_names = {**known, **{name: named_type(name) for name in names}}  # type: ignore[attr-defined]


class SpelledType(sa.types.UserDefinedType):
    """A type as an engine spells it in its own catalog (`DECIMAL(10,2)`, `ENUM('a', 'b')`, `VARCHAR[]`)."""

    cache_ok = True

    def __init__(self, text: str) -> None:
        self.text = text

    def get_col_spec(self, **kw) -> str:
        return self.text
