"""The plain-row listing: the views the ORM path gave, in order, streamed in batches on SQLite and PostgreSQL; its
`--json` fields, whose instants are written from the store's text, are the views' JSON."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from listing_support import listed_views, varied_schedules
from tick_support import add_schedule, bulk_schedules, profiles, utc

from amx_core.models.base import stored_iso, stored_isos, utc_instant
from amx_core.schedule.views import AS_ISO_TEXT
from amx_core.services import schedule_listing
from amx_core.services.schedule_listing import iter_schedule_fields, iter_schedules
from amx_core.services.schedules import get_schedule, list_schedules
from amx_core.views import SCHEDULE_JSON

T = utc(2027, 3, 1, 9, 0)


def test_listing_streams_in_batches_in_fire_order_with_the_views_get_gives(any_store, monkeypatch):
    profiles(any_store)
    monkeypatch.setattr(schedule_listing, "BATCH_ROWS", 3)
    bulk_schedules(any_store, 5, T + timedelta(days=2), prefix="later")
    soon = add_schedule(any_store, "soon", T + timedelta(hours=1), cadence="0 * * * *", tz="Europe/Berlin")
    unscheduled = add_schedule(any_store, "on change", None)
    listed = list(iter_schedules(any_store))
    assert [v.name for v in listed] == ["soon", *(f"later{i:05d}" for i in range(5)), "on change"]
    assert listed[0] == get_schedule(any_store, soon) and listed[-1] == get_schedule(any_store, unscheduled)
    assert listed[0].next_fire_local is not None and listed[0].next_fire_local.utcoffset() == timedelta(hours=1)
    assert list_schedules(any_store, statuses=("pending",)) == [v for v in listed if v.status == "pending"]


def test_a_listing_left_unfinished_closes_its_read(store):
    profiles(store)
    bulk_schedules(store, 3, T)
    listing = iter_schedules(store)
    assert next(listing).name == "s00000"
    listing.close()  # the session's block exits: nothing stays open
    assert [v.name for v in iter_schedules(store)] == ["s00000", "s00001", "s00002"]


def test_varied_schedules_list_as_get_gives_them_and_their_json_fields_are_the_views_json(any_store):
    views = listed_views(any_store, varied_schedules(any_store))
    assert list(iter_schedules(any_store)) == views

    def json_records(**filters):
        batches = iter_schedule_fields(any_store, SCHEDULE_JSON, form=AS_ISO_TEXT, **filters)
        return [
            dict(zip(SCHEDULE_JSON, row, strict=True)) for batch in batches for row in zip(*batch.values(), strict=True)
        ]

    fields = json_records()
    assert [{**record, "scope": list(record["scope"])} for record in fields] == [v.to_json() for v in views]
    assert json_records(statuses=("failed",)) == [r for r in fields if r["status"] == "failed"]


def test_the_listing_reads_rows_in_order_from_its_index_without_sorting_them(store):
    """Migration 0008's index serves the listing's whole ORDER BY on SQLite: no sort holding every row first."""
    import sqlalchemy as sa

    stmt = schedule_listing._listing_select((), (), SCHEDULE_JSON)
    sql = str(stmt.compile(store.engine, compile_kwargs={"literal_binds": True}))
    with store.engine.connect() as conn:
        plan = " / ".join(row[-1] for row in conn.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_schedule_listing" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize(
    "fields",
    [("next_fire_local", "name"), ("scope_summary", "settle_minutes", "llm_profile", "created_at"), ("id",)],
)
def test_a_listing_of_a_few_fields_reads_only_those_and_gives_the_views_values(any_store, monkeypatch, fields):
    views = listed_views(any_store, varied_schedules(any_store))
    monkeypatch.setattr(schedule_listing, "BATCH_ROWS", 4)
    batches = list(iter_schedule_fields(any_store, fields))
    assert all(list(batch) == list(fields) for batch in batches)
    rows = [values for batch in batches for values in zip(*batch.values(), strict=True)]
    assert rows == [tuple(getattr(view, name) for name in fields) for view in views]
    read = schedule_listing._listing_select((), (), fields).selected_columns.keys()
    assert "version" not in read and "cadence" not in read


@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)))
def test_an_instant_from_sqlite_text_has_the_text_its_datetime_has(naive):
    text = naive.isoformat(sep=" ", timespec="microseconds")  # what SQLite keeps: 2027-03-01 09:00:00.000000
    assert stored_iso(text) == utc_instant(text).isoformat()


@pytest.mark.parametrize(
    "stored",
    [
        "2027-03-01 09:00:00",
        "2027-03-01T09:00:00.000001",
        "2027-W09-1 09:00:00.000000",
        "2027-03-01 09:00:00.000+01",
        "2027-03-01 09:00:00,250000",
        utc(2027, 3, 1, 9, 0),
        datetime(2027, 3, 1, 9, 0, 0, 5),
        datetime(2027, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=-3))),
        None,
    ],
)
def test_an_instant_in_any_other_form_has_the_text_its_datetime_has(stored):
    instant = utc_instant(stored)
    assert stored_iso(stored) == (None if instant is None else instant.isoformat())


def test_a_stored_text_that_is_no_instant_is_refused_either_way():
    for bad in ("2027-13-01 09:00:00.000000", "2027-03-01 09:00:00.00000x"):
        with pytest.raises(ValueError):
            utc_instant(bad)
        with pytest.raises(ValueError):
            stored_iso(bad)


_sqlite_texts = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
    lambda naive: naive.isoformat(sep=" ", timespec="microseconds")
)
_other_stored = st.sampled_from(["2027-03-01 09:00:00", "2027-03-01 09:00:00.000+01", utc(2027, 3, 1, 9, 0)])


@given(st.lists(st.none() | _sqlite_texts | _sqlite_texts.map(lambda text: text[:20] + "000000"), max_size=40))
def test_a_column_of_sqlite_text_has_the_texts_each_value_has(column):
    assert list(stored_isos(column)) == [stored_iso(value) for value in column]


@given(st.lists(st.none() | _sqlite_texts, max_size=10), _other_stored, st.integers(0, 10))
def test_a_column_holding_another_form_has_the_texts_each_value_has(column, other, at):
    column.insert(min(at, len(column)), other)
    assert list(stored_isos(column)) == [stored_iso(value) for value in column]


def test_a_column_holding_a_text_that_is_no_instant_is_refused():
    for bad in ("2027-13-01 09:00:00.000000", "2027-03-01 25:00:00.000000", "2027-03-01 09:00:00.00000x"):
        with pytest.raises(ValueError):
            stored_isos(["2027-03-01 09:00:00.000000", None, bad])
