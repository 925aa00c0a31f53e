"""The review queue: list, show, accept, edit, reject and apply suggestions (states: docs/ARCHITECTURE.md §4.6).

Transitions: pending/rejected/apply_failed/stale -> accepted; any open state -> edited (with a
person's text) or rejected; accepted/edited -> applied, apply_failed or stale through the same
safe write path as `auto` runs (amx_core.analyze.apply). Applied suggestions are final.
A stale suggestion takes the database's new text as its current text, so accepting it again
means "replace what is there now". Batch changes are all-or-nothing: one id that may not change
refuses the batch with a message naming it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from amx_core.analyze.suggestions import NOTE_PREFIX, REVERTIBLE
from amx_core.errors import ConflictError, NotFoundError, ValidationError
from amx_core.instants import iso
from amx_core.llm.flags import FLAG_MEANINGS
from amx_core.models import DbProfile, Suggestion
from amx_core.models.base import saved_id, table_of
from amx_core.services.validation import plain_text, record_id, whole_number
from amx_core.wording import written_label

STATES = (
    "pending",
    "accepted",
    "edited",
    "rejected",
    "applied",
    "apply_failed",
    "stale",
    "auto_applied",
    "reverted",
)
FINAL = ("applied", "auto_applied", "reverted")
ACCEPTABLE = ("pending", "rejected", "apply_failed", "stale", "accepted")
EDITABLE = ("pending", "accepted", "edited", "rejected", "apply_failed", "stale")
REJECTABLE = ("pending", "accepted", "edited", "apply_failed", "stale", "rejected")
APPLICABLE = ("accepted", "edited")
MAX_EDIT = 10_000


@dataclass(frozen=True)
class SuggestionView:
    """A suggestion as every face shows it; `note` says why it was queued or what writing changed."""

    id: int
    run_id: int
    schedule_id: int | None
    db_profile: str | None
    database: str
    target: str
    target_kind: str
    current: str | None
    proposed: str
    confidence: float
    band: str
    state: str
    alternatives: tuple[str, ...]
    reason: str
    flags: tuple[str, ...]
    applied_sql: str | None
    old_value: str | None
    error: str | None
    note: str | None
    created_at: datetime
    updated_at: datetime
    current_written_by: str | None = None  # who wrote the target's text now: person | amx | reviewed | None
    current_run: int | None = None  # the run whose suggestion AMX wrote it (amx, reviewed)

    @property
    def current_author(self) -> str:
        """`person`, `amx (run 3)`, `reviewed (run 3)`, or "" when not known or there is no text."""
        return written_label(self.current_written_by, self.current_run) or ""

    @property
    def quality(self) -> list[dict[str, str]]:
        """The quality check's findings, one per flag with what it means (empty: the text passed)."""
        return [{"flag": flag, "message": FLAG_MEANINGS.get(flag, flag.replace("_", " "))} for flag in self.flags]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "run_id": self.run_id,
            "target": self.target,
            "current": self.current,
            "proposed": self.proposed,
            "confidence": self.confidence,
            "band": self.band,
            "state": self.state,
            "alternatives": list(self.alternatives),
            "reason": self.reason,
            "flags": list(self.flags),
            "quality": self.quality,
            "target_kind": self.target_kind,
            "schedule_id": self.schedule_id,
            "db_profile": self.db_profile,
            "database": self.database,
            "applied_sql": self.applied_sql,
            "old_value": self.old_value,
            "error": self.error,
            "note": self.note,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "current_written_by": self.current_written_by,
            "current_run": self.current_run,
        }


@dataclass(frozen=True)
class ApplyResult:
    """What `apply` did with one suggestion."""

    id: int
    target: str
    state: str
    ok: bool
    error: str | None = None
    note: str | None = None
    sql: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": self.target,
            "state": self.state,
            "ok": self.ok,
            "error": self.error,
            "note": self.note,
            "sql": self.sql,
        }


def _split_error(text: str | None) -> tuple[str | None, str | None]:
    if text and text.startswith(NOTE_PREFIX):
        return None, text[len(NOTE_PREFIX) :]
    return text, None


def _json_list(text: str | None) -> tuple:
    return tuple(json.loads(text)) if text and text != "[]" else ()


