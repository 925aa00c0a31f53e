"""Schedules listed from plain rows, a batch at a time: a Core select of the columns the asked fields are made
from, no ORM object per row, so listing 10,000 schedules takes no more memory than listing ten (and imports none
of the editing services' catalog code). The instants come as the driver hands them back and are made only into
what is asked, a column at a time: views' datetimes, or the `--json` fields' ISO text."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from contextlib import closing
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from amx_core.models.base import STORED, UtcDateTime, table_of
from amx_core.models.profiles import DbProfile, LlmProfile
from amx_core.models.schedules import Schedule
from amx_core.schedule import rules
from amx_core.schedule.views import (
    AS_DATETIMES,
    VIEW_FIELDS,
    InstantForm,
    columns_read,
    schedule_columns,
)
from amx_core.services.validation import one_of
from amx_core.store import Store
from amx_core.views import ScheduleView

# rows fetched from the driver at a time (PostgreSQL: a server-side cursor instead of the whole result at once);
# a batch converted and written whole stays in the CPU's cache (10,000 rows: 256 a batch take 0.87x the time of 500)
BATCH_ROWS = 256
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


def _listing_select(statuses: tuple[str, ...], kinds: tuple[str, ...], fields: Sequence[str]) -> sa.Select:
    """The listed schedules' columns that `fields` are made from (columns_read), in the listing's order."""
    table = table_of(Schedule)
    profiles: dict[str, sa.ColumnElement[Any]] = {
        "db_profile": col(DbProfile.name).label("db_profile"),
        "llm_profile": col(LlmProfile.name).label("llm_profile"),
    }
    read: list[sa.ColumnElement[Any]] = [
        # instants and flags as the driver hands them back: schedule_columns makes what the listing asks for
        profiles[name]
        if name in profiles
        else sa.type_coerce(table.c[name], STORED).label(name)
        if isinstance(table.c[name].type, _CONVERTED)
        else table.c[name]
        for name in columns_read(fields)
    ]
    stmt = (
        sa.select(*read)
        .select_from(table)
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
    with closing(iter_schedule_fields(store, VIEW_FIELDS, statuses=statuses, kinds=kinds)) as batches:
        for fields in batches:
            yield from (
                ScheduleView.listed(dict(zip(VIEW_FIELDS, values, strict=True)))
                for values in zip(*fields.values(), strict=True)
            )


def iter_schedule_fields(
    store: Store,
    fields: Sequence[str],
    *,
    statuses: tuple[str, ...] = (),
    kinds: tuple[str, ...] = (),
    form: InstantForm = AS_DATETIMES,
) -> Generator[dict[str, Sequence[Any]], None, None]:
    """The same schedules as iter_schedules, a batch at a time: of each batch, `fields` (ScheduleView's names) in
    that order, each as a column, instants in `form` (AS_ISO_TEXT: what `--json` writes). Only the columns those
    fields are made from are read and converted, so a listing showing a few fields (the CLI's table) reads a third
    of a view's."""
    stmt = _listing_select(statuses, kinds, fields)
    with store.session() as s:
        result = s.connection().execution_options(yield_per=BATCH_ROWS).execute(stmt)
        names = list(result.keys())
        for batch in result.partitions():
            yield schedule_columns(dict(zip(names, zip(*batch, strict=True), strict=True)), form, fields)
