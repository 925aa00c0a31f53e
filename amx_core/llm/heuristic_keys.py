"""Offline descriptions of keys: surrogate and composite primary keys, foreign keys, self references, link tables."""

from __future__ import annotations

import re
from dataclasses import dataclass

from amx_core.llm.names import article, entity, expand, possessive, split_words
from amx_core.llm.types import ColumnFacts, TableFacts
from amx_core.wording import listed

KEY_SUFFIXES = frozenset({"id", "key", "fk", "ref", "no", "num", "nbr", "code", "cd", "uuid", "guid"})
_CODE_WORDS = frozenset({"code", "cd", "status", "type", "kind", "category", "class", "level", "tier"})
_MANAGER_ROLES = frozenset({"manager", "reports to", "supervisor", "boss", "line manager", "reporting manager"})
PEOPLE = frozenset(
    {
        "employee",
        "user",
        "person",
        "customer",
        "staff",
        "member",
        "contact",
        "agent",
        "author",
        "owner",
        "representative",
        "student",
        "teacher",
        "patient",
        "client",
        "seller",
        "buyer",
        "driver",
        "actor",
        "manager",
    }
)


@dataclass(frozen=True)
class Sentence:
    """The core of a description and how sure the rule that made it is."""

    text: str
    confidence: float
    clue: str


def split_path(path: str) -> list[str]:
    """`public.Employee.EmployeeId` -> its parts; double-quoted parts may hold dots (`"a.b".c`)."""
    return [a or b for a, b in re.findall(r'"((?:[^"]|"")*)"|([^.]+)', path)]


@dataclass(frozen=True)
class Reference:
    """What a foreign key column points at: the table's name, its row entity, and `Table.Column` to show."""

    table: str
    entity: str
    shown: str


def reference(column: ColumnFacts) -> Reference:
    first = (column.fk_target or "").split(", ")[0]
    parts = split_path(first)
    table = parts[-2] if len(parts) >= 2 else (parts[0] if parts else "")
    shown = ".".join(parts[-2:]) if len(parts) >= 2 else table
    return Reference(table, entity(table) if table else "row", shown)


def is_self_reference(facts: TableFacts, column: ColumnFacts) -> bool:
    return bool(column.fk_target) and reference(column).table == facts.name


def role_words(column: ColumnFacts) -> list[str]:
    """A foreign key's name as words without its key suffix: `SupportRepId` -> ['support', 'representative']."""
    raw = split_words(column.name)
    if len(raw) > 1 and raw[-1] in KEY_SUFFIXES:
        raw = raw[:-1]
    return " ".join(expand(w) for w in raw).split()


def role(column: ColumnFacts, target: str) -> str | None:
    """The part a foreign key plays (`SupportRepId` -> 'support representative', `ReportsTo` -> 'manager');
    None when its name only names the target (`ArtistId`)."""
    words = role_words(column)
    text = " ".join(words)
    if text in _MANAGER_ROLES or words[:2] == ["reports", "to"]:
        return "manager"
    target_words = target.split()
    if not words or words == target_words or words == target_words[-len(words) :]:
        return None
    return text


def pronoun(owner: str) -> str:
    return "their" if owner.split()[-1] in PEOPLE else "its"


def fk_targets(facts: TableFacts) -> list[str]:
    """Distinct tables the foreign keys of `facts` reference, in column order."""
    seen: list[str] = []
    for column in facts.columns:
        if column.fk_target and (name := reference(column).table) not in seen:
            seen.append(name)
    return seen


def is_link_table(facts: TableFacts) -> bool:
    """A junction table: two or more referenced tables and nothing but keys."""
    return len(fk_targets(facts)) >= 2 and all(c.fk_target or c.primary_key for c in facts.columns)


def link_phrase(facts: TableFacts, column: ColumnFacts) -> str:
    """How a table sentence names a reference: `an employee as their support representative (through SupportRepId)`."""
    owner = entity(facts.name)
    target = reference(column)
    part = role(column, target.entity)
    if is_self_reference(facts, column):
        said = f"another {owner} as {pronoun(owner)} {part}" if part else f"another {owner}"
    elif part:
        said = f"{article(target.entity)} {target.entity} as {pronoun(owner)} {part}"
    else:
        said = f"{article(target.entity)} {target.entity}"
    return f"{said} (through {column.name})"


