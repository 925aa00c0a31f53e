"""Offline column descriptions built from a column's name, type, keys and profile statistics."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from amx_core.llm.flags import restates_name
from amx_core.llm.names import entity, expand, split_words
from amx_core.llm.types import ColumnFacts, TableFacts

_KEY_SUFFIXES = {"id", "key", "fk", "ref", "no", "num", "nbr", "code"}
_MONEY = {
    "price",
    "amount",
    "amt",
    "cost",
    "total",
    "balance",
    "bal",
    "salary",
    "fee",
    "tax",
    "discount",
    "revenue",
    "payment",
    "charge",
}
_TAIL_PHRASES = {
    "email": "email address",
    "mail": "email address",
    "phone": "phone number",
    "fax": "fax number",
    "mobile": "mobile phone number",
    "zip": "postal code",
    "dob": "date of birth",
}
_UNITS = {
    "milliseconds": "Duration",
    "millis": "Duration",
    "ms": "Duration",
    "seconds": "Duration",
    "secs": "Duration",
    "minutes": "Duration",
    "mins": "Duration",
    "hours": "Duration",
    "days": "Duration",
    "bytes": "Size",
    "kb": "Size",
    "mb": "Size",
    "gb": "Size",
}
_PARTICIPLES = {
    "created",
    "updated",
    "modified",
    "deleted",
    "changed",
    "inserted",
    "closed",
    "opened",
    "shipped",
    "paid",
    "sent",
    "received",
    "started",
    "ended",
    "finished",
    "completed",
    "cancelled",
}
_BOOLEAN_PREFIXES = {"is", "has", "can", "should", "was", "allow", "allows"}
_TYPE_FAMILIES: tuple[tuple[str, str], ...] = (
    (r"bool|bit\b", "boolean"),
    (r"timestamp|datetime", "datetime"),
    (r"^date$|^date\b", "date"),
    (r"^time\b", "time"),
    (r"int|serial", "integer"),
    (r"num|dec|money|float|double|real", "decimal"),
    (r"char|text|string|clob|enum", "text"),
    (r"json", "json"),
    (r"uuid|uniqueidentifier", "uuid"),
    (r"blob|binary|bytea|image", "binary"),
)
_TYPE_PHRASES = {
    "boolean": "a yes/no value",
    "datetime": "a date and time",
    "date": "a date",
    "time": "a time of day",
    "integer": "a whole number",
    "decimal": "a decimal number",
    "text": "text",
    "json": "a JSON document",
    "uuid": "a UUID",
    "binary": "binary data",
    "money": "a monetary amount",
}


def type_family(sql_type: str) -> str:
    """A coarse family for a SQL type name: integer, decimal, text, date, datetime, boolean..."""
    lowered = (sql_type or "").strip().lower()
    return next((family for pattern, family in _TYPE_FAMILIES if re.search(pattern, lowered)), "other")


def split_path(path: str) -> list[str]:
    """`public.Employee.EmployeeId` -> its parts; double-quoted parts may hold dots (`"a.b".c`)."""
    return [a or b for a, b in re.findall(r'"((?:[^"]|"")*)"|([^.]+)', path)]


def article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


@dataclass(frozen=True)
class Sentence:
    """The core sentence of a description and how sure the rule that made it is."""

    text: str
    confidence: float
    clue: str


def _strip_entity(words: list[str], owner: str) -> list[str]:
    """Drop a leading repeat of the table's entity: InvoiceDate in invoice -> ['date']."""
    owner_words = owner.split()
    if len(words) > len(owner_words) and words[: len(owner_words)] == owner_words:
        return words[len(owner_words) :]
    return words


def _phrase_words(column: ColumnFacts, owner: str) -> list[str]:
    words = [expand(w) for w in split_words(column.name)]
    words = " ".join(words).split()
    if words and words[-1] in _TAIL_PHRASES:
        words = words[:-1] + _TAIL_PHRASES[words[-1]].split()
    return _strip_entity(words, owner)


def _target(column: ColumnFacts) -> tuple[str, str]:
    """(entity of the referenced table, `Table.Column`)."""
    parts = split_path(column.fk_target or "")
    table = parts[-2] if len(parts) >= 2 else (parts[0] if parts else "")
    shown = ".".join(parts[-2:]) if len(parts) >= 2 else table
    return entity(table) if table else "row", shown


def _primary_key(facts: TableFacts, column: ColumnFacts, owner: str) -> Sentence | None:
    if not column.primary_key:
        return None
    keys = [c for c in facts.columns if c.primary_key]
    if len(keys) > 1 or column.fk_target:
        if column.fk_target:
            target, shown = _target(column)
            lead = (
                "Part of the primary key; references"
                if len(keys) > 1
                else "Unique identifier of the " + owner + "; also references"
            )
            return Sentence(f"{lead} the {target} ({shown}).", 0.75, "primary and foreign key")
        return Sentence(f"Part of the primary key of the {owner}.", 0.7, "composite primary key")
    return Sentence(f"Unique identifier of the {owner}.", 0.75, "primary key")


