"""The real thing on Linux without a user bus: `install-daemon` writes the crontab fallback, a real cron daemon
(started here as a child, in the foreground) fires the tick, the tick fires a schedule due at the next minute,
status says Loaded with a fresh tick, and `uninstall-daemon` leaves the crontab exactly as it was.

Two homes at once under one cron daemon: one on a SQLite store, one on a PostgreSQL store in team mode
(AMX_STORE_URL plus a password by reference from secrets.env; the local server trusts 127.0.0.1, so
the reference must resolve for the tick to run, but its value is not checked by the server).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ci import need

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

FIRE_DEADLINE_SECONDS = 150.0
POLL_SECONDS = 1.0
LOCK_FILE = Path(tempfile.gettempdir()) / "amx-cron-e2e.lock"
CRON = shutil.which("cron") or "/usr/sbin/cron"
SECRET = "pg-e2e-Secret-9"


@contextmanager
def machine_lock() -> Iterator[None]:
    """One such test at a time on this machine (other worktrees run the suite too): they share the crontab."""
    with open(LOCK_FILE, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def crontab_text() -> str | None:
    """This user's crontab exactly, or None when there is none."""
    done = subprocess.run(["crontab", "-l"], capture_output=True, text=True, timeout=30)
    if done.returncode == 0:
        return done.stdout
    assert "no crontab for" in done.stderr, done.stderr
    return None


def restore_crontab(saved: str | None) -> None:
    if crontab_text() == saved:
        return
    if saved is None:
        subprocess.run(["crontab", "-r"], check=True, timeout=30)
    else:
        subprocess.run(["crontab", "-"], input=saved, text=True, check=True, timeout=30)


