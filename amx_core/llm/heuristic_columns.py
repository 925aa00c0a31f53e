"""Offline column descriptions that say what a column means, from its name, type, keys and siblings.

Profile statistics only steer the choice of words (is this integer a yes/no flag? a two-letter
code? ever empty?); no figure or sampled value is ever written into the text, unless the
schedule opted in to statistics (amx_core.llm.heuristic_statistics adds them, dated).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from amx_core.llm.flags import restates_name
from amx_core.llm.heuristic_keys import PEOPLE, Sentence, foreign_key, primary_key
from amx_core.llm.names import article, entity, expand, plural, possessive, singular, split_words
from amx_core.llm.types import ColumnFacts, TableFacts
from amx_core.llm.units import is_currency_column, is_money, name_unit, zone_phrase
from amx_core.wording import listed

_TAIL_PHRASES = {
    "email": "email address",
    "mail": "email address",
    "phone": "phone number",
    "fax": "fax number",
    "mobile": "mobile phone number",
    "zip": "postal code",
    "postcode": "postal code",
    "dob": "date of birth",
    "sku": "stock keeping unit (SKU) code",
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
    "canceled",
    "approved",
    "delivered",
    "placed",
    "published",
    "verified",
    "confirmed",
    "expired",
    "archived",
    "processed",
    "returned",
    "hired",
    "born",
}
_BOOLEAN_PREFIXES = {"is", "has", "can", "should", "was", "allow", "allows"}
_BOOLEAN_WORDS = {"active", "enabled", "disabled", "visible", "hidden", "primary", "default", "public", "valid"}
_CODE_WORDS = {"code", "cd", "status", "sts", "type", "kind", "category", "method", "mode", "tier", "class", "grade"}
_COUNT_WORDS = {"count", "cnt"}
_TEMPORAL_SUFFIXES = {"at", "on", "date", "dt", "ts", "time", "timestamp"}
_ADDRESS_PARTS = {
    "address": "street address",
    "street": "street address",
    "city": "city",
    "town": "city",
    "state": "state or province",
    "province": "province",
    "region": "region",
    "county": "county",
    "country": "country",
    "postal code": "postal code",
    "zip code": "postal code",
}
_AUDIT_TIMES = {
    "created": "added",
    "create": "added",
    "creation": "added",
    "inserted": "added",
    "insert": "added",
    "updated": "last changed",
    "update": "last changed",
    "modified": "last changed",
    "modify": "last changed",
    "modification": "last changed",
    "changed": "last changed",
}
_NUMBER_WORDS = {"2": "two", "3": "three", "4": "four", "5": "five", "6": "six"}
_DB_DEFAULT_TIME = re.compile(r"current_timestamp|now\(|getdate|sysdate|localtimestamp|datetime\('now", re.I)
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
_TYPE_TAILS = {
    "integer": ", a whole number",
    "decimal": ", a decimal number",
    "json": ", a JSON document",
    "uuid": ", a UUID",
    "binary": ", as binary data",
}


def type_family(sql_type: str) -> str:
    """A coarse family for a SQL type name: integer, decimal, text, date, datetime, boolean..."""
    lowered = (sql_type or "").strip().lower()
    return next((family for pattern, family in _TYPE_FAMILIES if re.search(pattern, lowered)), "other")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _strip_owner(words: list[str], owner: str) -> list[str]:
    """Drop a leading repeat of the table's entity, whole or its tail: InvoiceDate in invoice -> ['date'],
    cat_nm in product category -> ['name']."""
    owner_words = owner.split()
    for size in range(len(owner_words), 0, -1):
        if len(words) > size and words[:size] == owner_words[-size:]:
            return words[size:]
    return words


@dataclass(frozen=True)
class Reading:
    """One column read as words: `raw` split from the name, `words` expanded and without the table's entity."""

    facts: TableFacts
    column: ColumnFacts
    owner: str
    raw: tuple[str, ...]
    words: tuple[str, ...]
    family: str

    @property
    def phrase(self) -> str:
        return " ".join(self.words)

    @property
    def stats(self):
        return self.column.stats or {}

    def sibling_words(self) -> list[tuple[str, ...]]:
        return [tuple(split_words(c.name)) for c in self.facts.columns if c.name != self.column.name]


