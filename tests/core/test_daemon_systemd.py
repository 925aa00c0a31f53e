"""systemd --user service + timer: exact systemctl/loginctl lines, unit files (checked by systemd-analyze), faults."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess

import pytest
from test_daemon_support import PYTHON, USER, install_into_read_only_folder, leftovers, make_setup

from amx_core.daemon import daemon_status, install_daemon, uninstall_daemon
from amx_core.daemon.files import FileWriter
from amx_core.daemon.hookstate import NOT_KNOWN_TO_OS, STALE_HOOK
from amx_core.daemon.runner import CommandResult
from amx_core.daemon.scripted import FakeCrontab, ScriptedRunner
from amx_core.daemon.systemd import render_service, render_timer
from amx_core.errors import ActionError, ValidationError

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def systemd(active: bool = True, enabled: str = "enabled", linger: str = "yes") -> ScriptedRunner:
    runner = ScriptedRunner()
    runner.on("systemctl", "--user", "is-system-running", reply=CommandResult(0, "running\n"))
    runner.on(
        "systemctl",
        "--user",
        "is-active",
        reply=CommandResult(0, "active\n") if active else CommandResult(3, "inactive\n"),
    )
    runner.on(
        "systemctl", "--user", "is-enabled", reply=CommandResult(0 if enabled != "not-found" else 4, f"{enabled}\n")
    )
    runner.on("loginctl", "show-user", reply=CommandResult(0, f"{linger}\n"))
    runner.on("crontab", reply=FakeCrontab(user=USER))
    return runner


def unit_files(setup):
    return setup.unit_dir / setup.names.service, setup.unit_dir / setup.names.timer


def status_calls(setup):
    return [
        ["systemctl", "--user", "is-system-running"],
        ["systemctl", "--user", "is-active", setup.names.timer],
        ["systemctl", "--user", "is-enabled", setup.names.timer],
        ["loginctl", "show-user", USER, "--property=Linger", "--value"],
    ]


def install_calls(setup):
    """Linger is read first and, being on already (the scripted default), not asked for again."""
    return [
        ["systemctl", "--user", "is-system-running"],
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", setup.names.timer],
        ["loginctl", "show-user", USER, "--property=Linger", "--value"],
        ["crontab", "-l"],
    ] + status_calls(setup)


@pytest.fixture
def setup(tmp_path):
    return make_setup(tmp_path, "linux", systemd())


def test_install_writes_service_and_timer_and_enables_the_timer(setup):
    status = install_daemon(setup)

    assert setup.runner.calls == install_calls(setup)
    service, timer = unit_files(setup)
    assert service.parent == setup.user_home / ".config" / "systemd" / "user"
    home = str(setup.amx_home).replace("%", "%%")
    header = f"# Written by `amx schedule install-daemon` for AMX_HOME={setup.amx_home}; reinstall rather than edit.\n"
    assert service.read_text() == header + (
        "[Unit]\n"
        f"Description=AMX Schedules tick ({setup.names.label})\n"
        "\n[Service]\n"
        "Type=oneshot\n"
        f'Environment="AMX_HOME={home}" "PATH={setup.hook_path_env}"\n'
        f'ExecStart="{PYTHON}" -m amx_core.tick.entry\n'
        f"StandardOutput=append:{home}/logs/tick.log\n"
        f"StandardError=append:{home}/logs/tick.log\n"
    )
    assert timer.read_text() == header + (
        "[Unit]\n"
        f"Description=AMX Schedules tick every minute ({setup.names.label})\n"
        "\n[Timer]\n"
        "OnCalendar=minutely\n"
        "Persistent=true\n"
        "AccuracySec=1s\n"
        f"Unit={setup.names.service}\n"
        "\n[Install]\n"
        "WantedBy=timers.target\n"
    )
    for path in (service, timer):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert status.state == "loaded" and status.mechanism == "systemd"
    assert status.enabled is True and status.linger is True
    assert status.unit_path == str(timer) and status.unit_files == (str(service), str(timer))
    assert status.warnings == ()


def test_unit_names_are_safe_and_differ_per_home(tmp_path):
    one = make_setup(tmp_path, "linux", amx_home=tmp_path / "one")
    two = make_setup(tmp_path, "linux", amx_home=tmp_path / "two")
    assert one.names.unit != two.names.unit
    for names in (one.names, two.names):
        assert names.service.replace("-", "").replace(".", "").isalnum() and names.service.isascii()


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed here")
@pytest.mark.parametrize("name", ["amx home é 日本 50%", 'it\'s $HOME `x` "q" \\ end'])
def test_generated_units_pass_systemd_analyze_verify(tmp_path, name):
    """The interpreter sits under an awkward folder too, so verify's "is it executable" check proves the quoting."""
    home = tmp_path / name
    python = tmp_path / "bin dir é $x 50%" / "python3"
    python.parent.mkdir(parents=True)
    python.symlink_to(PYTHON)
    setup = make_setup(tmp_path, "linux", systemd(), amx_home=home, python=python)
    install_daemon(setup)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "SYSTEMD_LOG_COLOR": "0"}
    service, timer = unit_files(setup)

    def verify(*paths):
        return subprocess.run(
            [SYSTEMD_ANALYZE, "--user", "verify", *map(str, paths)], env=env, capture_output=True, text=True, timeout=60
        )

    done = verify(service, timer)
    about_ours = [line for line in done.stderr.splitlines() if setup.names.unit in line]
    assert done.returncode == 0, done.stderr
    assert about_ours == []

    # The check has teeth: the same unit pointing at a missing interpreter fails it.
    broken = tmp_path / "broken" / setup.names.service
    broken.parent.mkdir()
    broken.write_text(service.read_text().replace("python3", "python-missing"))
    failed = verify(broken)
    assert failed.returncode != 0 and "python-missing" in failed.stderr


