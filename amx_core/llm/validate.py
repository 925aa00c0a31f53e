"""Turning a model's text into proposals for the table's real columns, and nothing else.

Tolerant about the wrapping (code fences, prose around the JSON), strict about the
content: invented column names are dropped, missing ones reported, confidence clamped,
text trimmed and capped (with a note saying so), and every proposal carries the flags of
the quality check (amx_core.llm.quality): a reply that copies sample values or profile
numbers is flagged `volatile_facts`, so `auto` review queues it instead of writing it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from amx_core.llm.errors import InvalidReply
from amx_core.llm.flags import TRUNCATED, review_flags
from amx_core.llm.quality import proposal_flags
from amx_core.llm.types import ColumnFacts, Proposal, TableFacts

__all__ = ["CheckedReply", "MAX_TEXT", "check_reply", "parse_json_text", "parse_reply", "review_flags"]

MAX_TEXT = 1000
MAX_REASON = 500
MAX_ALTERNATIVES = 3
DEFAULT_CONFIDENCE = 0.5

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)
_DESCRIPTION_KEYS = ("description", "text", "comment")


@dataclass(frozen=True)
class CheckedReply:
    """Proposals for real columns only; `missing` are asked columns without a usable proposal."""

    table: Proposal | None
    columns: dict[str, Proposal]
    missing: tuple[str, ...]
    notes: tuple[str, ...]


def parse_json_text(text: str) -> dict[str, Any]:
    """The reply's JSON object: the whole text, else a ```json fence, else the first object in it."""
    stripped = (text or "").strip()
    candidates = [stripped, *(m.group(1).strip() for m in _FENCE.finditer(stripped))]
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", stripped):
        try:
            value, _ = decoder.raw_decode(stripped, match.start())
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    raise InvalidReply("the reply holds no JSON object", raw=text or "")


def _clip(text: str, limit: int) -> tuple[str, bool]:
    text = text.strip()
    if len(text) <= limit:
        return text, False
    cut = text[: limit - 1].rstrip()
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space].rstrip()
    return cut + "…", True


def _confidence(value: Any) -> tuple[float, bool]:
    """A float in [0, 1]; second item says whether the value had to be defaulted or clamped."""
    if isinstance(value, bool) or value is None:
        return DEFAULT_CONFIDENCE, True
    try:
        number = float(value)
    except (TypeError, ValueError):
        return DEFAULT_CONFIDENCE, True
    if math.isnan(number):
        return DEFAULT_CONFIDENCE, True
    clamped = min(1.0, max(0.0, number))
    return clamped, clamped != number


def _description(entry: dict[str, Any]) -> Any:
    return next((entry[key] for key in _DESCRIPTION_KEYS if key in entry), None)


def _proposal(facts: TableFacts, column: ColumnFacts | None, entry: Any, notes: list[str]) -> Proposal | None:
    """One proposal for `column` of `facts` (the table itself when None), or None with a note saying why not."""
    target = column.name if column is not None else facts.name
    if isinstance(entry, str):
        entry = {"description": entry}
    if not isinstance(entry, dict):
        notes.append(f"{target}: proposal is not an object")
        return None
    raw_text = _description(entry)
    if not isinstance(raw_text, str) or not raw_text.strip():
        notes.append(f"{target}: no description text")
        return None
    text, cut = _clip(raw_text, MAX_TEXT)
    cut_note = (f"proposed text cut from {len(raw_text.strip()):,} to {len(text):,} characters (limit {MAX_TEXT:,})",)
    confidence, adjusted = _confidence(entry.get("confidence"))
    if adjusted:
        notes.append(f"{target}: confidence {entry.get('confidence')!r} taken as {confidence}")
    alternatives = tuple(
        _clip(alt, MAX_TEXT)[0] for alt in entry.get("alternatives") or () if isinstance(alt, str) and alt.strip()
    )[:MAX_ALTERNATIVES]
    reason = entry.get("reason")
    reason_text = _clip(reason, MAX_REASON)[0] if isinstance(reason, str) else ""
    flags = proposal_flags(text, facts, column) + ((TRUNCATED,) if cut else ())
    return Proposal(
        text=text,
        confidence=confidence,
        alternatives=alternatives,
        reason=reason_text,
        flags=flags,
        notes=cut_note if cut else (),
    )


def _columns_object(data: dict[str, Any]) -> dict[str, Any]:
    """The `columns` member as a name -> entry mapping (a list of {"name": ...} is accepted too)."""
    columns = data.get("columns")
    if isinstance(columns, list):
        columns = {c.get("name"): c for c in columns if isinstance(c, dict) and isinstance(c.get("name"), str)}
    if not isinstance(columns, dict):
        raise InvalidReply('the reply has no "columns" object', raw=json.dumps(data, ensure_ascii=False)[:2000])
    return columns


def _match_names(given: dict[str, Any], expected: Sequence[str], notes: list[str]) -> dict[str, Any]:
    """Entries keyed by real names: exact match first, then a unique case-insensitive one; others dropped."""
    by_lower: dict[str, list[str]] = {}
    for name in expected:
        by_lower.setdefault(name.lower(), []).append(name)
    matched: dict[str, Any] = {}
    for key, entry in given.items():
        if key in expected:
            matched[key] = entry
            continue
        candidates = by_lower.get(str(key).lower(), [])
        if len(candidates) == 1 and candidates[0] not in given and candidates[0] not in matched:
            notes.append(f"column {key!r} taken as {candidates[0]!r}")
            matched[candidates[0]] = entry
        else:
            notes.append(f"dropped invented column {key!r}")
    return matched


def check_reply(data: dict[str, Any], facts: TableFacts, *, expected: Sequence[str], want_table: bool) -> CheckedReply:
    """Validate a decoded reply against the asked columns of `facts`."""
    notes: list[str] = []
    matched = _match_names(_columns_object(data), expected, notes)
    by_name = {c.name: c for c in facts.columns}
    columns: dict[str, Proposal] = {}
    for name in expected:
        if name in matched:
            proposal = _proposal(facts, by_name.get(name) or ColumnFacts(name, ""), matched[name], notes)
            if proposal is not None:
                columns[name] = proposal
    missing = tuple(name for name in expected if name not in columns)
    if missing:
        notes.append("missing columns: " + ", ".join(missing))
    table = None
    if want_table:
        table = _proposal(facts, None, data.get("table"), notes) if "table" in data else None
        if table is None and "table" not in data:
            notes.append("no table description")
    return CheckedReply(table=table, columns=columns, missing=missing, notes=tuple(notes))


def parse_reply(text: str, facts: TableFacts, *, expected: Sequence[str], want_table: bool) -> CheckedReply:
    """Tolerant parse of `text`, then `check_reply`."""
    return check_reply(parse_json_text(text), facts, expected=expected, want_table=want_table)