# The stored columns a view is made of, in the order `_view` takes them.
VIEW_COLUMNS = (
    "id",
    "run_id",
    "schedule_id",
    "database",
    "target",
    "target_kind",
    "current_text",
    "proposed",
    "confidence",
    "band",
    "state",
    "alternatives_json",
    "reason",
    "flags_json",
    "applied_sql",
    "old_value",
    "error",
    "created_at",
    "updated_at",
)


def _view(values: Sequence[Any], profile: str | None) -> SuggestionView:
    """A view from VIEW_COLUMNS values (built positionally: SuggestionView's field order; thousands per queue)."""
    (
        id_,
        run_id,
        schedule_id,
        database,
        target,
        kind,
        current,
        proposed,
        confidence,
        band,
        state,
        alternatives,
        reason,
        flags,
        sql,
        old_value,
        stored_error,
        created_at,
        updated_at,
    ) = values
    error, note = _split_error(stored_error)
    return SuggestionView(
        id_,
        run_id,
        schedule_id,
        profile,
        database,
        target,
        kind,
        current,
        proposed,
        confidence,
        band,
        state,
        _json_list(alternatives),
        reason,
        _json_list(flags),
        sql,
        old_value,
        error,
        note,
        created_at,
        updated_at,
    )


def view_of(row: Suggestion, profile: str | None) -> SuggestionView:
    return _view([getattr(row, name) for name in VIEW_COLUMNS], profile)


def _profiles(session: Session) -> dict[int | None, str]:
    return dict(session.exec(select(DbProfile.id, DbProfile.name)).all())


def parse_states(text: str | Sequence[str] | None, *, field: str = "state") -> tuple[str, ...]:
    """`pending,stale` -> ('pending', 'stale'); an unknown state names the field."""
    if not text:
        return ()
    parts = text.split(",") if isinstance(text, str) else list(text)
    states = tuple(p.strip().lower() for p in parts if p.strip())
    unknown = [s for s in states if s not in STATES]
    if unknown:
        raise ValidationError(field, f"unknown state {unknown[0]!r} (use {', '.join(STATES)})")
    return states


def _ids(values: Iterable[int | str], field: str = "id") -> list[int]:
    ids: list[int] = []
    for value in values:
        number = record_id(value, field=field, what="suggestion")
        if number not in ids:
            ids.append(number)
    if not ids:
        raise ValidationError(field, "give at least one suggestion id")
    return ids


def _rows(session: Session, ids: Sequence[int]) -> list[Suggestion]:
    rows = {r.id: r for r in session.exec(select(Suggestion).where(col(Suggestion.id).in_(ids)))}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise NotFoundError("id", f"no suggestion {missing[0]}")
    return [rows[i] for i in ids]


_TABLE = table_of(Suggestion)


def list_suggestions(
    store, *, run_id: int | None = None, states: str | Sequence[str] | None = None, limit: int | None = None
) -> list[SuggestionView]:
    """Suggestions, oldest first, optionally of one run and in some states.

    Read as plain rows (no ORM objects): a run's queue can hold thousands and the TUI opens it whole.
    """
    wanted = parse_states(states)
    query = sa.select(_TABLE.c.db_profile_id, *(_TABLE.c[name] for name in VIEW_COLUMNS)).order_by(_TABLE.c.id)
    if run_id is not None:
        query = query.where(_TABLE.c.run_id == record_id(run_id, field="run", what="run"))
    if wanted:
        query = query.where(_TABLE.c.state.in_(wanted))
    if limit is not None:
        query = query.limit(whole_number(limit, field="limit", minimum=1))
    with store.session() as s:
        names = _profiles(s)
        views = [(row[0], _view(row[1:], names.get(row[0]))) for row in s.connection().execute(query)]
    return _with_authors(store, views)


def _with_authors(store, views: list[tuple[int, SuggestionView]]) -> list[SuggestionView]:
    """Each view with who wrote its target's text now (the text it shows as current, judged by the marks)."""
    from amx_core.analyze.descriptions import authorship
    from amx_core.analyze.marks import load_marks

    marks: dict[tuple[int, str], dict] = {}
    found = []
    for profile_id, view in views:
        key = (profile_id, view.database)
        if key not in marks:
            marks[key] = load_marks(store, profile_id, view.database)
        text = view.proposed if view.state in FINAL and view.state != "reverted" else view.current
        if view.state == "reverted":
            text = view.old_value
        who = authorship(text, marks[key].get(view.target))
        found.append(replace(view, current_written_by=who.written_by, current_run=who.run_id))
    return found


