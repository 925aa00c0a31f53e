"""Recognising values that look personal (email, phone, card, IBAN, IP), which are never sent to a model,
and columns named for a person's name, which are masked unless the DB profile samples `raw`."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from amx_core.llm.names import split_words

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?\(?\d[\d\s().\-/]{5,22}\d")
_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d+\.\d+")
_CARD = re.compile(r"\d(?:[ -]?\d){12,18}")
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
# Words in a column name that mark it personal whatever its values look like.
NAME_HINTS = {"email": "email", "mail": "email", "phone": "phone", "mobile": "phone", "fax": "phone", "iban": "iban"}
_SHORT_INTS = range(-999, 10000)  # integers of at most 4 characters: too short to be anything personal
COLUMN_SHARE = 0.2  # a column is personal when this share of its sampled values looks personal
PERSON_NAME = "person_name"
# `first_name`, `LastName`, `full name`, `surname`: a column holding a person's name.
_NAME_PARTS = frozenset({"first", "last", "full", "given", "family", "middle", "maiden", "nick"})
_NAME_WORDS = frozenset({"surname", "forename", "firstname", "lastname", "fullname", "givenname", "nickname", "fname"})


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_card(text: str) -> bool:
    if not _CARD.fullmatch(text):
        return False
    digits = re.sub(r"\D", "", text)
    return 13 <= len(digits) <= 19 and _luhn(digits)


def _is_iban(text: str) -> bool:
    compact = text.replace(" ", "").upper()
    if not _IBAN.fullmatch(compact):
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def _is_phone(text: str) -> bool:
    if not _PHONE.fullmatch(text) or _DATE_LIKE.fullmatch(text):
        return False
    digits = sum(ch.isdigit() for ch in text)
    return 7 <= digits <= 15 and (text.startswith("+") or any(sep in text for sep in " ()-/"))


def _is_ip(text: str) -> bool:
    if ":" not in text and text.count(".") != 3:
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


CHECKS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("email", lambda text: bool(_EMAIL.search(text))),
    ("card", _is_card),
    ("iban", _is_iban),
    ("ip", _is_ip),
    ("phone", _is_phone),
)


def personal_kind(value: object) -> str | None:
    """'email', 'card', 'iban', 'ip' or 'phone' when `value` looks like one, else None."""
    if value is None or isinstance(value, (bool, float)) or (type(value) is int and value in _SHORT_INTS):
        return None
    text = str(value).strip()
    if len(text) < 5 or len(text) > 320:
        return None
    for kind, check in CHECKS:
        if check(text):
            return kind
    return None


def name_hint(column_name: str) -> str | None:
    """The personal kind a column's name announces (`customer_email` -> 'email'), if any."""
    words = split_words(column_name)
    if words == ["ip"] or ("ip" in words and "address" in words):
        return "ip"
    for word in words:
        kind = NAME_HINTS.get(word)
        if kind is not None:
            return kind
    if "card" in words and ("number" in words or "no" in words or "num" in words):
        return "card"
    return None


def person_name_hint(column_name: str) -> bool:
    """Does the column's name say it holds a person's name (`first_name`, `LastName`, `surname`)?"""
    words = split_words(column_name)
    return bool(_NAME_WORDS.intersection(words)) or ("name" in words and bool(_NAME_PARTS.intersection(words)))


CARD_FLOOR = 10**12  # the smallest 13-digit integer: a shorter number reads as no personal kind at all


def numbers_personal_kind(column_name: str, counts: Mapping[object, int]) -> str | None:
    """`counted_personal_kind` of a numeric column: only its integers count, and only when one of them is
    as long as a card number is a value looked at (one C `max` answers for most columns)."""
    hinted = name_hint(column_name)
    if hinted is not None:
        return hinted
    try:
        if max(counts, default=0) < CARD_FLOOR:  # type: ignore[type-var, operator]
            return None
    except TypeError:  # values that do not compare (SQLite's mixed affinities): look at each
        pass
    return counted_personal_kind(column_name, {v: n for v, n in counts.items() if type(v) is int})


def column_personal_kind(column_name: str, values: Iterable[object]) -> str | None:
    """The personal kind of a column: from its name, or from COLUMN_SHARE of its sampled values."""
    return counted_personal_kind(column_name, Counter(values))


def counted_personal_kind(column_name: str, counts: Mapping[object, int]) -> str | None:
    """`column_personal_kind` from each distinct sampled value and how often it was seen (each checked once)."""
    hinted = name_hint(column_name)
    if hinted is not None:
        return hinted
    kinds: dict[str, int] = {}
    total = 0
    for value, seen in counts.items():
        total += seen
        kind = None if type(value) is int and value in _SHORT_INTS else personal_kind(value)
        if kind is not None:
            kinds[kind] = kinds.get(kind, 0) + seen
    if not kinds:
        return None
    kind, count = max(kinds.items(), key=lambda item: item[1])
    return kind if count >= max(1.0, COLUMN_SHARE * total) else None