def read_column(facts: TableFacts, column: ColumnFacts) -> Reading:
    owner = entity(facts.name)
    raw = split_words(column.name)
    words = " ".join(expand(w) for w in raw).split()
    if raw and raw[-1] in _TAIL_PHRASES:
        words = " ".join(expand(w) for w in raw[:-1]).split() + _TAIL_PHRASES[raw[-1]].split()
    return Reading(facts, column, owner, tuple(raw), tuple(_strip_owner(words, owner)), type_family(column.type))


def _keys(r: Reading) -> Sentence | None:
    return primary_key(r.facts, r.column, r.owner, r.family, r.phrase) or foreign_key(r.facts, r.column, r.owner)


def _audit(r: Reading) -> Sentence | None:
    raw = [w for w in r.raw if w not in ("date", "dt", "at", "on", "ts", "time", "timestamp", "last", "by")]
    action = _AUDIT_TIMES.get(raw[0]) if len(raw) == 1 else None
    if action is None:
        return None
    if r.raw[-1] == "by":
        return Sentence(f"Who {action} the {r.owner} row; an audit column.", 0.65, "audit column name")
    if r.family not in ("date", "datetime", "other", "text"):
        return None
    zone = zone_phrase(r.column.type)
    when = "Date" if r.family == "date" else "Date and time"
    by_db = _DB_DEFAULT_TIME.search(r.column.default or "")
    tail = "; an audit column the database fills in by default." if by_db else "; an audit column."
    return Sentence(f"{when} the {r.owner} row was {action}{f', {zone}' if zone else ''}{tail}", 0.7, "audit column")


def _is_zero_one(r: Reading) -> bool:
    """The sample holds only 0 and 1 (an integer used as a yes/no flag)."""
    stats = r.stats
    top = stats.get("top_values") or ()
    seen = set(top) | {stats.get("min"), stats.get("max")} - {None}
    return r.family == "integer" and bool(top) and seen <= {0, 1, "0", "1"}


def yes_no_word(r: Reading) -> str | None:
    """The adjective of a yes/no column (`is_active` -> 'active', an integer `discontinued` holding 0/1 ->
    'discontinued'), else None."""
    if r.raw and r.raw[0] in _BOOLEAN_PREFIXES and len(r.raw) > 1:
        return " ".join(expand(w) for w in r.raw[1:])
    word = r.raw[0] if len(r.raw) == 1 else None
    adjective = word is not None and (word in _BOOLEAN_WORDS or word in _PARTICIPLES or word.endswith("ed"))
    return word if adjective and (r.family == "boolean" or _is_zero_one(r)) else None


def _flag(r: Reading) -> Sentence | None:
    stored = " (yes/no, stored as a number)" if r.family == "integer" else ""
    word = yes_no_word(r)
    if word and r.raw[0] in _BOOLEAN_PREFIXES:
        verb = {"allow": "allows"}.get(r.raw[0], r.raw[0])
        return Sentence(f"Whether the {r.owner} {verb} {word}{stored}.", 0.65, "yes/no name")
    if word:
        return Sentence(f"Whether the {r.owner} is {word}{stored}.", 0.65, "yes/no name and values")
    if r.family == "boolean":
        return Sentence(f"Yes/no flag: {r.phrase or 'value'} for the {r.owner}.", 0.6, "boolean type")
    return None


def _participle(r: Reading) -> str | None:
    temporal = r.family in ("date", "datetime") or (r.raw and r.raw[-1] in _TEMPORAL_SUFFIXES)
    for word in r.raw:
        if word in _PARTICIPLES or (temporal and word.endswith("ed") and len(word) > 4):
            return word
    return None


def _event_time(r: Reading) -> Sentence | None:
    participle = _participle(r)
    if participle is None or r.family not in ("date", "datetime", "integer", "other", "text"):
        return None
    if r.family in ("integer", "text", "other") and r.raw[-1] not in _TEMPORAL_SUFFIXES:
        return None
    before = [expand(w) for w in r.raw[: r.raw.index(participle)]]
    before = _strip_owner(" ".join(before).split(), r.owner) if before else []
    subject = f"the {possessive(r.owner)} {' '.join(before)}" if before else f"the {r.owner}"
    when = "Date" if r.family == "date" else "Date and time"
    zone = zone_phrase(r.column.type)
    text = f"{when}{f' ({zone})' if zone else ''} when {subject} was {participle}."
    if r.column.nullable:
        text += f" Empty while {subject} has not been {participle}."
    return Sentence(text, 0.65, "event time name")


