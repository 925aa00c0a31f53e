"""What a column's name and type say about its unit: milliseconds, bytes, kilograms, percent, money, time zones.

One table of units serves the heuristic provider (to state the unit) and the quality check
(to notice a description that leaves out a unit the name makes evident).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from amx_core.llm.names import split_words


@dataclass(frozen=True)
class Unit:
    """A unit named by a column: what it measures, its name in a description, and the words that count as naming it."""

    measure: str
    name: str
    forms: tuple[str, ...]


def _unit(measure: str, name: str, *forms: str) -> Unit:
    return Unit(measure, name, (name, *forms))


_MS = _unit("duration", "milliseconds", "millisecond", "ms", "msec")
_S = _unit("duration", "seconds", "second", "secs", "sec")
_MIN = _unit("duration", "minutes", "minute", "mins")
_H = _unit("duration", "hours", "hour", "hrs")
_D = _unit("duration", "days", "day")
_B = _unit("size", "bytes", "byte")
_KB = _unit("size", "kilobytes", "kilobyte", "kb", "kib")
_MB = _unit("size", "megabytes", "megabyte", "mb", "mib")
_GB = _unit("size", "gigabytes", "gigabyte", "gb", "gib")
_KG = _unit("weight", "kilograms", "kilogram", "kg", "kilo", "kilos")
_G = _unit("weight", "grams", "gram")
_LB = _unit("weight", "pounds", "pound", "lb", "lbs")
_MM = _unit("length", "millimetres", "millimetre", "millimeters", "millimeter", "mm")
_CM = _unit("length", "centimetres", "centimetre", "centimeters", "centimeter", "cm")
_M = _unit("length", "metres", "metre", "meters", "meter")
_KM = _unit("length", "kilometres", "kilometre", "kilometers", "kilometer", "km")
_PCT = _unit("share", "percent", "percentage", "pct", "%", "per cent")

# The last word of a column name -> the unit it names.
NAME_UNITS: dict[str, Unit] = {
    **dict.fromkeys(("milliseconds", "millisecond", "millis", "ms", "msec"), _MS),
    **dict.fromkeys(("seconds", "secs", "sec"), _S),
    **dict.fromkeys(("minutes", "mins"), _MIN),
    **dict.fromkeys(("hours", "hrs"), _H),
    **dict.fromkeys(("days",), _D),
    **dict.fromkeys(("bytes",), _B),
    **dict.fromkeys(("kb", "kib", "kilobytes"), _KB),
    **dict.fromkeys(("mb", "mib", "megabytes"), _MB),
    **dict.fromkeys(("gb", "gib", "gigabytes"), _GB),
    **dict.fromkeys(("kg", "kgs", "kilograms"), _KG),
    **dict.fromkeys(("grams",), _G),
    **dict.fromkeys(("lb", "lbs", "pounds"), _LB),
    **dict.fromkeys(("mm", "millimetres", "millimeters"), _MM),
    **dict.fromkeys(("cm", "centimetres", "centimeters"), _CM),
    **dict.fromkeys(("metres", "meters"), _M),
    **dict.fromkeys(("km", "kilometres", "kilometers"), _KM),
    **dict.fromkeys(("pct", "percent", "percentage"), _PCT),
}

MONEY_WORDS = frozenset(
    {
        "price",
        "prc",
        "amount",
        "amt",
        "cost",
        "total",
        "balance",
        "bal",
        "salary",
        "fee",
        "tax",
        "revenue",
        "payment",
        "pmt",
        "charge",
        "subtotal",
        "freight",
    }
)
CURRENCY_WORDS = frozenset({"currency", "ccy", "curr"})
# Last words that make a money-sounding name something else: pmt_id, price_type, tax_rate, payment_date.
_NOT_MONEY = frozenset(
    {"id", "key", "no", "num", "nbr", "count", "cnt", "rate", "ratio", "qty", "quantity", "type", "code", "cd"}
    | {"method", "status", "flag", "date", "dt", "ts", "at", "on", "time", "name", "nm", "desc", "description"}
)

_NUMERIC = re.compile(r"int|num|dec|money|float|double|real|serial", re.I)
_ZONED = re.compile(r"with time zone|timestamptz|datetimeoffset|\btz\b", re.I)
_TIMESTAMP = re.compile(r"timestamp|datetime", re.I)


def is_numeric_type(sql_type: str | None) -> bool:
    return bool(_NUMERIC.search(sql_type or ""))


def name_unit(column_name: str, sql_type: str | None) -> Unit | None:
    """The unit a numeric column's name ends with (`Milliseconds`, `weight_kg`, `disc_pct`), else None."""
    words = split_words(column_name)
    if not words or not is_numeric_type(sql_type):
        return None
    return NAME_UNITS.get(words[-1])


def is_money(column_name: str, sql_type: str | None) -> bool:
    """A numeric column named like an amount of money (price, total, amt...), or of a money type."""
    lowered = (sql_type or "").lower()
    if "money" in lowered:
        return True
    words = split_words(column_name)
    if not words or words[-1] in _NOT_MONEY or name_unit(column_name, sql_type):
        return False
    return is_numeric_type(sql_type) and bool(set(words) & MONEY_WORDS)


def is_currency_column(column_name: str) -> bool:
    return bool(set(split_words(column_name)) & CURRENCY_WORDS)


def zone_phrase(sql_type: str | None) -> str | None:
    """'with time zone' or 'without time zone' for a date-and-time type; None for anything else."""
    text = sql_type or ""
    if _ZONED.search(text):
        return "with time zone"
    if _TIMESTAMP.search(text):
        return "without time zone"
    return None


def mentions_unit(text: str, unit: Unit) -> bool:
    """Whether `text` names `unit` in any of its forms (whole words, any case)."""
    lowered = text.lower()
    return any(re.search(rf"(?<![a-z]){re.escape(form)}(?![a-z])", lowered) for form in unit.forms)
