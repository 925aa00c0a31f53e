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

from amx_core.models.base import stored_isos, utc_instant
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

# A column of a field from a batch's columns, instants in a form.
_Make = Callable[[Mapping[str, Sequence[Any]], InstantForm], Sequence[Any]]


def _kept(name: str) -> tuple[tuple[str, ...], _Make]:
    """A field that is its column as stored."""
    return (name,), lambda columns, form: columns[name]


def _instant(name: str) -> tuple[tuple[str, ...], _Make]:
    return (name,), lambda columns, form: form.utc(columns[name])


def _flag(name: str) -> tuple[tuple[str, ...], _Make]:
    return (name,), lambda columns, form: list(map(bool, columns[name]))


# Every field of a ScheduleView (but `extra`): the columns it is made from (the schedule table's, and the
# profiles' names as db_profile / llm_profile) and how, a whole column at a time.
_FIELDS: dict[str, tuple[tuple[str, ...], _Make]] = {
    "id": _kept("id"),
    "name": _kept("name"),
    "kind": _kept("kind"),
    "trigger": _kept("trigger"),
    "status": _kept("status"),
    "tz": _kept("tz"),
    "fire_at_utc": _instant("fire_at_utc"),
    "cadence": _kept("cadence"),
    "cadence_text": (("cadence",), lambda columns, form: list(map(_cadence_text, columns["cadence"]))),
    "cap_hours": _kept("cap_hours"),
    "db_profile": _kept("db_profile"),
    "database": _kept("database"),
    "scope": (("scope_json",), lambda columns, form: [_scope(text)[0] for text in columns["scope_json"]]),
    "scope_summary": (("scope_json",), lambda columns, form: [_scope(text)[1] for text in columns["scope_json"]]),
    "llm_profile": _kept("llm_profile"),
    "review": _kept("review"),
    "missing_only": _flag("missing_only"),
    "with_statistics": _flag("with_statistics"),
    "missed_policy": _kept("missed_policy"),
    "retry_max_attempts": _kept("retry_max_attempts"),
    "next_fire_utc": _instant("next_fire_utc"),
    "next_fire_local": (
        ("next_fire_utc", "tz"),
        lambda columns, form: list(map(form.local, columns["next_fire_utc"], columns["tz"])),
    ),
    "last_fire_utc": _instant("last_fire_utc"),
    "last_error": _kept("last_error"),
    "running_since": _instant("running_since"),
    "created_at": _instant("created_at"),
    "updated_at": _instant("updated_at"),
    "version": _kept("version"),
    "settle_minutes": (
        ("trigger", "settle_minutes"),
        lambda columns, form: list(map(_settle, columns["trigger"], columns["settle_minutes"])),
    ),
    "max_tokens": _kept("max_tokens"),
}
# a ScheduleView's fields (all but `extra`)
VIEW_FIELDS = tuple(_FIELDS)


def columns_read(fields: Sequence[str]) -> tuple[str, ...]:
    """The columns schedule_columns reads to make `fields` (the schedule table's, and db_profile / llm_profile for
    the profiles' names), once each: a listing of a few fields reads only those."""
    return tuple(dict.fromkeys(column for name in fields for column in _FIELDS[name][0]))


def schedule_view(row: Any, db_profile: str, llm_profile: str | None) -> ScheduleView:
    """`row` is schedule-shaped: a Schedule, a Core row of its table, or the tick's ScheduleState (a batch of one)."""
    profiles = {"db_profile": (db_profile,), "llm_profile": (llm_profile,)}
    columns = {name: profiles.get(name) or (getattr(row, name),) for name in columns_read(VIEW_FIELDS)}
    return ScheduleView.listed({name: column[0] for name, column in schedule_columns(columns).items()})


def schedule_columns(
    columns: Mapping[str, Sequence[Any]], form: InstantForm = AS_DATETIMES, fields: Sequence[str] = VIEW_FIELDS
) -> dict[str, Sequence[Any]]:
    """`fields` of ScheduleView, each as a column, from a batch of rows' columns (columns_read(fields)), instants in
    `form`. Column by column, each conversion is one C-level pass over a batch: a long listing spends its time in
    the driver, not here."""
    return {name: _FIELDS[name][1](columns, form) for name in fields}
