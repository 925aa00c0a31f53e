"""Column types shared by every table: instants are stored as UTC and read back aware."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, overload

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

# Table options of rows people refer to by id (profiles, schedules, runs, suggestions): an id is never
# given again after its row is deleted. SQLite reuses the highest rowid without AUTOINCREMENT;
# PostgreSQL's identity sequences never go back anyway.
STABLE_IDS = {"sqlite_autoincrement": True}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator):
    """An aware UTC instant; SQLite keeps it as sortable naive-UTC text, PostgreSQL as timestamptz."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return utc_instant(value)


@overload
def utc_instant(value: datetime | str) -> datetime: ...
@overload
def utc_instant(value: None) -> None: ...
def utc_instant(value: datetime | str | None) -> datetime | None:
    """What a driver hands back for a UTC column (SQLite: naive-UTC text; others: a datetime) as an aware
    UTC instant; SQLite's text is read in one C call, its zone appended."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:  # text that names its own offset
            value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def stored_iso(value: datetime | str | None) -> str | None:
    """The ISO-8601 text of what a driver hands back for a UTC column, the same as utc_instant(value).isoformat();
    SQLite's usual text (`2027-03-01 09:00:00.000000`) is rewritten once it parses, without making the datetime
    (formatting one costs a long `--json` listing more than anything else in a row)."""
    if value is None:
        return None
    # SQLite's 'YYYY-MM-DD HH:MM:SS.ffffff' (a week date has no '-' at 7; parsing checks the digits, raising for
    # a text that is no instant as utc_instant does, and finds an offset of its own)
    if value.__class__ is str and len(value) == 26 and value[10] == " " and value[19] == "." and value[7] == "-":
        naive = _from_iso(value)
        if naive.tzinfo is None:
            if naive.microsecond:
                return value.replace(" ", "T") + "+00:00"
            return value[:19].replace(" ", "T") + "+00:00"  # isoformat leaves out a zero fraction
    return utc_instant(value).isoformat()


_from_iso = datetime.fromisoformat
# SQLite's usual text of an instant with every digit as 0, and the table making it so
_USUAL_SHAPE = "0000-00-00 00:00:00.000000"
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")


def stored_isos(values: Sequence[Any]) -> Sequence[str | None]:
    """stored_iso of each value. A column of SQLite's usual text, as a long listing reads a batch of it, is checked
    and rewritten in a few passes over the whole column at once (each distinct text parsed once, so a text that is
    no instant raises as stored_iso does) instead of a call per value."""
    present = [value for value in values if value is not None]
    try:
        joined = "\x00".join(present) + "\x00"
    except TypeError:  # datetimes (PostgreSQL), or anything else: one at a time
        return list(map(stored_iso, values))
    if joined.translate(_DIGITS_AS_ZERO) != (_USUAL_SHAPE + "\x00") * len(present):
        return list(map(stored_iso, values))
    set(map(_from_iso, set(present)))  # raises for a text that is no date or time (month 13, hour 25)
    # isoformat leaves out a zero fraction and names the zone
    isos = joined.replace(" ", "T").replace(".000000\x00", "\x00").replace("\x00", "+00:00\x00").split("\x00")
    if len(present) == len(values):
        return isos[:-1]
    given = iter(isos)
    return [None if value is None else next(given) for value in values]


# a column selected as the driver hands it back (a UtcDateTime's for utc_instant or stored_iso to read)
STORED = sa.types.NullType()


def utc_column(*, nullable: bool = True, index: bool = False) -> sa.Column:
    return sa.Column(UtcDateTime(), nullable=nullable, index=index)


def sqlite_text(value: datetime) -> str:
    """The text SQLite stores for an instant, for raw-driver queries (the idle tick)."""
    return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table behind a table model, for Core statements (SQLModel does not declare `__table__`)."""
    return sa.inspect(model).local_table


class _Keyed(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: _Keyed) -> int:
    """The primary key of a row read from or flushed to the store (only a row never flushed has none)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} row has no id: it was never flushed")
    return row.id
