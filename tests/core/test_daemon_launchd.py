"""macOS launchd agent: exact launchctl command lines, the plist written, status in each state, faults."""

from __future__ import annotations

import os
import plistlib
import stat

import pytest
from test_daemon_support import OK, PYTHON, UID, install_into_read_only_folder, leftovers, make_setup

from amx_core.daemon import daemon_status, install_daemon, uninstall_daemon
from amx_core.daemon.hookstate import NOT_KNOWN_TO_OS, STALE_HOOK
from amx_core.daemon.runner import CommandResult
from amx_core.daemon.scripted import ScriptedRunner
from amx_core.errors import ActionError

NOT_FOUND = CommandResult(113, "", 'Could not find service "com.amx.tick.x" in domain for port\n')
BOOTOUT_ABSENT = CommandResult(3, "", "Boot-out failed: 3: No such process\n")
PRINTED = CommandResult(
    0, "gui/501/com.amx.tick.x = {\n\tactive count = 0\n\tstate = waiting\n\tlast exit code = 0\n}\n"
)


def disabled_list(label: str, value: str) -> CommandResult:
    return CommandResult(
        0, f'disabled services = {{\n\t"com.apple.ScriptMenuApp" => disabled\n\t"{label}" => {value}\n}}\n'
    )


def launchd(loaded: bool, disabled_value: str = "enabled", label: str = "") -> ScriptedRunner:
    runner = ScriptedRunner()
    runner.on("launchctl", "bootout", reply=BOOTOUT_ABSENT)
    runner.on("launchctl", "print", reply=PRINTED if loaded else NOT_FOUND)
    runner.on("launchctl", "print-disabled", reply=disabled_list(label, disabled_value))
    return runner


@pytest.fixture
def setup(tmp_path):
    return make_setup(tmp_path, "darwin", launchd(loaded=True))


def plist_of(setup):
    return setup.unit_dir / f"{setup.names.label}.plist"


def expected_calls(setup):
    target = f"gui/{UID}/{setup.names.label}"
    return [
        ["launchctl", "bootout", target],
        ["launchctl", "enable", target],
        ["launchctl", "bootstrap", f"gui/{UID}", str(plist_of(setup))],
        ["launchctl", "kickstart", "-k", target],
        ["launchctl", "print", target],
        ["launchctl", "print-disabled", f"gui/{UID}"],
    ]


def test_install_runs_bootstrap_enable_kickstart_and_writes_the_plist(setup):
    status = install_daemon(setup)

    assert setup.runner.calls == expected_calls(setup)
    assert not any(call[1] == "load" for call in setup.runner.calls)
    path = plist_of(setup)
    assert path.parent == setup.user_home / "Library" / "LaunchAgents"
    agent = plistlib.loads(path.read_bytes())
    log = str(setup.amx_home / "logs" / "tick.log")
    assert agent == {
        "Label": setup.names.label,
        "ProgramArguments": [str(PYTHON), "-m", "amx_core.tick.entry"],
        "EnvironmentVariables": {"AMX_HOME": str(setup.amx_home), "PATH": setup.hook_path_env},
        "StartInterval": 60,
        "RunAtLoad": True,
        "ProcessType": "Background",
        "StandardOutPath": log,
        "StandardErrorPath": log,
    }
    assert "é 日本 50%" in agent["EnvironmentVariables"]["AMX_HOME"]
    assert agent["EnvironmentVariables"]["PATH"].startswith(f"{PYTHON.parent}:")
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode & 0o022 == 0 and mode <= 0o644
    assert os.stat(path).st_uid == os.getuid()
    assert status.state == "loaded" and status.installed and status.loaded
    assert status.mechanism == "launchd" and status.unit_path == str(path)
    assert status.enabled is True and status.disabled_by_user is False
    assert status.warnings == ()
    assert stat.S_IMODE(os.stat(setup.log_path).st_mode) == 0o600
    assert leftovers(path.parent) == [path.name]


def test_the_plist_carries_no_secrets_from_the_environment(setup, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value")
    install_daemon(setup)
    text = plist_of(setup).read_text()
    assert "sk-secret-value" not in text and "OPENAI_API_KEY" not in text
    assert set(plistlib.loads(plist_of(setup).read_bytes())["EnvironmentVariables"]) == {"AMX_HOME", "PATH"}


def test_status_not_installed_reads_could_not_find_service(tmp_path):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=False))
    status = daemon_status(setup)
    assert setup.runner.calls == expected_calls(setup)[-2:]
    assert status.state == "not_installed" and not status.installed and not status.loaded
    assert status.warnings == ()
    assert status.to_json()["unit_path"] == str(plist_of(setup))


