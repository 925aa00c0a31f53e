"""The plain-row listing: the views the ORM path gave, in order, streamed in batches on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from tick_support import add_schedule, bulk_schedules, profiles, utc

from amx_core.services import schedule_listing
from amx_core.services.schedule_listing import iter_schedules
from amx_core.services.schedules import get_schedule, list_schedules

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
