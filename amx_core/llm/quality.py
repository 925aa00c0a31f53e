"""The quality check every proposal passes through, whoever wrote it: the text checks plus those that need the facts.

A description lands in a catalog and is read for years, so it must say what the object
means, not what the profiler saw the day it ran: sample values and profile numbers
(ranges, counts, percentages, "in the sample") are flagged `volatile_facts`, unless the
schedule opted in to statistics and the text dates and scopes them ("As of 2026-12-06, in
a sample of 1,000 rows"). A numeric column whose name carries a unit (`Milliseconds`,
`weight_kg`) must name it (`missing_unit`), and the text must fit LENGTH_BOUNDS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from amx_core.llm.flags import MISSING_UNIT, TOO_LONG, TOO_SHORT, VOLATILE_FACTS, review_flags
from amx_core.llm.names import split_words
from amx_core.llm.types import ColumnFacts, TableFacts
from amx_core.llm.units import mentions_unit, name_unit

# (fewest, most) characters of a description, by target kind.
LENGTH_BOUNDS: dict[str, tuple[int, int]] = {"column": (10, 400), "table": (10, 800)}

_NUMBER = r"-?\d[\d,]*(?:\.\d+)?"
_SAMPLE_WORDING = re.compile(
    rf"""(?ix)
    \b(?:in|of|across|from|within)\s+(?:the|this|a|our|each)\s+(?:data\s+)?sample\b
    | \bsampled\s+(?:rows?|values?|data|records)\b | \bsample\s+(?:rows|data|values)\b | \bsample\s+of\s+[\d,]+
    | \b(?:distinct|unique)\s+values\b | \b\d[\d,]*\s+distinct\b
    | \bmost\s+(?:common|frequent|popular)\s+values?\b
    | \bnull\s+(?:ratio|rate|share|fraction)\b
    | \b(?:values?|numbers?|ids?|identifiers?|amounts?|prices?|dates?|lengths?)\s+(?:range|ranging|vary|varies|span)\b
    | \branges?\s+from\b | \branging\s+from\b
    | \bfrom\s+{_NUMBER}\s+(?:to|through|until)\s+{_NUMBER}
    | \bbetween\s+{_NUMBER}\s+and\s+{_NUMBER}
    | (?<![\w.]){_NUMBER}\s+to\s+{_NUMBER}\s+(?:characters|chars|digits|letters)\b
    | (?<![\w.]){_NUMBER}\s?(?:%|per\s?cent\b)
    | (?<![\w.]){_NUMBER}\s+(?:rows|records|entries)\b
    """
)
_DATED_SCOPE = re.compile(r"(?i)\bas of \d{4}-\d{2}-\d{2}\b.*\b(?:sample of|all) [\d,]+ rows?\b", re.S)
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_NUMBER_TOKEN = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.,])-?\d+(?:\.\d+)?(?![\w])")
_TRIVIAL = {0.0, 1.0}
_QUOTES = (("'", "'"), ('"', '"'), ("\u2018", "\u2019"), ("\u201c", "\u201d"), ("`", "`"))


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+(?:\.\d+)?", value.strip()):
        return float(value)
    return None


def _numbers_in(text: str) -> set[float]:
    return {float(token.replace(",", "")) for token in _NUMBER_TOKEN.findall(_DATE.sub(" ", text))}


def _profile_numbers(stats: Mapping[str, Any]) -> set[float]:
    """The figures a profile holds that a description must not repeat."""
    values = [stats.get(key) for key in ("min", "max", "distinct_count", "sample_rows")]
    values += list(stats.get("top_values") or ())
    numbers = {n for n in map(_as_number, values) if n is not None}
    ratio = stats.get("null_ratio")
    if isinstance(ratio, (int, float)) and 0 < ratio < 1:
        numbers |= {float(round(ratio * 100)), round(ratio * 100, 1)}
    return numbers


def _profile_dates(stats: Mapping[str, Any]) -> set[str]:
    return {str(stats[k])[:10] for k in ("min", "max") if isinstance(stats.get(k), str) and _DATE.match(stats[k])}


def _profile_texts(stats: Mapping[str, Any]) -> set[str]:
    """Sampled text values (top values, and min/max in raw mode) that are neither numbers nor dates."""
    values = [*(stats.get("top_values") or ()), stats.get("min"), stats.get("max")]
    return {
        v.strip()
        for v in values
        if isinstance(v, str) and len(v.strip()) >= 2 and _as_number(v) is None and not _DATE.match(v)
    }


def _quoted(text: str, value: str) -> bool:
    lowered, wanted = text.lower(), value.lower()
    return any(f"{left}{wanted}{right}" in lowered for left, right in _QUOTES)


def _as_word(text: str, value: str, *, ignore_case: bool) -> bool:
    flags = re.I if ignore_case else 0
    return bool(re.search(rf"(?<![\w]){re.escape(value)}(?![\w])", text, flags))


def _names_words(facts: TableFacts, columns: Iterable[ColumnFacts]) -> set[str]:
    """Words of the schema's own names, which a text may use even when a sampled value spells the same."""
    words = set(split_words(facts.name))
    for column in columns:
        words.update(split_words(column.name))
        words.update(split_words(column.fk_target or ""))
    return words


