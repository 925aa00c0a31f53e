"""The store: migrations on open, refusal of newer stores, private file modes, WAL."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from amx_core.errors import StoreError
from amx_core.store import open_store, reset_stores
from amx_core.store.engine import create_engine_for
from amx_core.store.migrate import check_and_upgrade, current_revision, head_revision


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_store_is_private_and_migrated(amx_home):
    store = open_store()
    db = amx_home / "amx.db"
    assert db.exists()
    assert _mode(db) == 0o600
    assert _mode(amx_home) == 0o700
    assert _mode(amx_home / "logs") == 0o700
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_upgrade_from_first_migration_keeps_rows(amx_home):
    url = f"sqlite:///{amx_home / 'amx.db'}"
    engine = create_engine_for(url)
    check_and_upgrade(engine, target="0001")
    assert current_revision(engine) == "0001"
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO db_profile"
                " (id, name, url, password_ref, default_database, sample_mode, created_at, updated_at)"
                " VALUES (1, 'shop', 'postgresql://amx@db/shop', 'env:PGPW', 'shop', 'masked', :t, :t)"
            ),
            {"t": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO llm_profile (id, name, provider, model, base_url, key_ref, temperature, max_concurrency,"
                " timeout_seconds, columns_per_request, created_at, updated_at)"
                " VALUES (1, 'h', 'heuristic', NULL, NULL, NULL, 0.2, 4, 60, 40, :t, :t)"
            ),
            {"t": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO schedule (id, name, kind, trigger, fire_at_utc, tz, cadence, cap_hours, db_profile_id,"
                " database, scope_json, llm_profile_id, review, missing_only, missed_policy, retry_max_attempts,"
                " retry_base_seconds, status, next_fire_utc, created_at, updated_at, version)"
                " VALUES (7, 'nightly', 'analyze', 'cron', :t, 'Europe/Berlin', '0 2 * * *', NULL, 1, 'shop',"
                " :scope, 1, 'manual', 1, 'ask', 3, 30, 'paused', :t, :t, :t, 4)"
            ),
            {"t": now, "scope": json.dumps(["public.users", '"my.schema".orders'])},
        )
    engine.dispose()

    store = open_store(url)
    assert current_revision(store.engine) == head_revision()
    from amx_core.services.schedules import get_schedule

    view = get_schedule(store, 7)
    assert view.name == "nightly"
    assert view.status == "paused"
    assert view.scope == ("public.users", '"my.schema".orders')
    assert view.db_profile == "shop" and view.llm_profile == "h"
    assert view.version == 4
    assert view.cadence == "0 2 * * *"
    assert view.with_statistics is False  # migration 0004: existing schedules state no statistics
    assert view.next_fire_utc == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    names = sa.inspect(store.engine).get_table_names()
    assert {"run", "occurrence", "missed_slot", "suggestion", "catalog_table"} <= set(names)


def test_store_newer_than_code_is_refused(amx_home):
    store = open_store()
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    reset_stores()
    with pytest.raises(StoreError) as info:
        open_store()
    assert "newer AMX" in str(info.value)
    assert "9999_future" in str(info.value)


def test_open_store_creates_no_engine_on_import():
    import subprocess
    import sys

    code = (
        "import amx_core, amx_core.store, amx_core.services.schedules, amx_core.config\n"
        "from amx_core.store import engine\n"
        "assert engine._stores == {}, engine._stores\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_same_service_on_postgres_store(pg_store):
    from amx_core.services.profiles import add_db_profile

    view = add_db_profile(pg_store, name="pg", url="postgresql://amx@localhost/x")
    assert view.name == "pg"
    assert current_revision(pg_store.engine) == head_revision()


def _rows_of_0002(conn, t) -> None:
    """A store as revision 0002 left it: profiles, a change schedule, a finished run, the heartbeat."""
    conn.execute(
        sa.text(
            "INSERT INTO db_profile (id, name, url, password_ref, default_database, sample_mode, created_at,"
            " updated_at) VALUES (1, 'shop', 'sqlite:///shop.db', NULL, NULL, 'masked', :t, :t)"
        ),
        {"t": t},
    )
    conn.execute(
        sa.text(
            "INSERT INTO llm_profile (id, name, provider, model, base_url, key_ref, temperature, max_concurrency,"
            " timeout_seconds, columns_per_request, created_at, updated_at)"
            " VALUES (1, 'h', 'heuristic', NULL, NULL, NULL, 0.2, 4, 60, 40, :t, :t)"
        ),
        {"t": t},
    )
    conn.execute(
        sa.text(
            'INSERT INTO schedule (id, name, kind, "trigger", fire_at_utc, tz, cadence, cap_hours, db_profile_id,'
            " database, scope_json, llm_profile_id, review, missing_only, missed_policy, retry_max_attempts,"
            " retry_base_seconds, status, next_fire_utc, last_fire_utc, created_at, updated_at, version,"
            " change_seen_utc) VALUES (3, 'watch', 'analyze', 'change', NULL, 'UTC', NULL, 6, 1, NULL, '[]', 1,"
            " 'manual', true, 'ask', 3, 30, 'pending', :t, :t, :t, :t, 2, :t)"
        ),
        {"t": t},
    )
    conn.execute(
        sa.text(
            "INSERT INTO run (id, schedule_id, schedule_name, kind, reason, status, occurrence_utc, attempt,"
            " started_at, ended_at, tables_planned, tables_done, columns_planned, columns_described, columns_applied,"
            " columns_queued, columns_failed, tokens_in, tokens_out, log)"
            " VALUES (9, 3, 'watch', 'analyze', 'change', 'completed', :t, 1, :t, :t, 2, 2, 5, 5, 0, 5, 0, 0, 0, '')"
        ),
        {"t": t},
    )
    conn.execute(
        sa.text(
            "INSERT INTO tick_heartbeat (id, last_tick_at, duration_ms, host, pid, last_fired)"
            " VALUES (1, :t, 3.0, 'h', 1, 0)"
        ),
        {"t": t},
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_from_0002_adds_run_control_and_keeps_rows_and_downgrades(request, amx_home, backend):
    url = f"sqlite:///{amx_home / 'amx.db'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = create_engine_for(url)
    check_and_upgrade(engine, target="0002")
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with engine.begin() as conn:
        _rows_of_0002(conn, at.replace(tzinfo=None) if backend == "sqlite" else at)
    check_and_upgrade(engine, target="0005")
    with engine.connect() as conn:
        schedule = conn.execute(sa.text("SELECT * FROM schedule")).mappings().one()
        run = conn.execute(sa.text("SELECT * FROM run")).mappings().one()
        beats = conn.execute(sa.text("SELECT id FROM tick_heartbeat")).scalars().all()
    assert (schedule["id"], schedule["name"], schedule["cap_hours"], schedule["version"]) == (3, "watch", 6, 2)
    assert (schedule["settle_minutes"], schedule["change_watermark"], schedule["prior_status"]) == (15, None, None)
    assert (run["id"], run["status"], run["tables_done"]) == (9, "completed", 2)
    assert (run["change_watermark"], run["cancel_requested_at"]) == (None, None)
    assert beats == [1]

    from alembic import command

    from amx_core.store.migrate import alembic_config

    command.downgrade(alembic_config(engine), "0002")  # reversible: the columns go, the rows stay
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("schedule")}
        assert "settle_minutes" not in columns and "change_seen_utc" in columns
        assert conn.execute(sa.text("SELECT count(*) FROM run")).scalar() == 1
        assert conn.execute(sa.text("SELECT name FROM schedule")).scalar() == "watch"
    engine.dispose()


def test_the_idle_tick_knows_every_migration_by_its_file_name():
    """The fast path tells a store from a newer AMX by its revision; it reads the ids from the files' names."""
    from alembic.script import ScriptDirectory

    from amx_core.store.migrate import alembic_config
    from amx_core.tick.fastpath import known_revisions

    revisions = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    assert known_revisions() == revisions


