"""Change triggers over `amx-tick --now` passes with real ALTER TABLEs (docs/ARCHITECTURE.md §5.9).

One analyze schedule (heuristic LLM, manual review) watches Chinook on SQLite, PostgreSQL or
MariaDB, with a 6-hour cap and the default 15-minute settle. The clock walks through:

- a quiet day: no change, no fire;
- three ALTERs within 10 minutes: one fire, `settle` after the poll first saw them;
- an ALTER just before the tick that fires: that very run covers it, no second fire;
- an ALTER an hour after the fire: it waits for last fire + 6 h;

and each change run plans only the tables its change events name. The store is SQLite for all
three targets and PostgreSQL for the SQLite target.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from chinook import ChinookDb
from tick_support import utc

from amx_core.services.profiles import add_db_profile, add_llm_profile
from amx_core.services.runs import list_runs
from amx_core.services.schedules import ScheduleInput, create_schedule, get_schedule
from amx_core.tick.entry import main as tick_main

DAY0 = utc(2027, 3, 1, 0, 0)
DAY1 = DAY0 + timedelta(days=1)
M = timedelta(minutes=1)
H = timedelta(hours=1)

pytestmark = pytest.mark.slow


class Walk:
    """Ticks `amx-tick --now` in-process, applying the DDL planned for each instant just before its tick."""

    def __init__(self, capsys, db: ChinookDb) -> None:
        self.capsys, self.db = capsys, db
        self.ddl: dict = {}
        self.fired_at: list = []

    def tick(self, now) -> dict:
        for statement in self.ddl.pop(now, ()):
            statement()
        assert tick_main(["--now", now.isoformat(), "--json"]) == 0
        report = json.loads(self.capsys.readouterr().out)
        assert report["errors"] == [], report
        if report["fired"]:
            self.fired_at.append(now)
        return report

    def walk(self, start, end, step) -> None:
        now = start
        while now <= end:
            self.tick(now)
            now += step


def _watch(store, db: ChinookDb) -> int:
    add_db_profile(store, name="chinook", url=db.url)
    add_llm_profile(store, name="offline", provider="heuristic")
    view = create_schedule(
        store,
        ScheduleInput(name="on change", trigger="change", cap_hours=6, db_profile="chinook", llm_profile="offline"),
        now=DAY0,
    )
    assert view.settle_minutes == 15
    return view.id


def _change_runs(store, sid) -> list[tuple]:
    runs = sorted(list_runs(store, schedule_id=sid), key=lambda r: r.id)
    return [(r.reason, r.status, r.occurrence_utc, r.tables_planned) for r in runs]


def _walk_the_week(store, db: ChinookDb, capsys) -> None:
    sid = _watch(store, db)
    walk = Walk(capsys, db)

    walk.walk(DAY0, DAY1, 3 * H)  # a quiet day (the first poll is the baseline)
    assert walk.fired_at == [] and _change_runs(store, sid) == []
    assert get_schedule(store, sid).next_fire_utc is None

    walk.ddl = {
        DAY1 + 5 * M: [lambda: db.add_column("artist", "country", "TEXT")],
        DAY1 + 10 * M: [lambda: db.add_column("genre", "origin", "TEXT")],
        DAY1 + 15 * M: [lambda: db.add_column("artist", "region", "TEXT")],  # three within 10 minutes
        DAY1 + 35 * M: [lambda: db.add_column("album", "label", "TEXT")],  # caught by the tick that fires
        DAY1 + 95 * M: [lambda: db.add_column("media_type", "note", "TEXT")],  # an hour after the fire
    }
    walk.walk(DAY1 + 5 * M, DAY1 + 25 * M, 5 * M)
    seen = DAY1 + 15 * M  # the poll due at 00:15 saw all three
    fire = seen + 15 * M
    assert walk.fired_at == [] and get_schedule(store, sid).next_fire_utc == fire

    walk.walk(DAY1 + 35 * M, DAY1 + 9 * H, 30 * M)  # the first tick at or after 00:30 is 00:35
    assert walk.fired_at == [fire + 5 * M, fire + 6 * H + 5 * M]  # one fire per throttle window, none for nothing
    assert _change_runs(store, sid) == [
        ("change", "completed", fire, 3),  # artist, genre and album (seen in its own tick): nothing else
        ("change", "completed", fire + 6 * H, 1),  # media_type: last fire + cap
    ]
    view = get_schedule(store, sid)
    assert (view.status, view.next_fire_utc, view.last_fire_utc) == ("pending", None, fire + 6 * H)


@pytest.mark.parametrize("target", ["chinook_sqlite", "chinook_pg", "chinook_mysql"])
def test_change_throttle_on_each_target(request, target, store, capsys):
    dialect = {"chinook_sqlite": "sqlite", "chinook_pg": "postgresql", "chinook_mysql": "mariadb"}[target]
    _walk_the_week(store, ChinookDb(dialect, request.getfixturevalue(target)), capsys)


@pytest.mark.postgres
def test_change_throttle_with_a_postgresql_store(pg_store, chinook_sqlite, capsys):
    _walk_the_week(pg_store, ChinookDb("sqlite", chinook_sqlite), capsys)
