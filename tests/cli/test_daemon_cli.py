"""`install-daemon`, `uninstall-daemon`, `status [--json]` through click, on a scripted launchd."""

from __future__ import annotations

import json
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
import time_machine
from click.testing import CliRunner

from amx_cli.commands.daemon import install_daemon_cmd, status_cmd, uninstall_daemon_cmd
from amx_core.daemon.context import DaemonSetup
from amx_core.daemon.runner import CommandResult
from amx_core.daemon.scripted import ScriptedRunner
from amx_core.errors import ActionError
from amx_core.tick.heartbeat import record_heartbeat

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
PRINTED = CommandResult(0, "state = waiting\n")
NOT_FOUND = CommandResult(113, "", 'Could not find service "x" in domain for port')


@pytest.fixture
def group():
    @click.group()
    def schedule():
        """A stand-in for `amx schedule`."""

    for command in (install_daemon_cmd, uninstall_daemon_cmd, status_cmd):
        schedule.add_command(command)
    return schedule


@pytest.fixture
def setup(tmp_path, amx_home):
    runner = ScriptedRunner()
    runner.on("launchctl", "print", reply=PRINTED)
    runner.on("launchctl", "print-disabled", reply=CommandResult(0, "disabled services = {\n}\n"))
    return DaemonSetup.current(
        platform="darwin",
        amx_home=amx_home,
        user_home=tmp_path / "user",
        python=Path(sys.executable),
        runner=runner,
        uid=501,
        user="ann",
    )


def invoke(group, setup, *args):
    with time_machine.travel(NOW, tick=False):
        return CliRunner().invoke(group, list(args), obj=setup, catch_exceptions=True)


def test_status_prints_badge_last_tick_and_log(group, setup, store):
    with time_machine.travel(NOW - timedelta(minutes=10), tick=False):
        invoke(group, setup, "install-daemon")
    setup.log_path.write_text("tick ok\n")
    record_heartbeat(store, at=NOW - timedelta(seconds=40), duration_ms=120.0, host=socket.gethostname(), pid=9)
    result = invoke(group, setup, "status")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Daemon:     Loaded (launchd, darwin)"
    assert f"unit:       {setup.unit_dir / (setup.names.label + '.plist')}" in lines
    assert "switches:   enabled: yes   disabled by user: no" in lines
    assert any(line.startswith(f"log:        {setup.log_path} (8 B, written ") for line in lines)
    assert f"last tick:  40 s ago (on {socket.gethostname()}, took 120 ms)" in lines
    assert not any(line.startswith("warning:") for line in lines)


def test_status_json_has_the_documented_keys(group, setup, store):
    record_heartbeat(store, at=NOW - timedelta(seconds=40), duration_ms=1.0, host=socket.gethostname(), pid=9)
    result = invoke(group, setup, "status", "--json")
    data = json.loads(result.output)
    for key in ("installed", "loaded", "unit_path", "log_path", "log_size_bytes", "log_mtime", "last_tick_at"):
        assert key in data
    assert data["last_tick_at"] == "2025-03-01T11:59:20+00:00" and data["last_tick_age_seconds"] == 40.0


def test_status_shows_warnings(group, setup):
    setup.runner.on("launchctl", "print", reply=NOT_FOUND)
    setup.unit_dir.mkdir(parents=True)
    (setup.unit_dir / f"{setup.names.label}.plist").write_bytes(b"<plist/>")
    result = invoke(group, setup, "status")
    assert result.output.splitlines()[0] == "Daemon:     Installed (launchd, darwin)"
    assert "warning:    installed but the OS does not know it: reinstall to repair" in result.output
    assert "last tick:  never" in result.output


def test_install_and_uninstall_print_what_they_did(group, setup):
    installed = invoke(group, setup, "install-daemon")
    assert installed.exit_code == 0, installed.output
    assert installed.output.splitlines()[0] == (
        f"Installed the tick hook (launchd): {setup.unit_dir / (setup.names.label + '.plist')}"
    )
    setup.runner.on("launchctl", "print", reply=NOT_FOUND)
    removed = invoke(group, setup, "uninstall-daemon", "--json")
    assert removed.exit_code == 0
    assert json.loads(removed.output)["state"] == "not_installed"


def test_a_failing_install_raises_the_cores_action_error(group, setup):
    setup.runner.on("launchctl", "bootstrap", reply=CommandResult(5, "", "Bootstrap failed: 5: Input/output error"))
    result = invoke(group, setup, "install-daemon")
    assert result.exit_code != 0
    assert isinstance(result.exception, ActionError)
    assert "Bootstrap failed: 5" in result.exception.message
    assert not (setup.unit_dir / f"{setup.names.label}.plist").exists()


def test_a_simulated_tick_never_becomes_the_last_tick_and_the_age_is_never_negative(group, setup, store, capsys):
    from amx_core import config
    from amx_core.tick.entry import main as tick_main

    record_heartbeat(store, at=NOW - timedelta(seconds=40), duration_ms=1.0, host=socket.gethostname(), pid=9)
    assert tick_main(["--now", (NOW + timedelta(hours=3)).isoformat(), "--json"]) == 0  # a simulation
    capsys.readouterr()
    data = json.loads(invoke(group, setup, "status", "--json").output)
    assert data["last_tick_at"] == "2025-03-01T11:59:20+00:00" and data["last_tick_age_seconds"] == 40.0
    assert "simulated=true" in config.tick_log_path().read_text().splitlines()[-1]

    record_heartbeat(store, at=NOW + timedelta(seconds=30), duration_ms=1.0, host="ahead", pid=9)  # a fast clock
    data = json.loads(invoke(group, setup, "status", "--json").output)
    assert data["last_tick_age_seconds"] == 0
