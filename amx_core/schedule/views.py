"""Schedule rows to ScheduleView: the one converter every face (and every executor) gets its schedules from, and
the `--json` listing its fields (the same fields, instants as text).

`row` is anything with the schedule table's columns as attributes: an ORM Schedule, a Core row,
or the tick's ScheduleState. Its instants may be datetimes or what the driver hands back (SQLite's text).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from amx_core.models.base import stored_iso, utc_instant
from amx_core.scope.paths import summarize_scope
from amx_core.timing import describe_cadence, stored_zone
from amx_core.views import ScheduleView


@lru_cache(maxsize=256)
def _scope(scope_json: str | None) -> tuple[tuple[str, ...], str]:
    """A stored scope and its summary, read once per distinct text (a long listing repeats a few scopes)."""
    scope = tuple(json.loads(scope_json or "[]"))
    return scope, summarize_scope(scope)


@lru_cache(maxsize=1024)
def _local(next_fire: datetime | str, tz: str) -> datetime:
    """A stored fire time as local time in its schedule's zone `tz` (to_local, for a zone the store holds), once
    per distinct fire and zone (a listing's schedules share a few hours)."""
    return utc_instant(next_fire).astimezone(stored_zone(tz))


@lru_cache(maxsize=1024)
def _local_text(next_fire: datetime | str, tz: str) -> str:
    """The ISO-8601 text of _local(next_fire, tz), once per distinct fire and zone."""
    return _local(next_fire, tz).isoformat()


@dataclass(frozen=True)
class InstantForm:
    """How schedule fields give their instants: `utc` turns a stored instant (a datetime, or SQLite's text) into
    this form, `local` a stored fire time into its local time in a zone."""

    utc: Callable[[Any], Any]
    local: Callable[[Any, str], Any]


# a ScheduleView's: aware datetimes
AS_DATETIMES = InstantForm(utc_instant, _local)
# the `--json` listing's: ISO-8601 text, as iso() writes the datetimes, made from SQLite's text without them
AS_ISO_TEXT = InstantForm(stored_iso, _local_text)


def schedule_view(row: Any, db_profile: str, llm_profile: str | None) -> ScheduleView:
    """`row` is schedule-shaped: a Schedule, a Core row of its table, or the tick's namespace."""
    return ScheduleView.listed(schedule_fields(row, db_profile, llm_profile))


def schedule_fields(
    row: Any, db_profile: str, llm_profile: str | None, form: InstantForm = AS_DATETIMES
) -> dict[str, Any]:
    """A ScheduleView's fields (all but `extra`) from a schedule-shaped row, its instants in `form`."""
    scope, scope_summary = _scope(row.scope_json)
    utc = form.utc
    next_fire = row.next_fire_utc
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "trigger": row.trigger,
        "status": row.status,
        "tz": row.tz,
        "fire_at_utc": utc(row.fire_at_utc),
        "cadence": row.cadence,
        "cadence_text": describe_cadence(row.cadence) if row.cadence else None,
        "cap_hours": row.cap_hours,
        "db_profile": db_profile,
        "database": row.database,
        "scope": scope,
        "scope_summary": scope_summary,
        "llm_profile": llm_profile,
        "review": row.review,
        "missing_only": bool(row.missing_only),
        "with_statistics": bool(row.with_statistics),
        "missed_policy": row.missed_policy,
        "retry_max_attempts": row.retry_max_attempts,
        "next_fire_utc": utc(next_fire),
        "next_fire_local": None if next_fire is None else form.local(next_fire, row.tz),
        "last_fire_utc": utc(row.last_fire_utc),
        "last_error": row.last_error,
        "running_since": utc(row.running_since),
        "created_at": utc(row.created_at),
        "updated_at": utc(row.updated_at),
        "version": row.version,
        "settle_minutes": row.settle_minutes if row.trigger == "change" else None,
        "max_tokens": getattr(row, "max_tokens", None),
    }
