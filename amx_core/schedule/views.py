"""Schedule rows to ScheduleView: the one converter every face (and every executor) gets its schedules from, and
the `--json` listing its fields (the same fields, instants as text). It works a column at a time (a batch of rows
read by the listing, or one row), so a long listing converts each column in one pass instead of row by row.

`row` is anything with the schedule table's columns as attributes: an ORM Schedule, a Core row,
or the tick's ScheduleState. Its instants may be datetimes or what the driver hands back (SQLite's text).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from amx_core.models.base import stored_isos, table_of, utc_instant
from amx_core.models.schedules import Schedule
from amx_core.scope.paths import summarize_scope
from amx_core.timing import describe_cadence, stored_zone
from amx_core.views import ScheduleView


@lru_cache(maxsize=256)
def _scope(scope_json: str | None) -> tuple[tuple[str, ...], str]:
    """A stored scope and its summary, read once per distinct text (a long listing repeats a few scopes)."""
    scope = tuple(json.loads(scope_json or "[]"))
    return scope, summarize_scope(scope)


@lru_cache(maxsize=1024)
def _local(next_fire: datetime | str | None, tz: str) -> datetime | None:
    """A stored fire time as local time in its schedule's zone `tz` (to_local, for a zone the store holds), once
    per distinct fire and zone (a listing's schedules share a few hours); None for no fire time."""
    return None if next_fire is None else utc_instant(next_fire).astimezone(stored_zone(tz))


@lru_cache(maxsize=1024)
def _local_text(next_fire: datetime | str | None, tz: str) -> str | None:
    """The ISO-8601 text of _local(next_fire, tz), once per distinct fire and zone."""
    local = _local(next_fire, tz)
    return None if local is None else local.isoformat()


def _cadence_text(cadence: str | None) -> str | None:
    return describe_cadence(cadence) if cadence else None


def _settle(trigger: str, minutes: float | None) -> float | None:
    """The settle time is the change trigger's own: shown for it alone."""
    return minutes if trigger == "change" else None


def _utc_instants(values: Sequence[Any]) -> list[datetime | None]:
    return list(map(utc_instant, values))


@dataclass(frozen=True)
class InstantForm:
    """How schedule fields give their instants: `utc` turns a column of stored instants (datetimes, or SQLite's
    text; None stays None) into this form, `local` a stored fire time into its local time in a zone."""

    utc: Callable[[Sequence[Any]], Sequence[Any]]
    local: Callable[[Any, str], Any]


# a ScheduleView's: aware datetimes
AS_DATETIMES = InstantForm(_utc_instants, _local)
# the `--json` listing's: ISO-8601 text, as iso() writes the datetimes, made from SQLite's text without them
AS_ISO_TEXT = InstantForm(stored_isos, _local_text)

# the schedule table's columns no view shows (the tick's bookkeeping)
_NOT_SHOWN = frozenset(
    {"db_profile_id", "llm_profile_id", "retry_base_seconds", "change_seen_utc", "change_watermark", "prior_status"}
)
# the schedule table's columns a view is made of (schedule_columns reads these, and db_profile / llm_profile)
VIEW_COLUMNS = tuple(column.name for column in table_of(Schedule).c if column.name not in _NOT_SHOWN)


def schedule_view(row: Any, db_profile: str, llm_profile: str | None) -> ScheduleView:
    """`row` is schedule-shaped: a Schedule, a Core row of its table, or the tick's ScheduleState (a batch of one)."""
    columns = {name: (getattr(row, name),) for name in VIEW_COLUMNS}
    columns["db_profile"], columns["llm_profile"] = (db_profile,), (llm_profile,)
    return ScheduleView.listed({name: column[0] for name, column in schedule_columns(columns).items()})


def schedule_columns(
    columns: Mapping[str, Sequence[Any]], form: InstantForm = AS_DATETIMES
) -> dict[str, Sequence[Any]]:
    """A ScheduleView's fields (all but `extra`), each as a column, from a batch of rows' columns (VIEW_COLUMNS,
    db_profile and llm_profile), instants in `form`. Column by column, each conversion is one C-level pass over
    a batch: a long listing spends its time in the driver, not here."""
    utc = form.utc
    scopes = list(map(_scope, columns["scope_json"]))
    next_fire = columns["next_fire_utc"]
    return {
        "id": columns["id"],
        "name": columns["name"],
        "kind": columns["kind"],
        "trigger": columns["trigger"],
        "status": columns["status"],
        "tz": columns["tz"],
        "fire_at_utc": utc(columns["fire_at_utc"]),
        "cadence": columns["cadence"],
        "cadence_text": list(map(_cadence_text, columns["cadence"])),
        "cap_hours": columns["cap_hours"],
        "db_profile": columns["db_profile"],
        "database": columns["database"],
        "scope": [scope for scope, _ in scopes],
        "scope_summary": [summary for _, summary in scopes],
        "llm_profile": columns["llm_profile"],
        "review": columns["review"],
        "missing_only": list(map(bool, columns["missing_only"])),
        "with_statistics": list(map(bool, columns["with_statistics"])),
        "missed_policy": columns["missed_policy"],
        "retry_max_attempts": columns["retry_max_attempts"],
        "next_fire_utc": utc(next_fire),
        "next_fire_local": list(map(form.local, next_fire, columns["tz"])),
        "last_fire_utc": utc(columns["last_fire_utc"]),
        "last_error": columns["last_error"],
        "running_since": utc(columns["running_since"]),
        "created_at": utc(columns["created_at"]),
        "updated_at": utc(columns["updated_at"]),
        "version": columns["version"],
        "settle_minutes": list(map(_settle, columns["trigger"], columns["settle_minutes"])),
        "max_tokens": columns["max_tokens"],
    }
