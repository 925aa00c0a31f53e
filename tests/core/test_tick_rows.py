"""The tick's row dataclasses mirror the tables they are read from: a new column must be placed in them."""

from __future__ import annotations

from dataclasses import fields

from amx_core.models import Run, Schedule
from amx_core.tick.rows import LatestRun, ScheduleState


def test_schedule_state_has_every_schedule_column_in_table_order():
    assert [f.name for f in fields(ScheduleState)] == [c.name for c in Schedule.__table__.columns]


def test_latest_run_fields_are_run_columns():
    assert {f.name for f in fields(LatestRun)} <= {c.name for c in Run.__table__.columns}