def measured(r: Reading) -> str | None:
    """What a column with a unit in its name measures: `weight_kg` -> 'weight', `Milliseconds` -> 'duration'."""
    unit = name_unit(r.column.name, r.column.type)
    if unit is None:
        return None
    words = list(r.words)
    if words and words[-1] in (*unit.forms, r.raw[-1]):
        words = words[:-1]
    return " ".join(words) or unit.measure


def _measure(r: Reading) -> Sentence | None:
    measure = measured(r)
    unit = name_unit(r.column.name, r.column.type)
    if measure is None or unit is None:
        return None
    return Sentence(f"{_capital(measure)} of the {r.owner}, in {unit.name}.", 0.7, "unit in the name")


def money_subject(r: Reading) -> str | None:
    """What an amount of money is called: `Total` -> 'total amount', `unit_price` -> 'unit price'; None if not money."""
    if not is_money(r.column.name, r.column.type):
        return None
    return "total amount" if r.phrase == "total" else r.phrase or "amount"


def _money(r: Reading) -> Sentence | None:
    subject = money_subject(r)
    if subject is None:
        return None
    currency = next((c.name for c in r.facts.columns if is_currency_column(c.name)), None)
    unit = f"in the currency given by {currency}" if currency else "a sum of money"
    return Sentence(f"{_capital(subject)} of the {r.owner} ({unit}).", 0.6, "amount of money by name and type")


def _count(r: Reading) -> Sentence | None:
    if r.family not in ("integer", "decimal", "other"):
        return None
    if r.phrase == "quantity":
        return Sentence(f"Number of units on the {r.owner}.", 0.6, "quantity")
    if r.raw[-1] in _COUNT_WORDS and len(r.raw) > 1:
        things = " ".join(expand(w) for w in r.raw[:-1])
        return Sentence(f"Number of {plural(singular(things))} for the {r.owner}.", 0.6, "count by name")
    return None


def _letters(r: Reading) -> str:
    """'two-letter ' when every sampled code has the same short length (ISO-style codes), else ''."""
    low, high = r.stats.get("min_length"), r.stats.get("max_length")
    word = _NUMBER_WORDS.get(str(low)) if low == high else None
    return f"{word}-letter " if word else ""


def _declared(r: Reading) -> Sentence | None:
    """A column whose type or CHECK constraint lists the allowed codes: they are facts, so they are named."""
    if not r.column.codes:
        return None
    subject = _capital(" ".join(w for w in r.words if w != "code") or r.phrase or "value")
    shown = listed([f"'{code}'" for code in r.column.codes], "or")
    return Sentence(f"{subject} of the {r.owner}: one of {shown}.", 0.7, "codes declared by the schema")


def _code(r: Reading) -> Sentence | None:
    if not r.raw or r.raw[-1] not in _CODE_WORDS or _address_part(r.words) or r.family != "text":
        return None
    words = [w for w in r.words if w != "code"] or list(r.words)
    subject = _capital(" ".join(words) or "code")
    categorical = not r.stats or bool(r.stats.get("top_values"))
    if r.raw[-1] in ("code", "cd"):
        return Sentence(f"{subject} of the {r.owner}, as a {_letters(r)}code.", 0.6, "code by name")
    if not categorical:
        return None
    noun = r.phrase if len(r.words) > 1 else f"{r.owner} {r.phrase}"
    return Sentence(f"{subject} of the {r.owner}: one of a fixed list of {plural(noun)}.", 0.6, "category by name")


def _address_part(words: tuple[str, ...] | list[str]) -> tuple[list[str], str] | None:
    """(prefix words, part) when `words` name a part of a postal address: ['billing'], 'city'."""
    for size in (2, 1):
        tail = " ".join(words[-size:])
        if len(words) >= size and tail in _ADDRESS_PARTS:
            return list(words[:-size]), _ADDRESS_PARTS[tail]
    return None


def address_group(r: Reading) -> tuple[list[str], str] | None:
    """(prefix words, part) when the column is one part of a postal address split over several columns."""
    found = _address_part(r.words)
    if found is None:
        return None
    siblings = [_address_part(" ".join(expand(w) for w in s).split()) for s in r.sibling_words()]
    return found if sum(1 for s in siblings if s and s[0] == found[0]) >= 2 else None