def _self_reference(owner: str, part: str | None, shown: str, nullable: bool) -> Sentence:
    if part == "manager":
        text = f"The {possessive(owner)} manager: the {owner} this one reports to; references {shown}."
        empty = f" Empty for {article(owner)} {owner} who reports to no one."
    elif part and part.split()[0] == "parent":
        text = f"The parent of this {owner}, another {owner}; references {shown}."
        empty = f" Empty for a top-level {owner}."
    else:
        said = f"that is this one's {part}" if part else "related to this one"
        text = f"Another {owner} {said}; references {shown}."
        empty = " Empty when there is none."
    return Sentence(text + (empty if nullable else ""), 0.7, "self-referencing foreign key")


def foreign_key(facts: TableFacts, column: ColumnFacts, owner: str) -> Sentence | None:
    """A foreign key outside the primary key: the referenced table by name, the role, what empty means."""
    if not column.fk_target or column.primary_key:
        return None
    target = reference(column)
    part = role(column, target.entity)
    if is_self_reference(facts, column):
        return _self_reference(owner, part, target.shown, column.nullable)
    words = split_words(column.name)
    if words and words[-1] in _CODE_WORDS and not re.search(r"int|serial", column.type, re.I):
        subject = " ".join(role_words(column)) or target.entity
        part = subject
        text = (
            f"{subject[:1].upper()}{subject[1:]} of the {owner}, as a code defined in {target.table} "
            f"(which holds what each code means); references {target.shown}."
        )
    elif part and target.entity.split()[-1] in PEOPLE:
        text = f"The {target.entity} acting as the {possessive(owner)} {part}; references {target.shown}."
    elif part:
        text = f"The {part} of the {owner}, {article(target.entity)} {target.entity}; references {target.shown}."
    else:
        text = f"The {target.entity} of the {owner}; references {target.shown}."
    if column.nullable:
        text += f" Empty when the {owner} has no {part or target.entity}."
    return Sentence(text, 0.7, "foreign key")


def _surrogate(column: ColumnFacts, family: str) -> bool:
    words = split_words(column.name)
    return family == "integer" and bool(words) and words[-1] in KEY_SUFFIXES


def primary_key(facts: TableFacts, column: ColumnFacts, owner: str, family: str, phrase: str) -> Sentence | None:
    """A primary key column: surrogate key, code, or one part of a composite key (maybe also a foreign key)."""
    if not column.primary_key:
        return None
    keys = [c for c in facts.columns if c.primary_key]
    others = listed([c.name for c in keys if c.name != column.name])
    if len(keys) == 1:
        if column.fk_target:
            target = reference(column)
            return Sentence(
                f"Identifier of the {owner}, the same as that of the {target.entity} it extends; "
                f"references {target.shown}.",
                0.75,
                "primary and foreign key",
            )
        if family == "uuid":
            return Sentence(f"Unique identifier (a UUID) of each {owner}.", 0.75, "primary key")
        if _surrogate(column, family):
            return Sentence(
                f"Unique number identifying each {owner}; a surrogate key with no meaning of its own.",
                0.75,
                "surrogate primary key",
            )
        if split_words(column.name)[-1:] in (["code"], ["cd"]):
            return Sentence(f"Unique code identifying each {owner}.", 0.75, "primary key")
        subject = phrase or "value"
        return Sentence(
            f"{subject[:1].upper()}{subject[1:]} of the {owner}, unique for each {owner} (the primary key).",
            0.7,
            "primary key",
        )
    if column.fk_target:
        target = reference(column)
        if is_link_table(facts):
            linked = [entity(t) for t in fk_targets(facts) if t != target.table]
            partner = f"the {linked[0]}" if len(linked) == 1 else "the others"
            text = f"The {target.entity} linked to {partner} in this row; references {target.shown}."
        else:
            text = (
                f"The {target.entity} this {owner} belongs to; references {target.shown}. "
                f"Part of the primary key, with {others}."
            )
        return Sentence(text, 0.75, "primary and foreign key")
    parents = [reference(c).entity for c in keys if c.fk_target]
    subject = phrase[:1].upper() + phrase[1:] if phrase else "Value"
    place = f"within the {parents[0]}" if parents else f"of the {owner}"
    return Sentence(f"{subject} {place}; with {others} it identifies each {owner}.", 0.7, "composite primary key")