def test_status_installed_but_unknown_to_launchd_says_reinstall(tmp_path):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=True))
    install_daemon(setup)
    setup.runner.on("launchctl", "print", reply=NOT_FOUND)
    status = daemon_status(setup)
    assert status.state == "installed" and status.installed and not status.loaded
    assert status.warnings == (NOT_KNOWN_TO_OS,)


@pytest.mark.parametrize("value", ["disabled", "true"])
def test_status_reports_an_agent_switched_off_by_the_user(tmp_path, value):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=True))
    install_daemon(setup)
    setup.runner.on("launchctl", "print-disabled", reply=disabled_list(setup.names.label, value))
    status = daemon_status(setup)
    assert status.disabled_by_user is True and status.enabled is False
    assert any("switched off by the user" in warning for warning in status.warnings)


def test_status_loaded_without_its_plist_and_with_a_failing_last_exit(tmp_path):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=True))
    setup.runner.on("launchctl", "print", reply=CommandResult(0, "state = waiting\n\tlast exit code = 1\n"))
    status = daemon_status(setup)
    assert status.state == "loaded" and not status.installed
    assert any("is missing" in warning for warning in status.warnings)
    assert "the last tick exited with code 1: see the log" in status.warnings


def test_reinstall_over_a_broken_install_rewrites_the_plist_and_loads_it(tmp_path):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=False, label=""))
    plist_of(setup).parent.mkdir(parents=True)
    plist_of(setup).write_bytes(plistlib.dumps({"Label": setup.names.label, "ProgramArguments": ["/gone/python"]}))
    before = daemon_status(setup)
    assert before.state == "installed" and STALE_HOOK in before.warnings and NOT_KNOWN_TO_OS in before.warnings

    setup.runner.reset()
    setup.runner.on("launchctl", "print", reply=PRINTED)
    after = install_daemon(setup)

    assert setup.runner.calls == expected_calls(setup)
    assert plistlib.loads(plist_of(setup).read_bytes())["ProgramArguments"][0] == str(PYTHON)
    assert after.state == "loaded" and after.warnings == ()


def test_failing_bootstrap_leaves_nothing_behind(tmp_path):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=False))
    setup.runner.on("launchctl", "bootstrap", reply=CommandResult(5, "", "Bootstrap failed: 5: Input/output error\n"))
    with pytest.raises(ActionError) as caught:
        install_daemon(setup)
    assert "cannot load the agent" in caught.value.message
    assert "Bootstrap failed: 5: Input/output error" in caught.value.message
    target = f"gui/{UID}/{setup.names.label}"
    assert setup.runner.calls == expected_calls(setup)[:3] + [["launchctl", "bootout", target]]
    assert leftovers(setup.unit_dir) == []


def test_missing_launchctl_is_a_clear_error(tmp_path):
    setup = make_setup(tmp_path, "darwin", ScriptedRunner(missing={"launchctl"}))
    with pytest.raises(ActionError, match="launchctl is not available"):
        install_daemon(setup)
    assert leftovers(setup.unit_dir) == []


def test_read_only_launch_agents_folder_is_a_clear_error(tmp_path):
    setup = install_into_read_only_folder(tmp_path, "darwin", launchd(loaded=False))
    assert not any(call[1] in {"bootstrap", "enable", "kickstart"} for call in setup.runner.calls)


def test_launch_agents_path_blocked_by_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not a folder"
    blocker.write_text("x")
    setup = make_setup(tmp_path, "darwin", launchd(loaded=False), unit_dir=blocker / "LaunchAgents")
    with pytest.raises(ActionError, match="cannot write .*Not a directory"):
        install_daemon(setup)


def test_uninstall_removes_the_hook_only_and_is_idempotent(tmp_path, store, amx_home):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=True), amx_home=amx_home)
    install_daemon(setup, store=store)
    setup.runner.reset()
    setup.runner.on("launchctl", "bootout", reply=OK)
    setup.runner.on("launchctl", "print", reply=NOT_FOUND)
    status = uninstall_daemon(setup, store=store)
    target = f"gui/{UID}/{setup.names.label}"
    assert setup.runner.calls == [
        ["launchctl", "bootout", target],
        ["launchctl", "print", target],
        ["launchctl", "print-disabled", f"gui/{UID}"],
    ]
    assert status.state == "not_installed" and status.warnings == ()
    assert not plist_of(setup).exists()
    assert (amx_home / "amx.db").exists() and setup.log_path.exists()

    setup.runner.on("launchctl", "bootout", reply=BOOTOUT_ABSENT)
    again = uninstall_daemon(setup, store=store)
    assert again.state == "not_installed"