def _address(r: Reading) -> Sentence | None:
    found = address_group(r)
    if found is None:
        return None
    prefix, part = found
    owner = r.owner
    if part == "street address":
        lead = " ".join([*prefix, "street address"])
        return Sentence(f"{_capital(lead)} of the {owner}.", 0.6, "address part")
    where = " ".join([*prefix, "address"])
    return Sentence(f"{_capital(part)} of the {possessive(owner)} {where}.", 0.6, "address part")


def last_digits(r: Reading) -> str | None:
    """'last four digits of the card number' for `card_last4`, else None."""
    if "last" not in r.raw or r.raw[-1] not in _NUMBER_WORDS:
        return None
    things = " ".join(expand(w) for w in r.raw[: r.raw.index("last")]) or "card"
    return f"last {_NUMBER_WORDS[r.raw[-1]]} digits of the {things} number"


def job_title(r: Reading) -> bool:
    return r.phrase == "title" and r.owner.split()[-1] in PEOPLE


def _special(r: Reading) -> Sentence | None:
    if job_title(r):
        return Sentence(f"Job title of the {r.owner}.", 0.6, "title of a person")
    digits = last_digits(r)
    if digits:
        return Sentence(f"{_capital(digits)} used for the {r.owner}.", 0.6, "last digits by name")
    return None


def _temporal(r: Reading) -> Sentence | None:
    if r.family not in ("date", "datetime", "time"):
        return None
    subject = "date and time" if r.phrase in ("timestamp", "date time", "") else r.phrase
    if r.family == "time":
        return Sentence(f"{_capital(subject)} of the {r.owner}, as a time of day.", 0.55, "time type")
    zone = zone_phrase(r.column.type)
    if r.family == "date" or zone is None:
        return Sentence(f"{_capital(subject)} of the {r.owner}.", 0.55, "date type")
    if subject == "date and time":
        return Sentence(f"Date and time of the {r.owner}, {zone}.", 0.55, "date and time type")
    return Sentence(
        f"{_capital(subject)} of the {r.owner} (stored as a date and time {zone}).", 0.55, "date and time type"
    )


def _identifier(r: Reading) -> Sentence | None:
    if len(r.raw) < 2 or r.raw[-1] not in ("id", "key"):
        return None
    named = entity("_".join(r.raw[:-1]))
    return Sentence(
        f"Identifier of {article(named)} {named}; no foreign key is declared for it.", 0.55, "identifier by name"
    )


def _generic(r: Reading) -> Sentence:
    subject = r.phrase or "value"
    tail = "" if r.family == "uuid" and "UUID" in subject else _TYPE_TAILS.get(r.family, "")
    return Sentence(f"{_capital(subject)} of the {r.owner}{tail}.", 0.55, "name and type")


_RULES: tuple[Callable[[Reading], Sentence | None], ...] = (
    _keys,
    _audit,
    _flag,
    _declared,
    _event_time,
    _measure,
    _money,
    _count,
    _code,
    _address,
    _special,
    _temporal,
    _identifier,
)
_SAYS_EMPTY = ("Empty ",)


def _empty_tail(r: Reading, text: str) -> str:
    """' May be empty.' for a nullable column the sample saw empty (or with no sample), unless said already."""
    ratio = r.stats.get("null_ratio")
    if not r.column.nullable or any(s in text for s in _SAYS_EMPTY) or (ratio is not None and ratio <= 0):
        return ""
    return " May be empty."


def describe_column(facts: TableFacts, column: ColumnFacts) -> tuple[str, float, str]:
    """(description, confidence, clue) for one column: its meaning, never its profile, never just its name."""
    reading = read_column(facts, column)
    sentence = next((s for rule in _RULES if (s := rule(reading)) is not None), None) or _generic(reading)
    text = sentence.text + _empty_tail(reading, sentence.text)
    confidence = min(0.75, sentence.confidence + (0.05 if column.stats else 0.0))
    if restates_name(column.name, column.type, text):
        text += f" Every {reading.owner} has one." if not column.nullable else " May be empty."
        confidence = 0.5
    return text, confidence, sentence.clue
