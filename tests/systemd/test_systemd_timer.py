"""The systemd --user path for real: a Debian booted with `systemd-nspawn -b`, the project's wheel installed in it,
and a lingering user who runs `amx` the way `su` or `sudo -u` leaves them (no XDG_RUNTIME_DIR, no login session).

install says Loaded via systemd and names the manager socket it found; the minutely timer fires a schedule due
at the next minute; after a reboot of the container, with nobody logged in, it fires the next one; uninstall
leaves no unit file and no timer. Every mount and process made here is gone afterwards, even on failure.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ci import need
from nspawn_support import UID, USER, Container, base_rootfs, build_wheels, wait_for

pytestmark = [pytest.mark.systemd, pytest.mark.slow]

FIRE_SECONDS = 150
BUS = f"/run/user/{UID}/bus"
SHOP = f"/home/{USER}/shop.db"


def next_minute() -> datetime:
    """The next minute boundary at least 20 s away, so the schedule is in the future when added, even under load."""
    now = datetime.now(UTC)
    boundary = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return boundary if (boundary - now).total_seconds() >= 20 else boundary + timedelta(minutes=1)


def amx_json(box: Container, *args: str):
    return json.loads(box.user("amx", *args, "--json").stdout)


def add_schedule(box: Container, name: str) -> tuple[int, datetime]:
    fire_at = next_minute()
    added = amx_json(
        box, "schedule", "add", "--name", name, "--at", fire_at.strftime("%Y-%m-%d %H:%M"), "--tz", "UTC",
        "--db-profile", "shop", "--llm-profile", "offline",
    )  # fmt: skip
    return added["id"], fire_at


def wait_for_run(box: Container, schedule_id: int, fire_at: datetime) -> dict:
    def finished() -> dict | None:
        runs = amx_json(box, "runs", "list", "--schedule", str(schedule_id))
        done = [run for run in runs if run["status"] != "running"]
        return done[0] if done else None

    run = wait_for(f"schedule {schedule_id} fired by the timer", finished, FIRE_SECONDS, box._died)
    assert run["reason"] == "time" and run["status"] == "completed", run
    assert run["occurrence_utc"] == fire_at.isoformat(), run
    return run


def user_manager_up(box: Container) -> bool:
    return box.root("test", "-S", BUS, check=False).returncode == 0


def diagnose(box: Container) -> str:
    parts = []
    for argv in (
        ("journalctl", "--no-pager", "-n", "80"),
        ("sh", "-c", f"cat /home/{USER}/.local/share/amx/logs/tick.log 2>/dev/null | tail -40"),
    ):
        done = box.root(*argv, check=False) if box.leader else None
        parts.append(done.stdout + done.stderr if done else "(container not running)")
    return "\n".join(parts)


def test_the_user_timer_fires_survives_a_reboot_and_uninstalls_cleanly(request):
    expression = request.config.option.markexpr or ""
    if "systemd" not in expression or "not systemd" in expression:
        pytest.skip("boots a container for minutes: run it with `make test-systemd` (pytest -m systemd)")
    need(sys.platform.startswith("linux") and os.geteuid() == 0, "booting a container needs root on Linux")
    for tool in ("debootstrap", "systemd-nspawn", "unshare", "nsenter"):
        need(shutil.which(tool) is not None, f"{tool} is not installed (apt-get install debootstrap systemd-container)")
    base = base_rootfs()
    wheels = Path(tempfile.gettempdir()) / "amx-systemd-test" / "wheels"
    wheel = build_wheels(request.config.rootpath, wheels)  # the project being tested
    box = Container(base, wheels)
    try:
        box.boot()
        _scenario(box, wheel)
    except BaseException as exc:
        raise AssertionError(f"{exc}\n--- inside the container ---\n{diagnose(box)}") from exc
    finally:
        box.destroy()
        assert box.leftovers() == []
        assert not box.dir.exists()


def _scenario(box: Container, wheel: str) -> None:
    version = box.root("python3", "-c", "import sys; print(sys.version_info[:2])").stdout.strip()
    assert version == str(sys.version_info[:2]), f"the container's Python is {version}; the wheels are for this one"
    box.root("python3", "-m", "venv", "/opt/amx")
    box.root("/opt/amx/bin/pip", "install", "-q", "--no-index", "--find-links", "/wheels", f"/wheels/{wheel}")
    box.root("useradd", "--create-home", "--uid", str(UID), "--shell", "/bin/bash", USER)
    box.root("loginctl", "enable-linger", USER)
    wait_for("the lingering user's manager", lambda: user_manager_up(box), 60, box._died)

    box.user("python3", "-c", f"import sqlite3; sqlite3.connect('{SHOP}').execute('CREATE TABLE customer (id int)')")
    box.user("amx", "profile", "db", "add", "shop", "--url", f"sqlite:///{SHOP}")
    box.user("amx", "profile", "llm", "add", "offline", "--provider", "heuristic")
    first, first_at = add_schedule(box, "before the reboot")

    installed = box.user("amx", "schedule", "install-daemon").stdout.splitlines()
    assert installed[0].startswith(f"Installed the tick hook (systemd): /home/{USER}/.config/systemd/user/amx-tick-")
    assert "Daemon:     Loaded (systemd, linux)" in installed
    assert f"user bus:   {BUS} (XDG_RUNTIME_DIR is unset; found under /run/user)" in installed
    assert not [line for line in installed if line.startswith("warning:")], installed
    status = amx_json(box, "schedule", "status")
    assert (status["state"], status["mechanism"], status["linger"], status["enabled"]) == (
        "loaded",
        "systemd",
        True,
        True,
    )

    wait_for_run(box, first, first_at)
    status = amx_json(box, "schedule", "status")
    assert status["state"] == "loaded" and status["warnings"] == [], status
    assert status["last_tick_age_seconds"] is not None and status["last_tick_age_seconds"] < 90, status

    box.reboot()
    wait_for("the user manager after the reboot", lambda: user_manager_up(box), 60, box._died)
    assert box.root("loginctl", "list-sessions", "--no-legend").stdout.strip() == ""  # nobody logged in
    after, after_at = add_schedule(box, "after the reboot")
    wait_for_run(box, after, after_at)
    assert box.root("loginctl", "list-sessions", "--no-legend").stdout.strip() == ""

    removed = amx_json(box, "schedule", "uninstall-daemon")
    assert removed["state"] == "not_installed" and removed["unit_files"] == [], removed
    units = box.root("sh", "-c", f"ls /home/{USER}/.config/systemd/user/ 2>/dev/null | grep amx-tick", check=False)
    assert units.stdout == "", units.stdout
    runtime = {"XDG_RUNTIME_DIR": f"/run/user/{UID}"}
    timers = box.user("systemctl", "--user", "list-timers", "--all", "--no-legend", env=runtime).stdout
    known = box.user("systemctl", "--user", "list-unit-files", "--no-legend", "amx-tick-*", env=runtime, check=False)
    assert known.returncode in {0, 1} and "amx-tick" not in known.stdout, known  # 1: no unit matches
    assert "amx-tick" not in timers, timers
    text = box.user("amx", "schedule", "status").stdout
    assert text.startswith("Daemon:     Not installed (systemd, linux)") and "unit:" not in text, text
