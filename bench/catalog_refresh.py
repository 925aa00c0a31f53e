"""Catalog refresh on a generated PostgreSQL schema of 2,000 tables x 50 columns, against a bare inspector pass.

Prints medians and ratios measured in the same run (never asserted):
- full refresh (empty cache) / bare `inspector.get_multi_columns()`      target <= 1.5
- unchanged check (cache warm, nothing changed) / bare                   target <= 0.2
- one changed table / bare, and listing a page of the 2,000 tables from the cache (ms; target well under 100).

Needs PostgreSQL (AMX_BENCH_PG, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres);
creates and drops its own database and uses a private AMX_HOME.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from functools import partial

ADMIN_URL = os.environ.get("AMX_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TABLES, COLUMNS, REPEATS = 2000, 50, 5

GENERATE = """
DO $$
DECLARE cols text;
BEGIN
  SELECT string_agg(
           format('c%s %s', j, (ARRAY['integer', 'varchar(40)', 'numeric(10,2)', 'timestamp', 'text'])[1 + j % 5]),
           ', ')
    INTO cols FROM generate_series(2, {columns}) AS j;
  FOR i IN 1..{tables} LOOP
    EXECUTE format('CREATE TABLE t%s (id integer PRIMARY KEY, %s)', i, cols);
  END LOOP;
END $$;
"""


def _median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _timed(fn) -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds): CPU is the steadier figure on a loaded machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    os.environ["AMX_HOME"] = tempfile.mkdtemp(prefix="amx-bench-")
    os.environ.pop("AMX_STORE_URL", None)
    import psycopg
    import sqlalchemy as sa

    from amx_core.catalog.listing import list_children
    from amx_core.catalog.refresh import refresh_catalog
    from amx_core.services.profiles import add_db_profile
    from amx_core.store import open_store  # noqa: E402 - after AMX_HOME is set

    admin = sa.engine.make_url(ADMIN_URL)
    name = f"amx_bench_{uuid.uuid4().hex[:10]}"
    url = admin.set(database=name).render_as_string(hide_password=False)
    conninfo = dict(host=admin.host, port=admin.port or 5432, user=admin.username, password=admin.password)
    try:
        with psycopg.connect(**conninfo, dbname=admin.database, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable at {admin.render_as_string()}: {exc}", file=sys.stderr)
        return 1
    try:
        started = time.perf_counter()
        with psycopg.connect(**conninfo, dbname=name) as conn:
            conn.execute(GENERATE.format(tables=TABLES, columns=COLUMNS))
        print(f"generated {TABLES} tables x {COLUMNS} columns in {time.perf_counter() - started:.1f}s")

        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)

        def bare() -> None:
            with engine.connect() as conn:
                assert len(sa.inspect(conn).get_multi_columns(schema="public")) == TABLES

        home = os.environ["AMX_HOME"]
        bare_times, full_times, unchanged_times = [], [], []
        bare()  # warm the server's catalog caches once for both sides
        profile = "bench"
        for repeat in range(REPEATS):  # interleaved, so load changes hit both sides alike
            bare_times.append(_timed(bare))
            store = open_store(f"sqlite:///{home}/amx-{repeat}.db")  # an empty cache each time
            add_db_profile(store, name=profile, url=url)
            full_times.append(_timed(partial(refresh_catalog, store, profile)))
            unchanged_times.append(_timed(partial(refresh_catalog, store, profile)))
        report = refresh_catalog(store, profile)
        assert (report.tables, report.columns, report.reflected, report.changes) == (TABLES, TABLES * COLUMNS, 0, ())

        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE t1000 ADD COLUMN extra integer")
        started = time.perf_counter()
        changed = refresh_catalog(store, profile)
        one_changed = time.perf_counter() - started
        assert [(c.kind, c.path) for c in changed.changes] == [("column_added", "public.t1000.extra")]

        first_page = _median_time(lambda: list_children(store, profile, None, ("public",), limit=200), 20)
        deep_page = _median_time(lambda: list_children(store, profile, None, ("public",), offset=1800, limit=200), 20)
        engine.dispose()
    finally:
        with psycopg.connect(**conninfo, dbname=admin.database, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def medians(pairs):
        return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)

    (bare_s, bare_cpu), (full_s, full_cpu), (unchanged_s, unchanged_cpu) = map(
        medians, (bare_times, full_times, unchanged_times)
    )
    rows = [
        ("bare inspector.get_multi_columns()", bare_s, 1.0, 1.0, None),
        ("full refresh (empty cache)", full_s, full_s / bare_s, full_cpu / bare_cpu, 1.5),
        ("unchanged check", unchanged_s, unchanged_s / bare_s, unchanged_cpu / bare_cpu, 0.2),
        ("one table changed", one_changed, one_changed / bare_s, None, None),
    ]
    print(f"\n{'':38}{'median s':>10}{'x bare':>9}{'CPU x bare':>12}  target (wall)")
    for label, seconds, ratio, cpu_ratio, target in rows:
        verdict = "" if target is None else f"<= {target}  {'ok' if ratio <= target else 'MISSED'}"
        cpu = f"{cpu_ratio:12.2f}" if cpu_ratio is not None else " " * 12
        print(f"{label:38}{seconds:10.3f}{ratio:9.2f}{cpu}  {verdict}")
    print(
        f"\nlist 200 of {TABLES} tables from the cache: "
        f"first page {first_page * 1000:.1f} ms, offset 1800 {deep_page * 1000:.1f} ms"
    )
    print(f"(repeats {REPEATS}, interleaved; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
