"""Schedules listed from plain rows, one at a time: a Core select, no ORM object per row, so listing 10,000
schedules takes no more memory than listing ten (and imports none of the editing services' catalog code). The
instants come as the driver hands them back and are made only into what is asked: views' datetimes, or the
`--json` fields' ISO text."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import col

from amx_core.models.base import STORED, UtcDateTime, table_of
from amx_core.models.profiles import DbProfile, LlmProfile
from amx_core.models.schedules import Schedule
from amx_core.schedule import rules
from amx_core.schedule.views import AS_ISO_TEXT, schedule_fields, schedule_view
from amx_core.services.validation import one_of
from amx_core.store import Store
from amx_core.views import ScheduleView

# rows fetched from the driver at a time (PostgreSQL: a server-side cursor instead of the whole result at once)
BATCH_ROWS = 500
# columns no view shows (the tick's bookkeeping): not read, so not converted row after row
_NOT_SHOWN = frozenset(
    {"db_profile_id", "llm_profile_id", "retry_base_seconds", "change_seen_utc", "change_watermark", "prior_status"}
)
_T = TypeVar("_T")
# column types SQLAlchemy would convert value by value (SQLite's text instants, integer flags)
_CONVERTED = (UtcDateTime, sa.Boolean)


def parse_statuses(text: str | None, *, field: str = "status") -> tuple[str, ...]:
    """`pending,paused` as ("pending", "paused"); a name that is not a status is refused naming `field`."""
    if not text:
        return ()
    values = tuple(v.strip().lower() for v in text.split(",") if v.strip())
    for v in values:
        one_of(v, rules.STATUSES, field=field)
    return values


def _listing_select(statuses: tuple[str, ...], kinds: tuple[str, ...]) -> sa.Select:
    table = table_of(Schedule)
    shown = [
        # instants and flags as the driver hands them back: schedule_fields makes what the listing asks for
        sa.type_coerce(column, STORED).label(column.name) if isinstance(column.type, _CONVERTED) else column
        for column in table.c
        if column.name not in _NOT_SHOWN
    ]
    stmt = (
        sa.select(*shown, col(DbProfile.name).label("db_profile_name"), col(LlmProfile.name).label("llm_profile_name"))
        .join(DbProfile, col(DbProfile.id) == table.c.db_profile_id)
        .outerjoin(LlmProfile, col(LlmProfile.id) == table.c.llm_profile_id)
    )
    if statuses:
        stmt = stmt.where(table.c.status.in_(statuses))
    if kinds:
        stmt = stmt.where(table.c.kind.in_(kinds))
    # next fire first (unscheduled last), then name; sorted by the database, not in Python
    return stmt.order_by(table.c.next_fire_utc.is_(None), table.c.next_fire_utc, table.c.name)


def iter_schedules(
    store: Store, *, statuses: tuple[str, ...] = (), kinds: tuple[str, ...] = ()
) -> Iterator[ScheduleView]:
    """Schedules ordered by next fire (unscheduled last), then name, as they come from the driver; optional
    status/kind filters. The read stays open until the iterator is exhausted or closed."""
    return _listed(store, statuses, kinds, lambda row: schedule_view(row, row.db_profile_name, row.llm_profile_name))


def iter_schedules_json(
    store: Store, *, statuses: tuple[str, ...] = (), kinds: tuple[str, ...] = ()
) -> Iterator[dict[str, Any]]:
    """The same schedules as iter_schedules, each as its view's fields with the instants as ISO-8601 text (what
    `--json` writes of them: SCHEDULE_JSON), made without a datetime or a view."""
    return _listed(
        store, statuses, kinds, lambda row: schedule_fields(row, row.db_profile_name, row.llm_profile_name, AS_ISO_TEXT)
    )


def _listed(store: Store, statuses: tuple[str, ...], kinds: tuple[str, ...], made: Callable[[Any], _T]) -> Iterator[_T]:
    """What `made` makes of each listed row, a batch of rows read at a time."""
    stmt = _listing_select(statuses, kinds)
    with store.session() as s:
        result = s.connection().execution_options(yield_per=BATCH_ROWS).execute(stmt)
        # a named tuple per row: reading a field of it costs a tenth of reading one from a Core row (made by
        # tuple.__new__ itself: the select fixes its length, which _make would check again)
        plain = partial(tuple.__new__, namedtuple("ScheduleRow", list(result.keys()), rename=True))
        for batch in result.partitions():
            yield from map(made, map(plain, batch))
