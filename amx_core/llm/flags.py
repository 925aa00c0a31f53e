"""Checks on the text alone that send a proposed description to review whatever the strategy.

A flag never rejects text by itself; it marks the proposal so `auto` review queues it
for a person instead of writing it. The checks that need the table's facts (profile
numbers, units, length) live in amx_core.llm.quality; FLAG_MEANINGS explains every flag.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from amx_core.llm.names import expand, singular, split_words

RESTATES_NAME = "restates_name"
URL = "url"
SQL = "sql"
INSTRUCTIONS = "instructions"
CONTROL_CHARACTERS = "control_characters"
TRUNCATED = "truncated"
VOLATILE_FACTS = "volatile_facts"
MISSING_UNIT = "missing_unit"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"

# What each flag means, as the review queue shows it.
FLAG_MEANINGS: dict[str, str] = {
    RESTATES_NAME: "says nothing beyond the object's own name and type",
    VOLATILE_FACTS: "states sample values or profile numbers (ranges, counts, percentages) that go stale",
    MISSING_UNIT: "leaves out the unit the name makes evident",
    TOO_SHORT: "is too short to say what the object means",
    TOO_LONG: "is too long for a catalog description",
    URL: "holds a URL or web address",
    SQL: "holds SQL",
    INSTRUCTIONS: "holds instructions (possible prompt injection)",
    CONTROL_CHARACTERS: "holds control or invisible formatting characters",
    TRUNCATED: "was cut to the length limit",
}

_URL = re.compile(
    r"(?i)\b(?:https?|ftp|file)://|\bwww\.[\w-]+\.\w|\b(?:javascript|mailto|data:text):|"
    r"\b[\w-]+\.(?:com|net|org|io|ru|cn|xyz|info|biz|top|app|dev)\b(?:/|$|\s)"
)
_SQL = re.compile(
    r"""(?isx)
    \bselect\b[^;]{0,200}?\bfrom\b
    | \binsert\s+into\b
    | \bupdate\s+[\w."`\[\]]+\s+set\b
    | \bdelete\s+from\b
    | \b(?:drop|truncate|alter|create)\s+(?:table|database|schema|view|index|user|role|function|procedure|trigger)\b
    | \bgrant\s+(?:all|select|insert|update|delete|usage|execute)\b
    | \brevoke\s+(?:all|select|insert|update|delete|usage|execute)\b
    | \bunion\s+(?:all\s+)?select\b
    | ;\s*(?:--|/\*|select|drop|insert|update|delete|alter|create|exec)\b
    | \bexec(?:ute)?\s+(?:xp_|sp_)\w+
    """
)
_INSTRUCTIONS = re.compile(
    r"""(?ix)
    \b(?:ignore|disregard|forget|override)\b[^.]{0,40}\b(?:previous|prior|above|earlier|preceding|all|your|the)\b
        [^.]{0,20}\b(?:instructions?|prompts?|messages?|rules|directions)\b
    | \byou\s+(?:must|should\s+now|are\s+now|will\s+now)\b
    | \bsystem\s+prompt\b | \bdeveloper\s+(?:message|mode)\b | \bjailbreak
    | \bnew\s+instructions?\b | \bpretend\s+(?:to\s+be|you)\b | \bact\s+as\s+(?:an?\s+)?(?:ai|assistant|system|admin)
    | (?:^|\n)\s*(?:system|assistant|user)\s*:
    | </?\s*(?:system|instructions?|data)\s*>
    """
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# A zero-width joiner inside an emoji sequence (👩‍💻, ❤️‍🔥, 🏳️‍🌈) is how those emoji are spelled, not hidden text.
_EMOJI = "\u2600-\u27bf\u2b00-\u2bff\ufe0f\U0001f000-\U0001faff"
_EMOJI_JOINER = re.compile(f"(?<=[{_EMOJI}])\u200d(?=[{_EMOJI}])")


def has_control_characters(text: str) -> bool:
    """Control or invisible formatting characters, except the joiners inside emoji sequences."""
    return bool(_CONTROL.search(_EMOJI_JOINER.sub("", text)))


_FILLER = {
    "the",
    "a",
    "an",
    "of",
    "for",
    "this",
    "that",
    "its",
    "column",
    "field",
    "attribute",
    "value",
    "is",
    "it",
    "in",
    "on",
    "table",
    "row",
    "record",
    "entry",
    "stored",
    "as",
    "and",
    "or",
    "to",
    "which",
    "type",
    "with",
    "by",
    "given",
    "named",
    "called",
    "name",
    "contains",
    "holds",
    "db",
}
_TYPE_WORDS = {
    "int",
    "integer",
    "bigint",
    "smallint",
    "tinyint",
    "varchar",
    "nvarchar",
    "char",
    "character",
    "varying",
    "text",
    "string",
    "number",
    "numeric",
    "decimal",
    "float",
    "double",
    "precision",
    "real",
    "bool",
    "boolean",
    "date",
    "datetime",
    "timestamp",
    "time",
    "zone",
    "tz",
    "uuid",
    "json",
    "jsonb",
    "blob",
    "bytea",
    "binary",
    "bytes",
    "null",
    "not",
    "nullable",
    "money",
    "serial",
    "unsigned",
}


def _text_words(text: str) -> set[str]:
    words: set[str] = set()
    for token in re.findall(r"[A-Za-z0-9_]+", text):
        words.update(singular(word) for word in split_words(token))
    return words


def _name_words(name: str) -> set[str]:
    words: set[str] = set()
    for word in split_words(name):
        words.update({word, singular(word)})
        words.update(singular(part) for part in expand(word).lower().split())
    return words


def restates_name(target_name: str, type_: str | None, text: str) -> bool:
    """True when the text says nothing beyond the name's own words, its type and filler words."""
    said = _text_words(text) - _FILLER - _TYPE_WORDS - _text_words(type_ or "")
    said = {word for word in said if not word.isdigit()}
    return not said or said <= _name_words(target_name)


_CHECKS: tuple[tuple[str, Callable[[str, str | None, str], bool]], ...] = (
    (RESTATES_NAME, restates_name),
    (URL, lambda _n, _t, text: bool(_URL.search(text))),
    (SQL, lambda _n, _t, text: bool(_SQL.search(text))),
    (INSTRUCTIONS, lambda _n, _t, text: bool(_INSTRUCTIONS.search(text))),
    (CONTROL_CHARACTERS, lambda _n, _t, text: has_control_characters(text)),
)


def review_flags(target_name: str, type_: str | None, text: str) -> tuple[str, ...]:
    """The names of the checks `text` fails as a description of `target_name` (of SQL type `type_`)."""
    return tuple(flag for flag, failed in _CHECKS if failed(target_name, type_, text))