def get_suggestion(store, suggestion_id: int | str) -> SuggestionView:
    with store.session() as s:
        row = _rows(s, _ids([suggestion_id]))[0]
        view, profile_id = view_of(row, _profiles(s).get(row.db_profile_id)), row.db_profile_id
    return _with_authors(store, [(profile_id, view)])[0]


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _refuse_unless(rows: Sequence[Suggestion], allowed: tuple[str, ...], verb: str) -> None:
    """A batch is all-or-nothing: one suggestion in another state refuses it, naming that one."""
    for row in rows:
        if row.state not in allowed:
            raise ConflictError("id", f"suggestion {row.id} is {row.state}; only {', '.join(allowed)} can be {verb}")


def _change(
    store, ids: Iterable[int | str], allowed: tuple[str, ...], verb: str, mutate, now: datetime | None
) -> list[SuggestionView]:
    numbers = _ids(ids)
    when = _now(now)
    with store.write_session() as s:
        rows = _rows(s, numbers)
        _refuse_unless(rows, allowed, verb)
        for row in rows:
            mutate(row)
            row.updated_at = when
            s.add(row)
        s.flush()
        names = _profiles(s)
        return [view_of(r, names.get(r.db_profile_id)) for r in rows]


def accept_suggestions(store, ids: Iterable[int | str], *, now: datetime | None = None) -> list[SuggestionView]:
    """Mark suggestions accepted (their proposed text will be written by `apply`)."""

    def mutate(row: Suggestion) -> None:
        row.state, row.error = "accepted", None

    return _change(store, ids, ACCEPTABLE, "accepted", mutate, now)


def reject_suggestions(store, ids: Iterable[int | str], *, now: datetime | None = None) -> list[SuggestionView]:
    def mutate(row: Suggestion) -> None:
        row.state = "rejected"

    return _change(store, ids, REJECTABLE, "rejected", mutate, now)


def clean_edit(text: str | None) -> str:
    """A person's description: not blank, no control characters (tabs and line breaks allowed), bounded."""
    if text is None or not str(text).strip():
        raise ValidationError("text", "must not be empty")
    return str(plain_text(str(text).strip(), field="text", max_len=MAX_EDIT, prose=True))


def edit_suggestion(store, suggestion_id: int | str, text: str, *, now: datetime | None = None) -> SuggestionView:
    """Replace the proposed text with a person's; the model's text is kept first among the alternatives."""
    new_text = clean_edit(text)

    def mutate(row: Suggestion) -> None:
        alternatives = json.loads(row.alternatives_json or "[]")
        if row.state != "edited" and row.proposed not in alternatives:
            alternatives.insert(0, row.proposed)
        row.alternatives_json = json.dumps(alternatives, ensure_ascii=False)
        row.proposed, row.state, row.error = new_text, "edited", None

    return _change(store, [suggestion_id], EDITABLE, "edited", mutate, now)[0]


def _selection(session: Session, run_id: int | None, ids: Sequence[int]) -> tuple[list[Suggestion], list[ApplyResult]]:
    """(rows to write, results for named ids that cannot be applied)."""
    if ids:
        rows = _rows(session, ids)
    else:
        query = select(Suggestion).where(col(Suggestion.state).in_(APPLICABLE)).order_by(col(Suggestion.id))
        if run_id is not None:
            query = query.where(Suggestion.run_id == run_id)
        rows = list(session.exec(query))
    skipped = [
        ApplyResult(saved_id(r), r.target, r.state, False, error=f"is {r.state}; accept or edit it first")
        for r in rows
        if r.state not in APPLICABLE
    ]
    return [r for r in rows if r.state in APPLICABLE], skipped


