"""Offline table descriptions: what one row is, how it is identified, what it refers to and records."""

from __future__ import annotations

from amx_core.llm.heuristic_columns import (
    address_group,
    job_title,
    last_digits,
    measured,
    money_subject,
    read_column,
    yes_no_word,
)
from amx_core.llm.heuristic_keys import fk_targets, is_link_table, link_phrase, split_path
from amx_core.llm.names import entity, plural
from amx_core.llm.types import ColumnFacts, TableFacts
from amx_core.wording import listed

RECORDED = 5  # columns named in "It records the ..." before "and other details"


def _recorded(facts: TableFacts, column: ColumnFacts) -> str:
    """A short noun for what a column records: `Milliseconds` -> 'duration', `BillingCity` -> 'billing address'."""
    reading = read_column(facts, column)
    flag = yes_no_word(reading)
    address = address_group(reading)
    if address is not None:
        return " ".join([*address[0], "address"])
    if job_title(reading):
        return "job title"
    named = measured(reading) or last_digits(reading) or money_subject(reading)
    return named or (f"{flag} flag" if flag else reading.phrase or column.name)


def _link_text(facts: TableFacts, view: bool) -> str:
    ends = [entity(t) for t in fk_targets(facts)]
    lead = "View that links" if view else "Links"
    if len(ends) == 2:
        return f"{lead} {plural(ends[0])} to {plural(ends[1])}: each row pairs one {ends[0]} with one {ends[1]}."
    return f"{lead} {listed([plural(e) for e in ends])}: each row combines one of each."


def _related(facts: TableFacts) -> str | None:
    targets = set(fk_targets(facts))
    names: list[str] = []
    for path, _ in facts.neighbours:
        name = (split_path(path) or [path])[-1]
        if name not in targets and name != facts.name and name not in names:
            names.append(name)
    return f"Related tables: {listed(names)}." if names else None


def describe_table_text(facts: TableFacts) -> tuple[str, float]:
    """(description, confidence) for the table itself, from its name, keys and relationships."""
    view = "view" in facts.kind.lower()
    keys = [c.name for c in facts.columns if c.primary_key]
    if is_link_table(facts):
        parts = [_link_text(facts, view)]
    else:
        owner = entity(facts.name)
        lead = "View with one row per" if view else "One row per"
        parts = [f"{lead} {owner}" + (f", identified by {listed(keys)}." if keys else ".")]
        links = [link_phrase(facts, c) for c in facts.columns if c.fk_target]
        if links:
            parts.append(f"Each {owner} refers to {listed(links)}.")
        recorded = list(
            dict.fromkeys(_recorded(facts, c) for c in facts.columns if not c.primary_key and not c.fk_target)
        )
        if recorded:
            shown = recorded[:RECORDED]
            said = ", ".join(shown) + " and other details" if len(recorded) > RECORDED else listed(shown)
            parts.append(f"It records the {said}.")
    related = _related(facts)
    if related:
        parts.append(related)
    return " ".join(parts), 0.7 if keys or fk_targets(facts) else 0.6
