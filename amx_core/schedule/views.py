"""Schedule rows to ScheduleView: the one converter every face (and every executor) gets its schedules from.

`row` is anything with the schedule table's columns as attributes: an ORM Schedule, a Core row,
or the tick's ScheduleState.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from amx_core.scope.paths import summarize_scope
from amx_core.timing import describe_cadence, to_local
from amx_core.views import ScheduleView


@lru_cache(maxsize=256)
def _scope(scope_json: str | None) -> tuple[tuple[str, ...], str]:
    """A stored scope and its summary, read once per distinct text (a long listing repeats a few scopes)."""
    scope = tuple(json.loads(scope_json or "[]"))
    return scope, summarize_scope(scope)


def schedule_view(row: Any, db_profile: str, llm_profile: str | None) -> ScheduleView:
    """`row` is schedule-shaped: a Schedule, a Core row of its table, or the tick's namespace."""
    scope, scope_summary = _scope(row.scope_json)
    return ScheduleView.listed(
        id=row.id,
        name=row.name,
        kind=row.kind,
        trigger=row.trigger,
        status=row.status,
        tz=row.tz,
        fire_at_utc=row.fire_at_utc,
        cadence=row.cadence,
        cadence_text=describe_cadence(row.cadence) if row.cadence else None,
        cap_hours=row.cap_hours,
        db_profile=db_profile,
        database=row.database,
        scope=scope,
        scope_summary=scope_summary,
        llm_profile=llm_profile,
        review=row.review,
        missing_only=row.missing_only,
        with_statistics=bool(row.with_statistics),
        missed_policy=row.missed_policy,
        retry_max_attempts=row.retry_max_attempts,
        next_fire_utc=row.next_fire_utc,
        next_fire_local=to_local(row.next_fire_utc, row.tz) if row.next_fire_utc else None,
        last_fire_utc=row.last_fire_utc,
        last_error=row.last_error,
        running_since=row.running_since,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        settle_minutes=row.settle_minutes if row.trigger == "change" else None,
        max_tokens=getattr(row, "max_tokens", None),
    )
