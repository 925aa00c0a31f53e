"""systemd --user found without XDG_RUNTIME_DIR, linger read before it is set, one linger note, the grace period."""

from __future__ import annotations

import shutil
import socket
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_daemon_crontab import NO_BUS, no_bus
from test_daemon_support import USER, make_setup
from test_daemon_systemd import status_calls, systemd

from amx_cli.commands.daemon import render_status, status_cmd
from amx_core.daemon import daemon_status, install_daemon, uninstall_daemon
from amx_core.daemon.runner import CommandResult
from amx_core.daemon.scripted import FakeCrontab

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
LINGER_OFF = "linger is off: the timer stops when you log out (`loginctl enable-linger ann` keeps it)"


@pytest.fixture
def run_user():
    """A stand-in for /run/user short enough for a unix socket path (108 bytes at most)."""
    folder = Path(tempfile.mkdtemp(prefix="amx-ru-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def listen(path: Path) -> socket.socket:
    path.parent.mkdir(parents=True, exist_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    return server


def with_env(folder: Path, call: list[str]) -> list[str]:
    return ["env", f"XDG_RUNTIME_DIR={folder}", *call] if call[0] == "systemctl" else call


def answering_under_env(runner, folder: Path):
    """The same scripted systemd, answering only when systemctl is told the runtime folder through `env`."""
    for prefix, reply in list(runner.replies.items()):
        if prefix[0] == "systemctl":
            runner.on("env", f"XDG_RUNTIME_DIR={folder}", *prefix, reply=reply)
            runner.on(*prefix, reply=NO_BUS)
    return runner


@pytest.mark.parametrize("name", ["bus", "systemd/private"])
def test_without_xdg_runtime_dir_the_manager_is_found_under_run_user(tmp_path, run_user, name):
    manager = listen(run_user / "501" / name)
    try:
        runner = answering_under_env(systemd(), run_user / "501")
        setup = make_setup(tmp_path, "linux", runner, runtime_dir=None, runtime_root=run_user)
        status = install_daemon(setup)
    finally:
        manager.close()
    plain = make_setup(tmp_path, "linux", systemd())
    from test_daemon_systemd import install_calls

    assert setup.runner.calls == [with_env(run_user / "501", call) for call in install_calls(plain)]
    assert status.state == "loaded" and status.mechanism == "systemd"
    assert status.user_bus == f"{run_user / '501' / name} (XDG_RUNTIME_DIR is unset; found under {run_user})"
    assert f"user bus:   {status.user_bus}" in render_status(status, NOW).splitlines()


def test_a_plain_file_is_not_a_manager_socket(tmp_path, run_user):
    (run_user / "501").mkdir()
    (run_user / "501" / "bus").write_text("")
    cron = FakeCrontab(user=USER)
    runner = no_bus(cron)
    runner.on("systemctl", reply=CommandResult(1, "", "Failed to connect to bus: No medium found\n"))
    setup = make_setup(tmp_path, "linux", runner, runtime_dir=None, runtime_root=run_user)
    status = install_daemon(setup)
    assert setup.runner.calls[0] == ["systemctl", "--user", "is-system-running"]
    assert status.mechanism == "crontab" and status.user_bus is None
    assert status.warnings == (
        f"no user systemd bus (XDG_RUNTIME_DIR is unset and {run_user / '501'} has no user manager socket: "
        "no systemd --user runs for ann (log in, or `loginctl enable-linger ann`)): using a crontab line instead",
    )


def test_with_xdg_runtime_dir_set_the_reply_of_systemctl_is_the_reason(tmp_path):
    setup = make_setup(tmp_path, "linux", no_bus(FakeCrontab(user=USER)))
    assert install_daemon(setup).warnings == (
        "no user systemd bus (Failed to connect to bus: No medium found): using a crontab line instead",
    )
    assert NO_BUS.stderr.startswith("Failed to connect")


def test_linger_already_on_is_not_asked_for_again(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd(linger="yes"))
    setup.runner.on("loginctl", "--no-ask-password", reply=CommandResult(1, "", "Access denied\n"))
    status = install_daemon(setup)
    assert ["loginctl", "--no-ask-password", "enable-linger", USER] not in setup.runner.calls
    assert status.warnings == () and status.linger is True


def test_linger_off_is_turned_on(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd(linger="no"))
    setup.runner.on("loginctl", "show-user", reply=[CommandResult(0, "no\n"), CommandResult(0, "yes\n")])
    status = install_daemon(setup)
    calls = setup.runner.calls
    read = calls.index(["loginctl", "show-user", USER, "--property=Linger", "--value"])
    assert calls[read + 1] == ["loginctl", "--no-ask-password", "enable-linger", USER]
    assert status.linger is True and status.warnings == ()


def test_linger_refused_is_one_warning_not_two(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd(linger="no"))
    setup.runner.on("loginctl", "--no-ask-password", reply=CommandResult(1, "", "Access denied\n"))
    installed = install_daemon(setup)
    assert [warning for warning in installed.warnings if "linger" in warning] == [
        "could not turn linger on (Access denied): the timer stops when you log out"
    ]
    later = daemon_status(setup)
    assert [warning for warning in later.warnings if "linger" in warning] == [LINGER_OFF]


def test_status_after_uninstall_lists_no_removed_unit_file(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd())
    install_daemon(setup)
    setup.runner.on("systemctl", "--user", "is-active", reply=CommandResult(3, "inactive\n"))
    setup.runner.on("systemctl", "--user", "is-enabled", reply=CommandResult(4, "not-found\n"))
    status = uninstall_daemon(setup)
    assert status.state == "not_installed" and status.unit_files == ()
    assert status.unit_path == str(setup.unit_dir / setup.names.timer)  # where install would put it
    result = CliRunner().invoke(status_cmd, [], obj=setup)
    assert result.exit_code == 0, result.output
    assert not any(line.startswith("unit:") for line in result.output.splitlines())
    assert setup.runner.calls[-len(status_calls(setup)) - 1 :][:-1] == status_calls(setup)


def test_a_fresh_crontab_install_has_three_minutes_before_no_tick_warns(tmp_path, amx_home):
    setup = make_setup(tmp_path, "linux", no_bus(FakeCrontab(user=USER)), amx_home=amx_home)
    installed = install_daemon(setup, now=NOW)
    no_tick = "loaded but no tick has been recorded yet: see the log"
    assert no_tick not in installed.warnings
    assert no_tick not in daemon_status(setup, now=NOW + timedelta(seconds=170)).warnings
    assert no_tick in daemon_status(setup, now=NOW + timedelta(seconds=190)).warnings