def _per_destination(
    store, names: dict, planned: list[tuple[int, str, Any]], work, *, state: str = "accepted"
) -> list[ApplyResult]:
    """Run `work(dest, items)` once per (DB profile, database) of `planned` ((profile id, database, item) triples);
    items of a removed profile fail with a result saying so (and keep `state`)."""
    results: list[ApplyResult] = []
    planned.sort(key=lambda p: (p[0], p[1]))
    for (profile_id, database), group in groupby(planned, key=lambda p: (p[0], p[1])):
        items = [p[2] for p in group]
        profile = names.get(profile_id)
        if profile is None:
            results += [
                ApplyResult(i.suggestion_id, i.target.path, state, False, error="its DB profile was removed")
                for i in items
            ]
            continue
        from amx_core.analyze.apply import open_destination

        with open_destination(store, profile, database or None) as dest:
            outcomes = work(dest, items)
        results += [
            ApplyResult(
                o.suggestion_id,
                o.target,
                o.state,
                o.state == "applied",
                error=o.error,
                note="; ".join(o.notes) or None,
                sql=o.sql,
            )
            for o in outcomes
        ]
    return results


def _in_order(results: list[ApplyResult], numbers: Sequence[int]) -> list[ApplyResult]:
    order = {n: i for i, n in enumerate(numbers)}
    return sorted(results, key=lambda r: (order.get(r.id, 0), r.id))


def apply_suggestions(
    store, *, run_id: int | str | None = None, ids: Sequence[int | str] = (), now: datetime | None = None
) -> list[ApplyResult]:
    """Write accepted and edited suggestions (all, one run's, or the named ones) the safe way; one result each."""
    from amx_core.analyze.apply import PlannedWrite, apply_planned
    from amx_core.scope.targets import Target

    numbers = _ids(ids) if ids else []
    run = record_id(run_id, field="run", what="run") if run_id not in (None, "") else None
    when = _now(now)
    with store.session() as s:
        rows, results = _selection(s, run, numbers)
        names = _profiles(s)
        planned = [
            (
                r.db_profile_id,
                r.database,
                PlannedWrite(
                    saved_id(r),
                    Target.parse(r.target),
                    r.current_text,
                    r.proposed,
                    reviewed=True,
                    fingerprint=r.fingerprint,
                    run_id=r.run_id,
                ),
            )
            for r in rows
        ]
    results += _per_destination(
        store, names, planned, lambda dest, items: apply_planned(store, dest, items, applied_state="applied", now=when)
    )
    return _in_order(results, numbers)


def _revert_rows(store, rows: Sequence[Suggestion], names: dict, now: datetime | None) -> list[ApplyResult]:
    from amx_core.analyze.revert import RevertItem, revert_items, written_text
    from amx_core.scope.targets import Target

    when = _now(now)
    planned = [
        (r.db_profile_id, r.database, RevertItem(saved_id(r), Target.parse(r.target), written_text(r), r.old_value))
        for r in rows
    ]
    results = _per_destination(
        store, names, planned, lambda dest, items: revert_items(dest, items, now=when), state="applied"
    )
    return [replace(r, state="reverted") if r.ok else r for r in results]


def revert_suggestions(store, ids: Iterable[int | str], *, now: datetime | None = None) -> list[ApplyResult]:
    """Put back what each applied suggestion replaced (or remove the description when there was none), only
    where the database still holds exactly what AMX wrote (else `stale`, left alone); one result each.

    Every id must name an applied suggestion (else nothing is written: ConflictError on `id`)."""
    numbers = _ids(ids)
    with store.session() as s:
        rows = _rows(s, numbers)
        _refuse_unless(rows, REVERTIBLE, "reverted")
        names = _profiles(s)
        for row in rows:
            s.expunge(row)
    return _in_order(_revert_rows(store, rows, names, now), numbers)


def revert_run(store, run_id: int | str, *, now: datetime | None = None) -> list[ApplyResult]:
    """Revert every suggestion the run wrote (`auto` writes and reviewed ones applied since); see
    `revert_suggestions`. A run that wrote nothing reverts nothing."""
    from amx_core.models import Run

    number = record_id(run_id, field="run", what="run")
    with store.session() as s:
        if s.get(Run, number) is None:
            raise NotFoundError("run", f"no run with id {number} (`amx runs list` shows them)")
        query = (
            select(Suggestion)
            .where(Suggestion.run_id == number, col(Suggestion.state).in_(REVERTIBLE))
            .order_by(col(Suggestion.id))
        )
        rows = list(s.exec(query))
        names = _profiles(s)
        for row in rows:
            s.expunge(row)
    return _in_order(_revert_rows(store, rows, names, now), [saved_id(r) for r in rows])