def test_an_interpreter_path_systemd_cannot_start_is_refused_up_front(tmp_path):
    python = tmp_path / "it's here" / "python3"
    python.parent.mkdir()
    python.symlink_to(PYTHON)
    setup = make_setup(tmp_path, "linux", systemd(), python=python)
    with pytest.raises(ValidationError) as caught:
        install_daemon(setup)
    assert caught.value.field == "python" and "systemd cannot start an interpreter" in caught.value.detail
    assert leftovers(setup.unit_dir) == []


def test_status_static_timer_is_not_enabled(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd())
    install_daemon(setup)
    setup.runner.on("systemctl", "--user", "is-enabled", reply=CommandResult(0, "static\n"))
    status = daemon_status(setup)
    assert status.state == "loaded" and status.enabled is False
    assert any("is-enabled: static" in warning for warning in status.warnings)


def test_status_inactive_timer_with_files_says_reinstall(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd())
    install_daemon(setup)
    setup.runner.on("systemctl", "--user", "is-active", reply=CommandResult(3, "inactive\n"))
    status = daemon_status(setup)
    assert status.state == "installed" and status.installed and not status.loaded
    assert NOT_KNOWN_TO_OS in status.warnings


def test_status_without_linger_warns(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd(linger="no"))
    install_daemon(setup)
    status = daemon_status(setup)
    assert status.linger is False
    assert any(warning.startswith("linger is off") for warning in status.warnings)


def test_status_not_installed_with_a_user_bus(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd(active=False, enabled="not-found"))
    status = daemon_status(setup)
    assert setup.runner.calls == status_calls(setup) + [["crontab", "-l"]]
    assert status.state == "not_installed" and status.mechanism == "systemd" and status.warnings == ()


def test_reinstall_over_a_broken_install_rewrites_and_restarts(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd(active=False, enabled="disabled"))
    service, timer = unit_files(setup)
    service.parent.mkdir(parents=True)
    service.write_text("[Service]\nExecStart=/gone/python -m amx_core.tick.entry\n")
    timer.write_text(render_timer(setup))
    before = daemon_status(setup)
    assert before.state == "installed"
    assert NOT_KNOWN_TO_OS in before.warnings and STALE_HOOK in before.warnings

    setup.runner.reset()
    setup.runner.on("systemctl", "--user", "is-active", reply=CommandResult(0, "active\n"))
    setup.runner.on("systemctl", "--user", "is-enabled", reply=CommandResult(0, "enabled\n"))
    after = install_daemon(setup)
    assert setup.runner.calls == install_calls(setup)
    assert service.read_text() == render_service(setup)
    assert after.state == "loaded" and after.warnings == ()


