"""A store that cannot be used gives one line saying what is wrong and what to do, exit 1, never a traceback:
in `amx`, in `amx-tick` (and so in the tick.log line the daemon appends), and when `amx-tui` starts.

Faults: a damaged file, a file that is not a database, a lock held beyond the busy timeout, a read-only
folder or file (showing still works), missing permissions, a schema newer than this AMX; on SQLite and,
where the fault exists there, on PostgreSQL. AMX never changes the mode of a folder or file it did not make.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import uuid
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from store_support import as_plain_user, store_fingerprint

from amx_core.store import open_store, reset_stores

BIN = Path(sys.executable).parent
FUTURE = "2031-06-01 09:00"


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def assert_one_line(stderr: str, *needles: str) -> str:
    """Exactly one line on stderr, `error: store: ...`, holding every needle; no traceback."""
    lines = _lines(stderr)
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: store: "), lines[0]
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.fixture
def seeded(cli_call):
    """A store with profiles, 40 schedules and a few dozen rows: big enough that half of it is missing pages."""
    cli_call("profile", "db", "add", "shop", "--url", "postgresql://amx@db.example/shop")
    cli_call("profile", "llm", "add", "offline", "--provider", "heuristic")
    for i in range(40):
        cli_call(
            *("schedule", "add", "--name", f"nightly {i}", "--db-profile", "shop", "--llm-profile", "offline"),
            *("--tz", "UTC", "--at", FUTURE, "--scope", f"schema_{i}.table_{i}"),
            "--no-verify",  # db.example is no real server: saved without the catalog check
        )
    return cli_call


def _tick(*args: str) -> tuple[int, str, str]:
    """amx-tick in this process: (exit code, stdout, stderr)."""
    from amx_core.tick.entry import main

    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def _tui_start() -> tuple[int, str]:
    """amx-tui's start in this process, up to where the app would take the terminal: (exit code, stderr)."""
    from amx_tui.entry import main

    err = StringIO()
    with redirect_stderr(err):
        code = main([])
    return code, err.getvalue()


def _every_face_says(cli_call, *needles: str) -> None:
    """amx (reads and a write), amx-tick and amx-tui all answer with the same one line, exit 1."""
    for args in (["schedule", "list"], ["runs", "list"], ["profile", "db", "list"], ["schedule", "pause", "1"]):
        reset_stores()
        result = cli_call(*args, code=1)
        assert_one_line(result.stderr, *needles)
        assert result.stdout == ""
    reset_stores()
    code, out, err = _tick()
    assert code == 1 and out == ""
    assert_one_line(err, *needles)
    reset_stores()
    code, err = _tui_start()
    assert code == 1
    assert_one_line(err, *needles)


