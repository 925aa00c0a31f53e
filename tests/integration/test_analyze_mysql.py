"""An `auto` run on Chinook in MariaDB: comments land, and every table's definition is otherwise unchanged."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from analyze_support import add_profiles, make_schedule, start_run
from chinook import COLUMN_COUNT, TABLE_COUNT

from amx_core.analyze.executor import run_analyze
from amx_core.analyze.local_comments import read_local
from amx_core.engines.mysql_comments import without_comments
from amx_core.services.review import list_suggestions

pytestmark = pytest.mark.mariadb


def _definitions(engine) -> dict[str, str]:
    with engine.connect() as conn:
        names = [r[0] for r in conn.exec_driver_sql("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")]
        return {n: conn.exec_driver_sql(f"SHOW CREATE TABLE `{n}`").one()[1] for n in names}


def test_auto_run_writes_comments_and_nothing_else(store, chinook_mysql):  # noqa: F811
    engine = sa.create_engine(chinook_mysql + "?charset=utf8mb4")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE VIEW album_titles AS SELECT AlbumId, Title FROM Album")
    before = _definitions(engine)
    add_profiles(store, chinook_mysql)
    handle = start_run(store, make_schedule(store, review="auto"))
    outcome = run_analyze(handle.ctx)
    assert outcome.ok, outcome
    counts = handle.sink.counts
    assert counts["tables_planned"] == TABLE_COUNT + 1 and counts["columns_planned"] == COLUMN_COUNT + 2
    after = _definitions(engine)
    assert {n: without_comments(d) for n, d in after.items()} == {n: without_comments(d) for n, d in before.items()}
    schema = sa.engine.make_url(chinook_mysql).database
    views = {v.target: v for v in list_suggestions(store, run_id=handle.run_id)}
    with engine.connect() as conn:
        title = conn.execute(
            sa.text(
                "SELECT COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=:s "
                "AND TABLE_NAME='Album' AND COLUMN_NAME='Title'"
            ),
            {"s": schema},
        ).scalar()
    applied = views[f"{schema}.Album.Title"]
    assert applied.state == "auto_applied" and title == applied.proposed
    assert "ALGORITHM=INSTANT" in applied.applied_sql
    local = read_local(store, 1, schema)
    assert set(local) <= {f"{schema}.album_titles", f"{schema}.album_titles.AlbumId", f"{schema}.album_titles.Title"}
    assert local  # the view's descriptions live in the local catalog
    engine.dispose()