def test_failing_enable_rolls_back_the_unit_files(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd(active=False))
    setup.runner.on(
        "systemctl", "--user", "enable", reply=CommandResult(1, "", "Failed to enable unit: Access denied\n")
    )
    with pytest.raises(ActionError, match="cannot start the timer: systemctl --user said: Failed to enable unit"):
        install_daemon(setup)
    assert setup.runner.calls == [
        ["systemctl", "--user", "is-system-running"],
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", setup.names.timer],
        ["systemctl", "--user", "disable", "--now", setup.names.timer],
        ["systemctl", "--user", "daemon-reload"],
    ]
    assert leftovers(setup.unit_dir) == []


def test_linger_refused_still_installs_with_a_note(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd(linger="no"))
    setup.runner.on("loginctl", "--no-ask-password", reply=CommandResult(1, "", "Access denied\n"))
    status = install_daemon(setup)
    assert status.state == "loaded"
    assert status.warnings[0] == "could not turn linger on (Access denied): the timer stops when you log out"


def test_read_only_systemd_folder_is_a_clear_error(tmp_path):
    setup = install_into_read_only_folder(tmp_path, "linux", systemd())
    assert setup.runner.calls == [["systemctl", "--user", "is-system-running"]]


def test_second_unit_file_refused_removes_the_first(tmp_path):
    class RefuseTimer(FileWriter):
        def write(self, path, data, mode=0o644):
            if path.suffix == ".timer":
                raise PermissionError(13, "Permission denied")
            super().write(path, data, mode)

    setup = make_setup(tmp_path, "linux", systemd(), files=RefuseTimer())
    with pytest.raises(ActionError, match="Permission denied"):
        install_daemon(setup)
    assert leftovers(setup.unit_dir) == []


def test_missing_systemctl_and_crontab_is_a_clear_error(tmp_path):
    setup = make_setup(tmp_path, "linux", ScriptedRunner(missing={"systemctl", "crontab"}))
    with pytest.raises(ActionError) as caught:
        install_daemon(setup)
    assert caught.value.message.startswith(
        "cannot install the tick hook: no user systemd bus (systemctl is not installed) and crontab is not installed"
    )
    assert leftovers(setup.unit_dir) == []
    status = daemon_status(setup)
    assert status.state == "not_installed" and status.mechanism is None
    assert status.warnings == (
        "no user systemd bus (systemctl is not installed) and crontab is not installed: "
        "the daemon cannot be installed here",
    )


def test_uninstall_disables_removes_and_is_idempotent(tmp_path, store, amx_home):
    setup = make_setup(tmp_path, "linux", systemd(), amx_home=amx_home)
    install_daemon(setup, store=store)
    setup.runner.reset()
    setup.runner.on("systemctl", "--user", "is-active", reply=CommandResult(3, "inactive\n"))
    setup.runner.on("systemctl", "--user", "is-enabled", reply=CommandResult(4, "not-found\n"))
    status = uninstall_daemon(setup, store=store)
    assert setup.runner.calls == [
        ["systemctl", "--user", "is-system-running"],
        ["systemctl", "--user", "disable", "--now", setup.names.timer],
        ["systemctl", "--user", "daemon-reload"],
        ["crontab", "-l"],
    ] + status_calls(setup) + [["crontab", "-l"]]
    assert status.state == "not_installed" and status.warnings == ()
    assert leftovers(setup.unit_dir) == []
    assert (amx_home / "amx.db").exists()
    assert uninstall_daemon(setup, store=store).state == "not_installed"


def test_install_with_a_bus_removes_an_old_crontab_fallback_line(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd())
    cron = FakeCrontab(f"0 5 * * * backup\n* * * * * old {setup.names.cron_marker}\n", user=USER)
    setup.runner.on("crontab", reply=cron)
    install_daemon(setup)
    assert cron.content == "0 5 * * * backup\n"
    assert setup.runner.inputs[setup.runner.calls.index(["crontab", "-"])] == "0 5 * * * backup\n"


def test_default_unit_folder_follows_xdg_config_home(tmp_path, monkeypatch):
    from amx_core.daemon.context import DaemonSetup

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    setup = DaemonSetup.current(platform="linux", amx_home=tmp_path / "h", runner=ScriptedRunner())
    assert setup.unit_dir == tmp_path / "xdg" / "systemd" / "user"
