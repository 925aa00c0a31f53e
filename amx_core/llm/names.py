"""Reading identifiers as words: snake/camel splitting, common abbreviations, singular forms.

Shared by the heuristic provider (to describe) and the review checks (to spot a
description that only restates the name).
"""

from __future__ import annotations

import re
from functools import lru_cache

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

ABBREVIATIONS: dict[str, str] = {
    "acct": "account",
    "addl": "additional",
    "addr": "address",
    "amt": "amount",
    "avg": "average",
    "bal": "balance",
    "bday": "birthday",
    "cat": "category",
    "cd": "code",
    "cfg": "configuration",
    "cmt": "comment",
    "cnt": "count",
    "cnty": "county",
    "ctry": "country",
    "curr": "currency",
    "cust": "customer",
    "dept": "department",
    "desc": "description",
    "descr": "description",
    "dest": "destination",
    "disc": "discount",
    "dob": "date of birth",
    "doc": "document",
    "dt": "date",
    "emp": "employee",
    "fk": "foreign key",
    "flg": "flag",
    "fname": "first name",
    "grp": "group",
    "hr": "hour",
    "ht": "height",
    "id": "identifier",
    "img": "image",
    "ind": "indicator",
    "info": "information",
    "inv": "invoice",
    "lat": "latitude",
    "len": "length",
    "lname": "last name",
    "lng": "longitude",
    "loc": "location",
    "lon": "longitude",
    "lvl": "level",
    "max": "maximum",
    "mfr": "manufacturer",
    "mgr": "manager",
    "min": "minimum",
    "msg": "message",
    "nbr": "number",
    "nm": "name",
    "no": "number",
    "num": "number",
    "ord": "order",
    "org": "organisation",
    "pct": "percentage",
    "pk": "primary key",
    "pmt": "payment",
    "pos": "position",
    "prc": "price",
    "prev": "previous",
    "prod": "product",
    "pwd": "password",
    "pymt": "payment",
    "qty": "quantity",
    "ref": "reference",
    "rep": "representative",
    "seq": "sequence",
    "ship": "shipping",
    "src": "source",
    "stat": "status",
    "std": "standard",
    "sts": "status",
    "sub": "subscription",
    "svc": "service",
    "tel": "telephone",
    "tot": "total",
    "trx": "transaction",
    "ts": "timestamp",
    "txn": "transaction",
    "upd": "updated",
    "usr": "user",
    "val": "value",
    "wk": "week",
    "wt": "weight",
    "yr": "year",
}

_ACRONYMS = {"url": "URL", "uuid": "UUID", "ip": "IP", "sku": "SKU", "vat": "VAT", "iso": "ISO", "utc": "UTC"}

_IRREGULAR = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "data": "data",
    "status": "status",
    "address": "address",
    "business": "business",
    "news": "news",
    "series": "series",
    "analysis": "analysis",
    "bus": "bus",
    "gas": "gas",
}


@lru_cache(maxsize=8192)
def _split(identifier: str) -> tuple[str, ...]:
    words: list[str] = []
    for part in re.split(r"[^0-9A-Za-z]+", identifier):
        words.extend(match.group(0).lower() for match in _CAMEL.finditer(part))
    if not words and identifier.strip():
        words = [w.lower() for w in identifier.split()]
    return tuple(words)


def split_words(identifier: str) -> list[str]:
    """`SupportRepId` -> ['support', 'rep', 'id']; `unit_price` -> ['unit', 'price']; lower case."""
    return list(_split(identifier))


def expand(word: str) -> str:
    """An abbreviation's long form (`qty` -> `quantity`), an acronym's capitals, or the word."""
    return ABBREVIATIONS.get(word) or _ACRONYMS.get(word) or word


@lru_cache(maxsize=8192)
def singular(word: str) -> str:
    """A careful English singular: `invoices` -> `invoice`, `categories` -> `category`, `status` kept."""
    lower = word.lower()
    if lower in _IRREGULAR or len(lower) <= 3 or lower.endswith(("ss", "us", "is")):
        return _IRREGULAR.get(lower, word)
    if lower.endswith("ies"):
        return word[:-3] + "y"
    if lower.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if lower.endswith("s"):
        return word[:-1]
    return word


def phrase(identifier: str) -> str:
    """Human words for an identifier: `SupportRepId` -> 'support representative identifier'."""
    return " ".join(expand(word) for word in split_words(identifier))


# Naming-convention prefixes that say what kind of object it is, not what a row is.
_KIND_PREFIXES = ("v", "vw", "view", "mv", "tbl", "tb")


def entity(table_name: str) -> str:
    """What one row of a table is: `InvoiceLine` -> 'invoice line', `order_items` -> 'order item',
    `v_customer_revenue` -> 'customer revenue' (a kind prefix is dropped)."""
    parts = split_words(table_name)
    if len(parts) > 1 and parts[0] in _KIND_PREFIXES:
        parts = parts[1:]
    words = [expand(word) for word in parts] or [table_name]
    words[-1] = singular(words[-1])
    return " ".join(words)


_PLURAL_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women", "data": "data"}
_SILENT_H = ("hour", "honest", "honour", "honor", "heir")
_YOU_SOUND = ("uni", "use", "usa", "usu", "ure", "eu", "one", "once")


def plural(noun: str) -> str:
    """A noun phrase with its last word in the plural: `product category` -> 'product categories'."""
    head, _, last = noun.rpartition(" ")
    lower = last.lower()
    if lower in _PLURAL_IRREGULAR:
        word = _PLURAL_IRREGULAR[lower]
    elif lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        word = last[:-1] + "ies"
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def article(noun: str) -> str:
    """'a' or 'an' for a noun phrase, by how it sounds: an employee, a unit, an hour."""
    lower = noun.lower()
    if lower.startswith(_SILENT_H):
        return "an"
    if lower.startswith(_YOU_SOUND):
        return "a"
    return "an" if lower[:1] in ("a", "e", "i", "o", "u") else "a"


def possessive(noun: str) -> str:
    """`customer` -> "customer's"; entities are singular, so "address's" too."""
    return noun + "'s"


def stem(word: str) -> str:
    """A comparison key: lower case, abbreviation expanded, singular."""
    return singular(expand(word.lower())).lower()
