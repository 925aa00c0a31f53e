"""Linux without a user systemd bus: the crontab fallback, its quoting (run through a real sh), and what status says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from test_daemon_support import USER, leftovers, make_setup

from amx_core.daemon import daemon_status, install_daemon, uninstall_daemon
from amx_core.daemon.crontab import render_line
from amx_core.daemon.hookstate import STALE_HOOK
from amx_core.daemon.runner import CommandResult, SubprocessRunner
from amx_core.daemon.scripted import FakeCrontab, ScriptedRunner
from amx_core.daemon.systemd import render_service, user_manager
from amx_core.errors import ActionError

NO_BUS = CommandResult(1, "", "Failed to connect to bus: No medium found\n")
NO_BUS_NOTE = "no user systemd bus (Failed to connect to bus: No medium found)"
OTHER_LINES = "MAILTO=ann@example.com\n# keep me\n0 5 * * * /usr/local/bin/backup --quiet\n"


def no_bus(cron: FakeCrontab, cron_running: bool = True) -> ScriptedRunner:
    runner = ScriptedRunner()
    runner.on("systemctl", reply=NO_BUS)
    runner.on("crontab", reply=cron)
    runner.on("pgrep", reply=CommandResult(0, "812\n") if cron_running else CommandResult(1))
    return runner


def test_install_without_a_bus_adds_one_line_and_keeps_the_others(tmp_path):
    cron = FakeCrontab(OTHER_LINES, user=USER)
    setup = make_setup(tmp_path, "linux", no_bus(cron))
    status = install_daemon(setup)

    line = render_line(setup)
    assert cron.content == OTHER_LINES + line + "\n"
    assert setup.runner.calls == [
        ["systemctl", "--user", "is-system-running"],
        ["crontab", "-l"],
        ["crontab", "-"],
        ["systemctl", "--user", "is-system-running"],
        ["crontab", "-l"],
        ["pgrep", "-x", "cron|crond"],
    ]
    home = str(setup.amx_home).replace("%", "\\%")
    path = setup.hook_path_env
    assert line == (
        f"* * * * * AMX_HOME='{home}' PATH={path} {setup.python} -m amx_core.tick.entry "
        f">> '{home}/logs/tick.log' 2>&1 # amx-tick {setup.names.label}"
    )
    assert status.state == "loaded" and status.mechanism == "crontab" and status.unit_path is None
    assert status.warnings == (f"{NO_BUS_NOTE}: using a crontab line instead",)
    assert leftovers(setup.unit_dir) == []


def test_install_is_idempotent(tmp_path):
    cron = FakeCrontab(OTHER_LINES, user=USER)
    setup = make_setup(tmp_path, "linux", no_bus(cron))
    install_daemon(setup)
    first = cron.content
    setup.runner.reset()
    install_daemon(setup)
    assert cron.content == first
    assert ["crontab", "-"] not in setup.runner.calls


def test_reinstall_replaces_a_stale_line(tmp_path):
    setup = make_setup(tmp_path, "linux")
    cron = FakeCrontab(
        f"{OTHER_LINES}* * * * * /gone/python -m amx_core.tick.entry {setup.names.cron_marker}\n", user=USER
    )
    setup = make_setup(tmp_path, "linux", no_bus(cron))
    assert STALE_HOOK in daemon_status(setup).warnings
    install_daemon(setup)
    assert cron.content == OTHER_LINES + render_line(setup) + "\n"
    assert STALE_HOOK not in daemon_status(setup).warnings


def test_missing_systemctl_takes_the_fallback_too(tmp_path):
    cron = FakeCrontab(user=USER)
    runner = no_bus(cron)
    runner.missing.add("systemctl")
    setup = make_setup(tmp_path, "linux", runner)
    status = install_daemon(setup)
    assert cron.content == render_line(setup) + "\n"
    assert status.warnings == ("no user systemd bus (systemctl is not installed): using a crontab line instead",)


def test_fallback_removes_unit_files_left_by_an_earlier_systemd_install(tmp_path):
    cron = FakeCrontab(user=USER)
    setup = make_setup(tmp_path, "linux", no_bus(cron))
    service = setup.unit_dir / setup.names.service
    service.parent.mkdir(parents=True)
    service.write_text(render_service(setup))
    before = daemon_status(setup)
    assert before.state == "installed" and before.mechanism == "systemd"
    assert before.warnings == (
        f"{NO_BUS_NOTE}: the timer cannot run here; reinstall to switch to the crontab fallback",
    )
    after = install_daemon(setup)
    assert after.state == "loaded" and after.mechanism == "crontab"
    assert leftovers(setup.unit_dir) == []


def test_status_line_present_but_no_cron_daemon(tmp_path):
    cron = FakeCrontab(user=USER)
    setup = make_setup(tmp_path, "linux", no_bus(cron, cron_running=False))
    status = install_daemon(setup)
    assert status.state == "installed" and not status.loaded
    assert "the crontab line is present but no cron daemon is running: the tick will not run" in status.warnings


def test_status_not_installed_says_what_install_would_do(tmp_path):
    setup = make_setup(tmp_path, "linux", no_bus(FakeCrontab(user=USER)))
    status = daemon_status(setup)
    assert status.state == "not_installed" and status.mechanism == "crontab"
    assert status.warnings == (f"{NO_BUS_NOTE}: install will use a crontab line",)


def test_crontab_write_failure_is_a_clear_error(tmp_path):
    runner = no_bus(FakeCrontab(user=USER))
    runner.on("crontab", "-", reply=CommandResult(1, "", "crontab: cannot open /var/spool/cron: Permission denied\n"))
    setup = make_setup(tmp_path, "linux", runner)
    with pytest.raises(ActionError, match="cannot write the crontab: crontab said: crontab: cannot open"):
        install_daemon(setup)


def test_uninstall_removes_only_our_line_and_is_idempotent(tmp_path):
    cron = FakeCrontab(OTHER_LINES, user=USER)
    setup = make_setup(tmp_path, "linux", no_bus(cron))
    install_daemon(setup)
    status = uninstall_daemon(setup)
    assert cron.content == OTHER_LINES
    assert status.state == "not_installed"
    setup.runner.reset()
    uninstall_daemon(setup)
    assert ["crontab", "-"] not in setup.runner.calls and cron.content == OTHER_LINES


@pytest.mark.parametrize("name", ["amx home é 日本 50%", 'it\'s $HOME `x` "q" \\ end'])
def test_the_line_survives_cron_and_sh_intact(tmp_path, name):
    """Run the line's command as cron would (`\\%` -> `%`, then sh -c) with a stand-in interpreter."""
    home = tmp_path / name
    home.mkdir()
    (home / "logs").mkdir()
    fake_python = home / "bin dir" / "python"
    fake_python.parent.mkdir()
    fake_python.write_text('#!/bin/sh\nprintf "%s\\n" "$AMX_HOME" "$PATH" "$@"\n')
    fake_python.chmod(0o755)
    setup = make_setup(tmp_path, "linux", amx_home=home, python=fake_python)
    command = render_line(setup).split(" ", 5)[5]
    assert "%" not in re.sub(r"\\%", "", command)
    as_cron_runs_it = command.replace("\\%", "%")
    subprocess.run(["/bin/sh", "-c", as_cron_runs_it], check=True, env={}, timeout=30)
    lines = (home / "logs" / "tick.log").read_text().splitlines()
    assert lines == [str(home), setup.hook_path_env, "-m", "amx_core.tick.entry"]