def test_damaged_store(seeded, amx_home):
    db = amx_home / "amx.db"
    reset_stores()  # closes the engine: the WAL is checkpointed into the file
    os.truncate(db, db.stat().st_size // 2)
    _every_face_says(seeded, f"{db} is damaged", "restore it from a backup", f"mv '{db}'")


def test_file_that_is_not_a_database(seeded, amx_home):
    db = amx_home / "amx.db"
    reset_stores()
    db.write_bytes(os.urandom(8192))
    _every_face_says(seeded, f"{db} is not an AMX store", f"mv '{db}'")


def test_store_newer_than_this_amx(seeded, cli_store):
    with cli_store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    _every_face_says(seeded, "newer AMX", "9999_from_the_future", "Upgrade AMX")


def test_sqlite_lock_held_beyond_the_busy_timeout(seeded, amx_home, monkeypatch):
    monkeypatch.setenv("AMX_STORE_BUSY_SECONDS", "0.2")
    reset_stores()
    holder = sqlite3.connect(amx_home / "amx.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write
    try:
        result = seeded("schedule", "pause", "nightly 1", code=1)
        assert_one_line(result.stderr, "locked by another process for 0.2 s", "try again")
        assert "nightly 1" in seeded("schedule", "list").stdout  # readers are not blocked (WAL)
        code, out, err = _tick()
        assert code == 1 and out == ""
        assert_one_line(err, "locked by another process")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "Paused" in seeded("schedule", "pause", "nightly 1").stdout


def test_postgresql_lock_held_beyond_the_busy_timeout(seeded, pg_url, monkeypatch):
    monkeypatch.setenv("AMX_STORE_URL", pg_url)
    monkeypatch.setenv("AMX_STORE_BUSY_SECONDS", "0.3")
    reset_stores()
    seeded("profile", "db", "add", "shop", "--url", "postgresql://amx@db.example/shop")
    seeded("profile", "llm", "add", "offline", "--provider", "heuristic")
    seeded("schedule", "add", "--name", "n", "--db-profile", "shop", "--llm-profile", "offline", "--at", FUTURE)
    holder = sa.create_engine(pg_url)
    try:
        with holder.connect() as conn:
            conn.exec_driver_sql("BEGIN")
            conn.exec_driver_sql("LOCK TABLE schedule IN EXCLUSIVE MODE")  # writers wait, readers do not
            result = seeded("schedule", "pause", "n", code=1)
            assert_one_line(result.stderr, "locked by another session for 0.3 s", "try again")
            assert "Pending" in seeded("schedule", "list").stdout
            conn.exec_driver_sql("ROLLBACK")
    finally:
        holder.dispose()
    assert "Paused" in seeded("schedule", "pause", "n").stdout


# --- read-only and unreadable stores: real processes, so file modes bind even for root ------------------


def _run(amx_home: Path, *argv: str, shell_tail: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, AMX_HOME=str(amx_home), AMX_NO_STARTUP_CHECK="1")
    env.pop("AMX_STORE_URL", None)
    command = as_plain_user([str(BIN / argv[0]), *argv[1:]])
    if shell_tail:  # as the crontab line runs the tick: output appended to the log
        command = ["sh", "-c", " ".join(f"'{part}'" for part in command) + shell_tail]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def _chmod(path: Path, mode: int):
    """`path` at `mode` for the block, then back to what it was (so pytest can clean up)."""
    before = _mode(path)
    os.chmod(path, mode)
    try:
        yield
    finally:
        os.chmod(path, before)


def _reads_work(amx_home: Path) -> None:
    for args, expected in (
        (("amx", "schedule", "list"), "nightly 7"),
        (("amx", "schedule", "list", "--json"), '"name": "nightly 7"'),
        (("amx", "runs", "list"), "SCHEDULE"),
        (("amx", "profile", "db", "list"), "shop"),
        (("amx", "schedule", "show", "nightly 7"), "schema_7.table_7"),
    ):
        result = _run(amx_home, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert expected in result.stdout and result.stderr == ""


def _writes_refused(amx_home: Path, *needles: str) -> None:
    result = _run(amx_home, "amx", "schedule", "pause", "nightly 7")
    assert result.returncode == 1
    assert_one_line(result.stderr, "is read-only", "showing works", *needles)
    tick = _run(amx_home, "amx-tick")
    assert tick.returncode == 1
    assert_one_line(tick.stderr, "is read-only", *needles)


@pytest.fixture
def closed_store(seeded, amx_home):
    """The seeded SQLite store, its engine closed (no -wal/-shm left), and its fingerprint."""
    reset_stores()
    db = amx_home / "amx.db"
    fingerprint = store_fingerprint(open_store())
    reset_stores()
    return db, fingerprint


def test_read_only_folder_shows_but_refuses_changes_and_keeps_its_mode(closed_store, amx_home):
    db, before = closed_store
    with _chmod(amx_home, 0o555):
        _reads_work(amx_home)
        _writes_refused(amx_home, "its folder is read-only", f"chmod u+w '{amx_home}'")
        log = amx_home / "logs" / "tick.log"
        daemon_like = _run(amx_home, "amx-tick", shell_tail=f" >> '{log}' 2>&1")
        assert daemon_like.returncode == 1
        assert_one_line(log.read_text(), "is read-only")  # the daemon's tick.log gets one line, not a traceback
        assert _mode(amx_home) == 0o555  # never chmodded back to 0700
        assert sorted(p.name for p in amx_home.iterdir()) == ["amx.db", "logs"]  # no -wal/-shm made beside it
    assert store_fingerprint(open_store()) == before


def test_read_only_store_file_shows_but_refuses_changes_and_keeps_its_mode(closed_store, amx_home):
    db, before = closed_store
    with _chmod(db, 0o444):
        _reads_work(amx_home)
        _writes_refused(amx_home, "amx.db is read-only", f"chmod u+w '{db}'")
        assert _mode(db) == 0o444
    assert store_fingerprint(open_store()) == before
    assert "Paused" in _run(amx_home, "amx", "schedule", "pause", "nightly 7").stdout  # writable again: works


@pytest.mark.parametrize("what", ["file", "folder"])
def test_store_without_read_permission(closed_store, amx_home, what):
    db, _ = closed_store
    target, fix = (db, f"chmod u+rw '{db}'") if what == "file" else (amx_home, f"chmod u+rwx '{amx_home}'")
    with _chmod(target, 0o000):
        for argv in (("amx", "schedule", "list"), ("amx-tick",), ("amx-tui",)):
            result = _run(amx_home, *argv)
            assert result.returncode == 1, (argv, result.stderr)
            assert_one_line(result.stderr, "cannot open", fix)
        assert _mode(target) == 0o000


def test_home_that_cannot_be_created(tmp_path):
    parent = tmp_path / "locked parent"
    parent.mkdir()
    home = parent / "amx"
    with _chmod(parent, 0o555):
        for argv in (("amx", "schedule", "list"), ("amx-tick",)):
            result = _run(home, *argv)
            assert result.returncode == 1
            assert_one_line(result.stderr, "cannot create", "set AMX_HOME", f"chmod u+w '{parent}'")
    assert not home.exists()


def test_new_folders_are_private_but_existing_ones_keep_their_mode(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    monkeypatch.setenv("AMX_HOME", str(shared / "new" / "home"))
    monkeypatch.delenv("AMX_STORE_URL", raising=False)
    reset_stores()
    try:
        open_store()
    finally:
        reset_stores()
    assert _mode(shared) == 0o755
    assert _mode(shared / "new") == 0o700 and _mode(shared / "new" / "home") == 0o700
    assert _mode(shared / "new" / "home" / "amx.db") == 0o600
    os.chmod(shared / "new" / "home", 0o750)  # the user opens it to their group: AMX leaves that alone
    os.chmod(shared / "new" / "home" / "amx.db", 0o640)
    try:
        open_store()
    finally:
        reset_stores()
    assert _mode(shared / "new" / "home") == 0o750 and _mode(shared / "new" / "home" / "amx.db") == 0o640


# --- PostgreSQL: a read-only server and a role without privileges -----------------------------------------


def test_postgresql_read_only_store_shows_but_refuses_changes(seeded, pg_url, monkeypatch):
    monkeypatch.setenv("AMX_STORE_URL", pg_url)
    reset_stores()
    seeded("profile", "db", "add", "shop", "--url", "postgresql://amx@db.example/shop")
    seeded("profile", "llm", "add", "offline", "--provider", "heuristic")
    seeded("schedule", "add", "--name", "n", "--db-profile", "shop", "--llm-profile", "offline", "--at", FUTURE)
    reset_stores()
    name = sa.engine.make_url(pg_url).database
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        before = store_fingerprint(open_store())
        reset_stores()
        assert "n " in seeded("schedule", "list").stdout
        assert "shop" in seeded("profile", "db", "list").stdout
        assert_one_line(seeded("schedule", "pause", "n", code=1).stderr, "is read-only", "showing works")
        reset_stores()
        code, out, err = _tick()
        assert code == 1
        assert_one_line(err, "is read-only")
        assert store_fingerprint(open_store()) == before
    finally:
        reset_stores()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
        admin.dispose()


def test_postgresql_role_without_privileges(seeded, pg_url, monkeypatch):
    monkeypatch.setenv("AMX_STORE_URL", pg_url)
    reset_stores()
    seeded("profile", "llm", "add", "offline", "--provider", "heuristic")
    reset_stores()
    role = f"amx_t_role_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
    try:
        monkeypatch.setenv("AMX_STORE_URL", sa.engine.make_url(pg_url).set(username=role).render_as_string(False))
        reset_stores()
        result = seeded("profile", "llm", "list", code=1)
        assert_one_line(result.stderr, "refuses this role", "permission denied", "GRANT")
        code, out, err = _tick()
        assert code == 1
        assert_one_line(err, "refuses this role")
    finally:
        reset_stores()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        admin.dispose()
