"""Saving a table's proposals as suggestions (one short write per table, so nothing already described is lost)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col

from amx_core.analyze.policy import Verdict
from amx_core.analyze.storewrites import store_write
from amx_core.llm.types import Proposal
from amx_core.models import Suggestion
from amx_core.scope.targets import Target

# Suggestion.error holds what went wrong; text after this prefix is a note instead (why it was
# queued, what had to change to fit the backend), shown as `note` by the review views.
NOTE_PREFIX = "note: "

# States of a suggestion still in the review queue: a person has yet to decide, or decided and it is not
# written yet. A missing-only run does not ask about its target again meanwhile.
WAITING_STATES = ("pending", "accepted", "edited", "stale", "apply_failed")
# States of a suggestion whose text AMX wrote: a revert can undo them (amx_core.analyze.revert).
REVERTIBLE = ("applied", "auto_applied")


def store_text(text: str | None) -> str | None:
    """Text as the store can hold it (a PostgreSQL store cannot hold NUL either)."""
    return None if text is None else text.replace("\x00", "")


@dataclass(frozen=True)
class Proposed:
    """One target's proposal with the text it would replace and the policy's verdict."""

    target: Target
    current: str | None
    proposal: Proposal
    verdict: Verdict
    fingerprint: str | None = None  # the target's structure (amx_core.analyze.structure)


@dataclass(frozen=True)
class RunKey:
    """Where suggestions of one run belong."""

    run_id: int
    schedule_id: int | None
    profile_id: int
    database: str


def _note(p: Proposed) -> str | None:
    """Why the suggestion waits for review, and what had to change in its text to keep it."""
    notes = [] if p.verdict.apply else [f"queued: {p.verdict.reason}"]
    notes += p.proposal.notes
    if any("\x00" in text for text in (p.proposal.text, *p.proposal.alternatives)):
        notes.append("NUL characters removed from the proposed text (no store or catalog can hold them)")
    return NOTE_PREFIX + (store_text("; ".join(notes)) or "") if notes else None


def save_suggestions(store, key: RunKey, proposed: Sequence[Proposed], now: datetime) -> list[int]:
    """Insert one pending suggestion per proposal; returns their ids in the same order."""
    rows = [
        {
            "run_id": key.run_id,
            "schedule_id": key.schedule_id,
            "db_profile_id": key.profile_id,
            "database": key.database,
            "target": p.target.path,
            "target_kind": p.target.kind,
            "current_text": store_text(p.current),
            "proposed": store_text(p.proposal.text) or "",
            "confidence": round(float(p.proposal.confidence), 4),
            "band": p.proposal.band,
            "alternatives_json": json.dumps([store_text(a) for a in p.proposal.alternatives], ensure_ascii=False),
            "reason": store_text(p.proposal.reason) or "",
            "flags_json": json.dumps(list(p.proposal.flags)),
            "state": "pending",
            "error": _note(p),
            "created_at": now,
            "updated_at": now,
            "fingerprint": p.fingerprint,
        }
        for p in proposed
    ]
    if not rows:
        return []
    insert = sa.insert(Suggestion).returning(col(Suggestion.id), sort_by_parameter_order=True)
    with store_write(store) as session:
        return list(session.execute(insert, rows).scalars())


def waiting_targets(store, profile_id: int, database: str) -> frozenset[str]:
    """Targets of one (profile, database) with a suggestion still in the review queue (WAITING_STATES)."""
    query = sa.select(col(Suggestion.target)).where(
        col(Suggestion.db_profile_id) == profile_id,
        col(Suggestion.database) == database,
        col(Suggestion.state).in_(WAITING_STATES),
    )
    with store.session() as s:
        return frozenset(s.connection().execute(query.distinct()).scalars())
