"""DuckDB as a target engine: write-back reads back exactly, analyze runs write comments, a change fires a
schedule through `amx-tick --now`, a file another process holds is a transient failure, profiling samples."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from analyze_support import HOSTILE, add_profiles, make_schedule, start_run
from chinook import COLUMN_COUNT, TABLE_COUNT, ChinookDb

from amx_core.analyze.apply import Destination, PlannedWrite, write_table
from amx_core.analyze.executor import AnalyzeOptions, make_analyzer, run_analyze
from amx_core.analyze.profiling import ProfileSettings, profile_table
from amx_core.catalog.connect import CatalogConnectError
from amx_core.catalog.refresh import refresh_catalog
from amx_core.engines.duckdb import BUSY
from amx_core.engines.registry import engine_for
from amx_core.execution.context import TransientError
from amx_core.llm.client import RetryPolicy
from amx_core.llm.registry import Wiring
from amx_core.scope.targets import Target
from amx_core.services.profiles import add_db_profile
from amx_core.services.review import list_suggestions
from amx_core.services.schedules import ScheduleInput, create_schedule

BIN = Path(sys.executable).parent
DUCKDB = engine_for("duckdb")
TABLE = ("sales.eu", 'order"items')
SETUP = [
    'CREATE SCHEMA "sales.eu"',
    'CREATE TABLE "sales.eu"."order""items" (id INTEGER PRIMARY KEY, "note;--" VARCHAR, qty INTEGER)',
    'CREATE VIEW "sales.eu".big_orders AS SELECT id, qty FROM "sales.eu"."order""items" WHERE qty > 10',
    "CREATE TABLE canary (id INTEGER)",
    "INSERT INTO canary VALUES (1)",
]


def _make(path: Path, statements) -> str:
    conn = duckdb.connect(str(path))
    for statement in statements:
        conn.execute(statement)
    conn.close()
    return f"duckdb:///{path}"


def _comments(url: str) -> dict[str, str | None]:
    """`schema.table` and `schema.table.column` -> comment, read on a fresh read-only connection."""
    conn = duckdb.connect(sa.engine.make_url(url).database, read_only=True)
    try:
        tables = conn.execute("SELECT schema_name, table_name, comment FROM duckdb_tables()").fetchall()
        views = conn.execute("SELECT schema_name, view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall()
        columns = conn.execute("SELECT schema_name, table_name, column_name, comment FROM duckdb_columns()").fetchall()
    finally:
        conn.close()
    found = {f"{s}.{t}": c for s, t, c in tables + views}
    found.update({f"{s}.{t}.{c}": text for s, t, c, text in columns})
    return found


@pytest.fixture
def dest(tmp_path):
    url = _make(tmp_path / "w.duckdb", SETUP)
    engine = DUCKDB.open(url)
    yield Destination(store=None, profile_id=0, profile="t", database="", dialect="duckdb", engine=engine), url
    engine.dispose()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_round_trips_with_one_statement_each(dest, name):
    destination, url = dest
    text = HOSTILE[name]
    outcomes = write_table(
        destination,
        [PlannedWrite(1, Target(*TABLE), None, text), PlannedWrite(2, Target(*TABLE, "note;--"), None, text)],
    )
    assert [o.state for o in outcomes] == ["applied", "applied"], outcomes
    expected = text.replace("\x00", "")
    comments = _comments(url)
    assert comments['sales.eu.order"items'] == expected and comments['sales.eu.order"items.note;--'] == expected
    assert all(o.written == expected and o.sql.count("COMMENT ON") == 1 for o in outcomes)
    assert outcomes[0].sql.startswith('COMMENT ON TABLE "sales.eu"."order""items" IS ')
    conn = duckdb.connect(sa.engine.make_url(url).database, read_only=True)
    assert conn.execute("SELECT count(*) FROM canary").fetchone() == (1,)
    conn.close()


def test_views_take_view_comments_and_stale_text_is_kept(dest):
    destination, url = dest
    view = ("sales.eu", "big_orders")
    out = write_table(
        destination,
        [PlannedWrite(1, Target(*view), None, "Big orders."), PlannedWrite(2, Target(*view, "qty"), None, "Items.")],
    )
    assert [o.state for o in out] == ["applied", "applied"] and out[0].sql.startswith("COMMENT ON VIEW")
    stale, missing, fresh = write_table(
        destination,
        [
            PlannedWrite(3, Target(*TABLE, "qty"), "someone else's", "AMX text"),
            PlannedWrite(4, Target(*TABLE, "gone"), None, "x"),
            PlannedWrite(5, Target(*TABLE, "id"), None, "Line number."),
        ],
    )
    assert (stale.state, missing.state, fresh.state) == ("stale", "apply_failed", "applied")
    comments = _comments(url)
    assert comments["sales.eu.big_orders.qty"] == "Items." and comments['sales.eu.order"items.id'] == "Line number."
    assert comments['sales.eu.order"items.qty'] is None


def _tick(amx_home, now: str) -> dict:
    env = {**os.environ, "AMX_HOME": str(amx_home)}
    env.pop("AMX_STORE_URL", None)
    done = subprocess.run(
        [str(BIN / "amx-tick"), "--now", now, "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_heuristic_auto_run_writes_comments_that_read_back(store, chinook_duckdb):
    add_profiles(store, chinook_duckdb, concurrency=3)
    handle = start_run(store, make_schedule(store, review="auto"))
    outcome = run_analyze(handle.ctx)
    assert outcome.ok, outcome
    counts = handle.sink.counts
    assert (counts["tables_planned"], counts["columns_planned"]) == (TABLE_COUNT, COLUMN_COUNT)
    applied = [s for s in list_suggestions(store, run_id=handle.run_id) if s.state == "auto_applied"]
    assert len(applied) == TABLE_COUNT + COLUMN_COUNT  # profiling (read-only) and writing shared the file in turn
    assert not [line for line in handle.sink.lines if "skipped" in line or "failed" in line]
    comments = _comments(chinook_duckdb)
    assert all(comments[s.target] == s.proposed for s in applied)
    assert "track" in comments["main.track"]


def test_llm_run_through_the_loopback_server_writes_comments_that_read_back(store, chinook_duckdb, llm_server):
    from llm_server import auto_openai

    add_profiles(store, chinook_duckdb, llm="openai", base_url=llm_server.url, concurrency=2)
    llm_server.respond("/chat/completions", auto_openai())
    options = AnalyzeOptions(wiring=Wiring(retry=RetryPolicy(attempts=1)))
    handle = start_run(store, make_schedule(store, scope=["main.artist", "main.album"], review="auto"))
    outcome = make_analyzer(options)(handle.ctx)
    assert outcome.ok, outcome
    applied = [s for s in list_suggestions(store, run_id=handle.run_id) if s.state == "auto_applied"]
    assert {s.target for s in applied} >= {"main.artist.name", "main.album.title"}
    comments = _comments(chinook_duckdb)
    assert all(comments[s.target] == s.proposed for s in applied) and len(llm_server.requests) == 2


def test_a_schema_change_fires_a_change_schedule_through_amx_tick(store, amx_home, chinook_duckdb):
    t0 = datetime(2031, 5, 1, 8, 0, tzinfo=UTC)
    add_db_profile(store, name="db", url=chinook_duckdb)
    schedule = create_schedule(
        store,
        ScheduleInput(
            name="watch", trigger="change", cap_hours=0.1, db_profile="db", kind="cache_refresh", scope=["main"]
        ),
        now=t0,
    )
    assert _tick(amx_home, t0.isoformat())["fired"] == []  # the first look is a baseline
    ChinookDb("duckdb", chinook_duckdb).add_column("artist", "country", "VARCHAR")
    fired = []
    for minutes in (16, 23, 40):  # seen at +16 min, fired 6 minutes (the cap) later, once
        fired += _tick(amx_home, (t0 + timedelta(minutes=minutes)).isoformat())["fired"]
    assert fired == [schedule.id]


def test_a_file_another_process_holds_is_a_clear_transient_failure(store, chinook_duckdb, cli_call):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()",
            sa.engine.make_url(chinook_duckdb).database,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        add_profiles(store, chinook_duckdb)
        with pytest.raises(CatalogConnectError) as caught:
            refresh_catalog(store, "db")
        assert caught.value.transient and BUSY in caught.value.message
        handle = start_run(store, make_schedule(store, review="auto"))
        with pytest.raises(TransientError, match="in use"):
            run_analyze(handle.ctx)
        result = cli_call("catalog", "refresh", "db", code=1)
        assert "Traceback" not in result.output and BUSY in result.output
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert refresh_catalog(store, "db").tables == TABLE_COUNT  # free again: the next try works


def test_profiling_copes_with_duckdb_types_and_samples_large_tables(tmp_path):
    url = _make(
        tmp_path / "p.duckdb",
        [
            "CREATE TYPE mood AS ENUM ('sad', 'ok')",
            "CREATE TABLE t (id INTEGER, tags VARCHAR[], m MAP(VARCHAR, INTEGER), s STRUCT(x INTEGER, y VARCHAR),"
            " u UNION(n INTEGER, w VARCHAR), e mood, j JSON, b BLOB, iv INTERVAL, h HUGEINT, uu UUID, bits BIT,"
            " ts TIMESTAMPTZ, d DECIMAL(10,2), arr INTEGER[2], password VARCHAR, first_name VARCHAR)",
            "INSERT INTO t SELECT i, ['a', 'b'], MAP {'k': i}, {'x': i, 'y': 'v'}, i::INTEGER, 'ok', '{\"a\": 1}',"
            " 'xy'::BLOB, INTERVAL 1 DAY * i, i, uuid(), '101'::BIT, now(), i / 3, [i, i], 'hunter2', 'Mary'"
            " FROM range(5000) r(i)",
            'CREATE VIEW "a view" AS SELECT id, tags FROM t',
        ],
    )
    engine = DUCKDB.open(url, read_only=True)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    columns = [
        (n, t)
        for n, t in [
            ("id", "INTEGER"),
            ("tags", "VARCHAR[]"),
            ("m", "MAP(VARCHAR, INTEGER)"),
            ("s", "STRUCT(x INTEGER, y VARCHAR)"),
            ("u", "UNION(n INTEGER, w VARCHAR)"),
            ("e", "ENUM('sad', 'ok')"),
            ("j", "JSON"),
            ("b", "BLOB"),
            ("iv", "INTERVAL"),
            ("h", "HUGEINT"),
            ("uu", "UUID"),
            ("bits", "BIT"),
            ("ts", "TIMESTAMP WITH TIME ZONE"),
            ("d", "DECIMAL(10,2)"),
            ("arr", "INTEGER[2]"),
            ("password", "VARCHAR"),
            ("first_name", "VARCHAR"),
        ]
    ]
    with engine.connect() as conn:
        profile = profile_table(conn, "main", "t", columns, ProfileSettings(sample_rows=200))
        view = profile_table(conn, "main", "a view", columns[:2], ProfileSettings(sample_rows=200))
    engine.dispose()
    assert profile.notes == () and profile.withheld == {"password": "secret"}
    stats = profile.stats
    assert set(stats) == {n for n, _t in columns} - {"password"}
    assert all(s["sample_rows"] == 200 for s in stats.values())
    table_sample, view_sample = [s for s in statements if '"main"."t"' in s or '"main"."a view"' in s]
    assert "USING SAMPLE reservoir(200 ROWS)" in table_sample and "USING SAMPLE" not in view_sample
    assert stats["e"]["top_values"] == ["ok"] and stats["bits"]["top_values"] == ["101"]
    assert stats["b"] == {"sample_rows": 200, "null_ratio": 0.0} and "min" not in stats["m"]
    assert stats["first_name"]["personal"] == "person_name" and stats["id"]["distinct_capped"]
    assert view.stats["tags"]["distinct_count"] == 1


def test_cli_adds_a_duckdb_profile_and_lists_its_single_database(cli_call, chinook_duckdb):
    added = json.loads(cli_call("profile", "db", "add", "duck", "--url", chinook_duckdb, "--json").stdout)
    assert (added["dialect"], added["single_database"], added["engine"]) == ("duckdb", True, "DuckDB")
    refreshed = json.loads(cli_call("catalog", "refresh", "duck", "--json").stdout)
    assert (refreshed["database"], refreshed["tables"]) == ("", TABLE_COUNT)
    bad = cli_call("catalog", "refresh", "duck", "--database", "other", code=2)
    assert "a DuckDB profile has one database" in bad.output