def test_this_machine_without_a_bus_fails_clearly_or_falls_back(tmp_path):
    """The real runner on this host: status never crashes; with no bus and no crontab, install says why."""
    setup = make_setup(tmp_path, "linux", SubprocessRunner())
    status = daemon_status(setup)
    assert status.state in {"not_installed", "installed", "loaded"}
    reachable, why = user_manager(setup)
    if reachable or shutil.which("crontab"):
        pytest.skip("this host has a user bus or a crontab: a real install would change the real user's setup")
    assert status.warnings == (
        f"no user systemd bus ({why}) and crontab is not installed: the daemon cannot be installed here",
    )
    with pytest.raises(ActionError, match="no user systemd bus .* and crontab is not installed"):
        install_daemon(setup)
    assert leftovers(setup.unit_dir) == [] and os.path.exists(setup.log_path)


def test_a_fallback_line_on_a_machine_that_now_has_a_bus_suggests_reinstalling(tmp_path):
    setup = make_setup(tmp_path, "linux")
    cron = FakeCrontab(render_line(setup) + "\n", user=USER)
    runner = ScriptedRunner()
    runner.on("systemctl", "--user", "is-system-running", reply=CommandResult(0, "running\n"))
    runner.on("systemctl", "--user", "is-active", reply=CommandResult(3, "inactive\n"))
    runner.on("systemctl", "--user", "is-enabled", reply=CommandResult(4, "not-found\n"))
    runner.on("crontab", reply=cron)
    runner.on("pgrep", reply=CommandResult(0, "1\n"))
    status = daemon_status(make_setup(tmp_path, "linux", runner))
    assert status.state == "loaded" and status.mechanism == "crontab"
    assert status.warnings[0].startswith("a user systemd bus is available now: reinstall")


def test_uninstall_of_the_only_line_removes_the_crontab_as_before_the_install(tmp_path):
    cron = FakeCrontab(user=USER)
    setup = make_setup(tmp_path, "linux", no_bus(cron))
    install_daemon(setup)
    assert cron.content == render_line(setup) + "\n"
    setup.runner.reset()
    uninstall_daemon(setup)
    assert cron.content is None
    assert ["crontab", "-r"] in setup.runner.calls and ["crontab", "-"] not in setup.runner.calls