def test_known_head_is_the_head_of_the_migration_scripts():
    """A store at KNOWN_HEAD opens without alembic; a new migration must bump it or stores would not upgrade."""
    from amx_core.store.migrate import KNOWN_HEAD

    assert KNOWN_HEAD == head_revision()


# Opens the store named by AMX_HOME in a fresh interpreter and reports which of these got imported.
_OPEN_PROBE = """
import json, sys
{opener}
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {{'alembic', 'textual', 'rich'}})))
"""


def _imported_on_open(amx_home, opener: str) -> list[str]:
    import subprocess
    import sys

    env = dict(os.environ, AMX_HOME=str(amx_home))
    env.pop("AMX_STORE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", _OPEN_PROBE.format(opener=opener)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_store_at_head_opens_without_alembic(amx_home):
    open_store()  # created and migrated here: the process below finds it at head
    assert "alembic" not in _imported_on_open(amx_home, "from amx_core.store import open_store; open_store()")


def test_a_new_store_still_imports_alembic_to_migrate(amx_home):
    """The probe above is not vacuous: a store that needs migrating does load alembic."""
    assert "alembic" in _imported_on_open(amx_home, "from amx_core.store import open_store; open_store()")


def test_the_tui_start_opens_a_store_at_head_without_alembic(amx_home):
    open_store()
    opener = "import amx_tui.app, amx_tui.backend; from amx_tui.entry import store_fault; assert store_fault() is None"
    assert "alembic" not in _imported_on_open(amx_home, opener)
