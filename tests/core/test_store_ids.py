"""Ids are never given again (SQLite AUTOINCREMENT, PostgreSQL sequences), and migration 0003 keeps every row and id."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from amx_core.models import Run, Suggestion
from amx_core.services import profiles, schedules
from amx_core.services.schedules import ScheduleInput
from amx_core.store import open_store
from amx_core.store.engine import create_engine_for
from amx_core.store.migrate import check_and_upgrade, current_revision, head_revision

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _schedule(store, name: str) -> int:
    inp = ScheduleInput(name=name, at="2026-03-02 11:00", tz="UTC", db_profile="db1", llm_profile="llm1")
    return schedules.create_schedule(store, inp, now=NOW, verify=False).id


def _run(store) -> int:
    with store.session() as s:
        row = Run(schedule_id=None, reason="run-now", started_at=NOW)
        s.add(row)
        s.flush()
        return row.id


def _suggestion(store, run_id: int) -> int:
    with store.session() as s:
        row = Suggestion(run_id=run_id, db_profile_id=1, target="main.t", proposed="x", created_at=NOW, updated_at=NOW)
        s.add(row)
        s.flush()
        return row.id


def _delete(store, model, row_id: int) -> None:
    with store.session() as s:
        s.delete(s.get(model, row_id))


def test_deleting_the_highest_id_never_hands_it_out_again(any_store):
    store = any_store
    db = [profiles.add_db_profile(store, name=f"db{i}", url=f"sqlite:///db{i}.sqlite").id for i in (1, 2)]
    llm = [profiles.add_llm_profile(store, name=f"llm{i}", provider="heuristic").id for i in (1, 2)]
    profiles.remove_db_profile(store, "db2")
    profiles.remove_llm_profile(store, "llm2")
    assert profiles.add_db_profile(store, name="db3", url="sqlite:///db3.sqlite").id > db[1]
    assert profiles.add_llm_profile(store, name="llm3", provider="heuristic").id > llm[1]

    first, second = _schedule(store, "one"), _schedule(store, "two")
    schedules.delete_schedule(store, second)
    assert _schedule(store, "three") > second > first

    runs = [_run(store), _run(store)]
    _delete(store, Run, runs[1])
    assert _run(store) > runs[1]

    ids = [_suggestion(store, runs[0]), _suggestion(store, runs[0])]
    _delete(store, Suggestion, ids[1])
    assert _suggestion(store, runs[0]) > ids[1]


# Tables as migration 0002 left them, with every table filled: two rows each, ids 7 and 9, every
# integer column holding the row's id (so foreign keys hold), text columns unique per row.
def _value(column, row_id: int):
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return row_id == 7
    if isinstance(kind, sa.Integer):
        return row_id
    if isinstance(kind, sa.Float):
        return row_id + 0.5
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, row_id, 3, 4, 5)
    return f"v{row_id}"


def _dump(conn, tables) -> dict[str, list[tuple]]:
    return {t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(t.c.id))] for t in tables}


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_url(request, amx_home):
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    amx_home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{amx_home / 'amx.db'}"


# 0004-0005 were written beside 0003: a store at 0005 still gets 0003
@pytest.mark.parametrize("start", ["0002", "0005"])
def test_upgrade_keeps_every_row_and_id(blank_url, start):
    engine = create_engine_for(blank_url)
    check_and_upgrade(engine, target=start)
    meta = sa.MetaData()
    meta.reflect(engine)
    tables = [t for t in meta.sorted_tables if t.name != "alembic_version"]
    assert len(tables) == 15
    with engine.begin() as conn:
        for table in tables:
            for row_id in (7, 9):
                conn.execute(sa.insert(table).values({c.name: _value(c, row_id) for c in table.columns}))
        before = _dump(conn, tables)
    check_and_upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert _dump(conn, tables) == before  # the columns the store had, of every row, ids included
        marks = conn.execute(sa.text("SELECT fingerprint, reviewed FROM written_mark")).all()
        assert [tuple(m) for m in marks] == [(None, False), (None, False)]
        assert conn.execute(sa.text("SELECT skipped_pending FROM run")).scalars().all() == [0, 0]
        assert len(conn.execute(sa.text("SELECT with_statistics, settle_minutes FROM schedule")).all()) == 2
        if engine.dialect.name == "sqlite":
            sql = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = 'schedule'")).scalar_one()
            assert "AUTOINCREMENT" in sql
    engine.dispose()


def test_upgrade_starts_sqlite_ids_past_every_id_still_referred_to(amx_home):
    """A schedule deleted before the upgrade left runs behind: its id is not handed to a new schedule."""
    amx_home.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{amx_home / 'amx.db'}"
    engine = create_engine_for(url)
    check_and_upgrade(engine, target="0002")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO run (id, schedule_id, kind, reason, status, attempt, started_at, tables_planned, "
                "tables_done, columns_planned, columns_described, columns_applied, columns_queued, columns_failed, "
                "tokens_in, tokens_out, log) VALUES (4, 12, 'analyze', 'time', 'completed', 1, :t, 0, 0, 0, 0, 0, 0,"
                " 0, 0, 0, '')"
            ),
            {"t": datetime(2026, 1, 1)},
        )
    engine.dispose()
    store = open_store(url)
    profiles.add_db_profile(store, name="db1", url="sqlite:///db1.sqlite")
    profiles.add_llm_profile(store, name="llm1", provider="heuristic")
    assert _schedule(store, "after the upgrade") == 13
    assert _run(store) == 5