def _states_sample_values(text: str, values: set[str], exempt_words: set[str]) -> bool:
    """A quoted sample value, a distinctive one (capitals, digits, spaces) as written, or a list of plain ones."""
    plain_hits = 0
    for value in values:
        if _quoted(text, value):
            return True
        distinctive = value != value.lower() or not value.isalpha()
        if distinctive and value.lower() not in exempt_words and _as_word(text, value, ignore_case=False):
            return True
        if not distinctive and value not in exempt_words and _as_word(text, value, ignore_case=True):
            plain_hits += 1
    return plain_hits >= 2


def _exempt_numbers(facts: TableFacts, columns: Iterable[ColumnFacts]) -> set[float]:
    """Numbers the schema itself states: in names, types and declared codes; and 0 and 1."""
    text = " ".join([facts.name, *(f"{c.name} {c.type} {' '.join(c.codes)}" for c in columns)])
    return _TRIVIAL | {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}


def states_volatile_facts(text: str, facts: TableFacts, column: ColumnFacts | None) -> bool:
    """Whether `text` repeats what the profile saw: sample wording, ranges, counts, percentages or values."""
    if facts.with_statistics and _DATED_SCOPE.search(text):
        return False
    if _SAMPLE_WORDING.search(text):
        return True
    columns = [column] if column is not None else list(facts.columns)
    exempt = _exempt_numbers(facts, columns)
    names = _names_words(facts, columns)
    stated = _numbers_in(text)  # once, not per column
    for col in columns:
        stats = col.stats or {}
        if not stats:
            continue
        if (stated & _profile_numbers(stats)) - exempt:
            return True
        if any(day in text for day in _profile_dates(stats)):
            return True
        codes = {c.lower() for c in col.codes}
        values = {v for v in _profile_texts(stats) if v.lower() not in codes}
        if values and _states_sample_values(text, values, names):
            return True
    return False


def misses_unit(text: str, column: ColumnFacts | None) -> bool:
    unit = name_unit(column.name, column.type) if column is not None else None
    return unit is not None and not mentions_unit(text, unit)


def length_flag(text: str, kind: str) -> str | None:
    fewest, most = LENGTH_BOUNDS.get(kind, LENGTH_BOUNDS["column"])
    size = len(text.strip())
    return TOO_SHORT if size < fewest else TOO_LONG if size > most else None


def proposal_flags(text: str, facts: TableFacts, column: ColumnFacts | None = None) -> tuple[str, ...]:
    """Every flag `text` earns as the description of `column` of `facts` (or of the table itself when None)."""
    name, type_ = (column.name, column.type) if column is not None else (facts.name, facts.kind)
    flags = list(review_flags(name, type_, text))
    if states_volatile_facts(text, facts, column):
        flags.append(VOLATILE_FACTS)
    if misses_unit(text, column):
        flags.append(MISSING_UNIT)
    length = length_flag(text, "column" if column is not None else "table")
    if length:
        flags.append(length)
    return tuple(flags)