def _foreign_key(facts: TableFacts, column: ColumnFacts, owner: str) -> Sentence | None:
    if not column.fk_target:
        return None
    target, shown = _target(column)
    words = [expand(w) for w in split_words(column.name)]
    role = words[:-1] if len(words) > 1 and split_words(column.name)[-1] in _KEY_SUFFIXES else words
    role_text = " ".join(role)
    if split_path(column.fk_target)[-2:-1] == [facts.name]:
        return Sentence(
            f"Links to another {owner} ({role_text}); references {shown}.", 0.7, "self-referencing foreign key"
        )
    if role_text == target or not role_text:
        return Sentence(f"The {target} of this {owner}; references {shown}.", 0.7, "foreign key")
    return Sentence(
        f"The {role_text} of this {owner}, {article(target)} {target}; references {shown}.", 0.7, "foreign key"
    )


def _flag(facts: TableFacts, column: ColumnFacts, owner: str) -> Sentence | None:
    words = split_words(column.name)
    if words and words[0] in _BOOLEAN_PREFIXES and len(words) > 1:
        verb = {"allow": "allows", "allows": "allows"}.get(words[0], words[0])
        return Sentence(f"Whether the {owner} {verb} {' '.join(expand(w) for w in words[1:])}.", 0.65, "yes/no name")
    if type_family(column.type) == "boolean":
        return Sentence(f"Yes/no flag: {' '.join(_phrase_words(column, owner))} for the {owner}.", 0.6, "boolean type")
    return None


def _event_time(facts: TableFacts, column: ColumnFacts, owner: str) -> Sentence | None:
    words = split_words(column.name)
    participle = next((w for w in words if w in _PARTICIPLES), None)
    if participle and type_family(column.type) in {"date", "datetime", "integer", "other", "text"}:
        when = "Date" if type_family(column.type) == "date" else "Date and time"
        return Sentence(f"{when} when the {owner} was {participle}.", 0.65, "event time name")
    return None


def _measure(facts: TableFacts, column: ColumnFacts, owner: str) -> Sentence | None:
    words = split_words(column.name)
    what = _UNITS.get(words[-1]) if words else None
    if what is None or type_family(column.type) not in {"integer", "decimal"}:
        return None
    unit = {"ms": "milliseconds", "millis": "milliseconds", "secs": "seconds", "mins": "minutes"}.get(
        words[-1], words[-1]
    )
    prefix = " ".join(expand(w) for w in _strip_entity(words[:-1], owner))
    measured = f"{prefix} " if prefix else ""
    return Sentence(
        f"{what} of the {measured}{owner} in {unit}, {_TYPE_PHRASES[type_family(column.type)]}.",
        0.65,
        "unit in the name",
    )


def _generic(facts: TableFacts, column: ColumnFacts, owner: str) -> Sentence:
    words = _phrase_words(column, owner)
    family = type_family(column.type)
    if family in {"decimal", "integer"} and set(split_words(column.name)) & _MONEY:
        family = "money"
    subject = " ".join(words) or "value"
    kind = _TYPE_PHRASES.get(family)
    tail = f", {kind}" if kind and kind != "text" else (", as text" if kind else "")
    return Sentence(f"{subject[:1].upper()}{subject[1:]} of the {owner}{tail}.", 0.55, "name and type")


_RULES: tuple[Callable[[TableFacts, ColumnFacts, str], Sentence | None], ...] = (
    _primary_key,
    _foreign_key,
    _flag,
    _event_time,
    _measure,
)


def _value(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _stats_sentences(column: ColumnFacts) -> list[str]:
    stats = column.stats or {}
    said: list[str] = []
    top = [v for v in stats.get("top_values") or () if v is not None and len(str(v)) <= 40][:5]
    if top:
        said.append("Most common values: " + ", ".join(f"'{_value(v)}'" for v in top) + ".")
    if stats.get("min") is not None and stats.get("max") is not None and not top:
        low, high = _value(stats["min"]), _value(stats["max"])
        said.append(f"Always {low} in the sample." if low == high else f"Values range from {low} to {high}.")
    if stats.get("distinct_count") is not None:
        more = "more than " if stats.get("distinct_capped") else ""
        said.append(f"{more}{stats['distinct_count']} distinct values in the sample.".capitalize())
    if stats.get("min_length") is not None and stats.get("max_length") is not None:
        said.append(f"Text of {stats['min_length']} to {stats['max_length']} characters.")
    ratio = stats.get("null_ratio")
    if isinstance(ratio, (int, float)):
        said.append(
            "Empty in every sampled row."
            if ratio >= 1
            else "Never empty in the sample."
            if ratio <= 0
            else f"Empty in {ratio:.0%} of sampled rows."
        )
    return said


def describe_column(facts: TableFacts, column: ColumnFacts) -> tuple[str, float, str]:
    """(description, confidence, clue) for one column; never just the column's own name."""
    owner = entity(facts.name)
    sentence = next((s for rule in _RULES if (s := rule(facts, column, owner)) is not None), None)
    sentence = sentence or _generic(facts, column, owner)
    parts = [sentence.text, *_stats_sentences(column)]
    text = " ".join(parts)
    confidence = min(0.75, sentence.confidence + (0.05 if column.stats else 0.0))
    if restates_name(column.name, column.type, text):
        required = (
            f"Required for every {owner}."
            if not column.nullable
            else f"Optional: may be empty for {article(owner)} {owner}."
        )
        text = f"{text} {required}"
        confidence = 0.5
    return text, confidence, sentence.clue