@contextmanager
def cron_daemon() -> Iterator[subprocess.Popen]:
    """`cron -f` as this test's child, in its own session so stopping it also stops any tick it started."""
    child = subprocess.Popen(
        [CRON, "-f"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        yield child
    finally:
        try:
            os.killpg(child.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=30)


def wait_until(what: str, check: Callable[[], object], deadline: float, child: subprocess.Popen) -> object:
    """Poll `check` until it returns something truthy; fail at the deadline or if cron died."""
    pause = threading.Event()
    while True:
        found = check()
        if found:
            return found
        if child.poll() is not None:
            pytest.fail(f"cron exited with {child.returncode}: {child.stdout.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {FIRE_DEADLINE_SECONDS:.0f} s")
        pause.wait(POLL_SECONDS)


@dataclass
class Home:
    """One AMX home driven through the real `amx` command line, as a person would."""

    root: Path
    env: dict[str, str]

    def amx(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "amx_cli.main", *args], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    @property
    def amx_home(self) -> Path:
        return Path(self.env["AMX_HOME"])


def make_home(base: Path, name: str, store_env: dict[str, str]) -> Home:
    root = base / name
    (root / "user home").mkdir(parents=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS", "AMX_STORE_URL", "PYTEST_XDIST_WORKER"}
    }
    env.update(HOME=str(root / "user home"), AMX_HOME=str(root / "amx home"), AMX_NO_STARTUP_CHECK="1", **store_env)
    return Home(root, env)


def target_database(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT, created_at TEXT)")
        conn.execute("INSERT INTO customer (email, created_at) VALUES ('a@example.com', '2025-01-01')")


def next_minute(now: datetime) -> datetime:
    """The next minute boundary at least 30 s away: both schedules are still in the future when added, even on a
    loaded machine (a CLI call can take seconds), and it fires within 90 s."""
    boundary = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return boundary if (boundary - now).total_seconds() >= 30 else boundary + timedelta(minutes=1)


def add_profiles(home: Home) -> None:
    shop = home.root / "shop.db"
    target_database(shop)
    home.amx("profile", "db", "add", "shop", "--url", f"sqlite:///{shop}")
    home.amx("profile", "llm", "add", "offline", "--provider", "heuristic")


def plan_schedule(home: Home, fire_at: datetime) -> int:
    added = home.amx(
        "schedule", "add", "--name", "describe shop", "--at", fire_at.strftime("%Y-%m-%d %H:%M"), "--tz", "UTC",
        "--db-profile", "shop", "--llm-profile", "offline", "--json",
    )  # fmt: skip
    return json.loads(added)["id"]


def finished_run(home: Home, schedule_id: int) -> Callable[[], dict | None]:
    def check() -> dict | None:
        runs = json.loads(home.amx("runs", "list", "--schedule", str(schedule_id), "--json"))
        done = [run for run in runs if run["status"] not in {"running"}]
        return done[0] if done else None

    return check


def test_cron_fires_the_tick_on_sqlite_and_on_postgresql(pg_url):
    need(sys.platform.startswith("linux"), "the crontab fallback is Linux's")
    need(os.path.exists(CRON) and shutil.which("crontab") is not None, "Debian's cron is not installed")
    need(os.geteuid() == 0, "a cron daemon of our own must run as root (it switches to each crontab's user)")
    with machine_lock():
        running = subprocess.run(["pgrep", "-x", "cron|crond"], capture_output=True, text=True)
        if running.returncode == 0:
            pytest.skip(f"a cron daemon already runs here (pid {running.stdout.split()[0]}); this test starts its own")
        saved = crontab_text()
        base = Path(tempfile.mkdtemp(prefix="amx-cron-e2e-"))
        try:
            _run(base, pg_url, saved)
        finally:
            restore_crontab(saved)
            shutil.rmtree(base, ignore_errors=True)


def _run(base: Path, pg_url: str, saved: str | None) -> None:
    sqlite_home = make_home(base, "solo", {})
    team_home = make_home(base, "team", {"AMX_STORE_URL": pg_url, "AMX_STORE_PASSWORD_KEY": "AMX_PG_PW"})
    secrets = team_home.amx_home / "secrets.env"
    secrets.parent.mkdir(parents=True)
    secrets.write_text(f"AMX_PG_PW={SECRET}\n")
    secrets.chmod(0o600)

    homes = {"sqlite": sqlite_home, "postgresql": team_home}
    for home in homes.values():
        add_profiles(home)
    fire_at = next_minute(datetime.now(UTC))
    schedules = {kind: plan_schedule(home, fire_at) for kind, home in homes.items()}

    with cron_daemon() as cron:
        for home in homes.values():
            installed = home.amx("schedule", "install-daemon")
            assert installed.startswith("Installed the tick hook (crontab): the user crontab"), installed
        lines = (crontab_text() or "").splitlines()
        ours = [line for line in lines if "# amx-tick com.amx.tick." in line]
        assert len(ours) == 2 and (saved or "").splitlines() == [line for line in lines if line not in ours]
        assert any(f"AMX_STORE_URL={pg_url}" in line and "AMX_STORE_PASSWORD_KEY=AMX_PG_PW" in line for line in ours)
        assert SECRET not in "\n".join(lines)

        deadline = time.monotonic() + FIRE_DEADLINE_SECONDS
        for kind, home in homes.items():
            run = wait_until(f"the {kind} schedule firing by cron", finished_run(home, schedules[kind]), deadline, cron)
            assert run["reason"] == "time" and run["status"] == "completed", run
            assert run["occurrence_utc"] == fire_at.isoformat(), run

            status = json.loads(home.amx("schedule", "status", "--json"))
            assert status["state"] == "loaded" and status["mechanism"] == "crontab", status
            assert status["last_tick_age_seconds"] is not None and status["last_tick_age_seconds"] < 90, status
            assert [w for w in status["warnings"] if "using a crontab line instead" not in w] == [], status
            assert status["store"] == (
                f"{pg_url} (password from key:AMX_PG_PW)"
                if kind == "postgresql"
                else f"sqlite:///{home.amx_home}/amx.db"
            )
            log = (home.amx_home / "logs" / "tick.log").read_text()
            assert "tick" in log and SECRET not in log

        for home in homes.values():
            removed = json.loads(home.amx("schedule", "uninstall-daemon", "--json"))
            assert removed["state"] == "not_installed"
    assert crontab_text() == saved
