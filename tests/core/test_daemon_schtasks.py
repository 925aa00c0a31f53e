"""Windows Task Scheduler: the task XML (parsed back), exact schtasks lines, status in each state, the launcher."""

from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ET

import pytest
from test_daemon_support import OK, leftovers, make_setup

from amx_core.daemon import daemon_status, install_daemon, launch, uninstall_daemon
from amx_core.daemon.hookstate import NOT_KNOWN_TO_OS, STALE_HOOK
from amx_core.daemon.runner import CommandResult
from amx_core.daemon.schtasks import TASK_NS, render_task, task_arguments, task_xml_path
from amx_core.daemon.scripted import ScriptedRunner
from amx_core.errors import ActionError

NS = {"t": TASK_NS}
NOT_FOUND = CommandResult(1, "", "ERROR: The system cannot find the file specified.\r\n")


def queried(enabled: str = "true") -> CommandResult:
    """What `schtasks /Query /XML` prints for a registered task (Task Scheduler adds Author, Date, ...)."""
    return CommandResult(
        0,
        '<?xml version="1.0" encoding="UTF-16"?>\r\n'
        f'<Task version="1.2" xmlns="{TASK_NS}">\r\n'
        "  <RegistrationInfo><Author>PC\\ann</Author></RegistrationInfo>\r\n"
        f"  <Settings><StartWhenAvailable>true</StartWhenAvailable><Enabled>{enabled}</Enabled></Settings>\r\n"
        "</Task>\r\n",
    )


def scheduler(registered: bool = True, enabled: str = "true") -> ScriptedRunner:
    runner = ScriptedRunner()
    runner.on("schtasks", "/Query", reply=queried(enabled) if registered else NOT_FOUND)
    runner.on("schtasks", "/Delete", reply=NOT_FOUND)
    return runner


@pytest.fixture
def python_dir(tmp_path):
    folder = tmp_path / "Python 3.11 é"
    folder.mkdir()
    for name in ("python.exe", "pythonw.exe"):
        (folder / name).write_bytes(b"MZ")
    return folder


@pytest.fixture
def setup(tmp_path, python_dir):
    return make_setup(tmp_path, "windows", scheduler(), python=python_dir / "python.exe", system_root="C:\\Windows")


def install_calls(setup):
    return [
        ["schtasks", "/Create", "/XML", str(task_xml_path(setup)), "/TN", setup.names.task, "/F"],
        ["schtasks", "/Query", "/TN", setup.names.task, "/XML"],
    ]


def test_install_registers_the_task_from_utf16_xml(setup, python_dir):
    status = install_daemon(setup)

    assert setup.runner.calls == install_calls(setup)
    path = task_xml_path(setup)
    assert path == setup.amx_home / "daemon" / f"{setup.names.task}.xml"
    raw = path.read_bytes()
    assert raw.startswith(b"\xff\xfe") and raw.decode("utf-16").startswith('<?xml version="1.0" encoding="UTF-16"?>')
    task = ET.fromstring(raw)
    settings = task.find("t:Settings", NS)
    assert settings.findtext("t:StartWhenAvailable", namespaces=NS) == "true"
    assert settings.findtext("t:DisallowStartIfOnBatteries", namespaces=NS) == "false"
    assert settings.findtext("t:StopIfGoingOnBatteries", namespaces=NS) == "false"
    assert settings.findtext("t:MultipleInstancesPolicy", namespaces=NS) == "IgnoreNew"
    assert settings.findtext("t:Enabled", namespaces=NS) == "true"
    trigger = task.find("t:Triggers/t:TimeTrigger", NS)
    assert trigger.findtext("t:Repetition/t:Interval", namespaces=NS) == "PT1M"
    assert trigger.find("t:Repetition/t:Duration", NS) is None  # repeat indefinitely
    action = task.find("t:Actions/t:Exec", NS)
    assert action.findtext("t:Command", namespaces=NS) == str(python_dir / "pythonw.exe")
    assert action.findtext("t:Arguments", namespaces=NS) == (
        f'-m amx_core.daemon.launch --amx-home "{setup.amx_home}" '
        f'--path "{python_dir};{python_dir / "Scripts"};C:\\Windows\\System32;C:\\Windows"'
    )
    assert action.findtext("t:WorkingDirectory", namespaces=NS) == str(setup.amx_home)
    assert status.state == "loaded" and status.mechanism == "schtasks" and status.enabled is True
    assert status.unit_path == str(path) and status.warnings == ()


def test_without_pythonw_the_task_runs_python(setup, python_dir):
    (python_dir / "pythonw.exe").unlink()
    task = ET.fromstring(render_task(setup))
    assert task.findtext("t:Actions/t:Exec/t:Command", namespaces=NS) == str(python_dir / "python.exe")


def test_status_not_found_is_not_installed(tmp_path, python_dir):
    setup = make_setup(tmp_path, "windows", scheduler(registered=False), python=python_dir / "python.exe")
    status = daemon_status(setup)
    assert setup.runner.calls == install_calls(setup)[1:]
    assert status.state == "not_installed" and status.warnings == ()


def test_status_xml_present_but_task_missing_says_reinstall(setup):
    install_daemon(setup)
    setup.runner.on("schtasks", "/Query", reply=NOT_FOUND)
    status = daemon_status(setup)
    assert status.state == "installed" and status.warnings == (NOT_KNOWN_TO_OS,)


def test_status_disabled_task_is_not_loaded(setup):
    install_daemon(setup)
    setup.runner.on("schtasks", "/Query", reply=queried(enabled="false"))
    status = daemon_status(setup)
    assert status.state == "installed" and status.enabled is False and not status.loaded
    assert "the task is disabled in Task Scheduler: reinstall to switch it back on" in status.warnings


def test_status_reads_enabled_from_unparseable_output_too(setup):
    install_daemon(setup)
    setup.runner.on("schtasks", "/Query", reply=CommandResult(0, "<Settings>\n<Enabled>false</Enabled> garbled &"))
    assert daemon_status(setup).enabled is False


def test_reinstall_over_a_broken_install(setup):
    path = task_xml_path(setup)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe" + "<Task/>".encode("utf-16-le"))
    setup.runner.on("schtasks", "/Query", reply=NOT_FOUND)
    before = daemon_status(setup)
    assert before.state == "installed" and STALE_HOOK in before.warnings

    setup.runner.reset()
    setup.runner.on("schtasks", "/Query", reply=queried())
    after = install_daemon(setup)
    assert setup.runner.calls == install_calls(setup)
    assert path.read_bytes() == render_task(setup)
    assert after.state == "loaded" and after.warnings == ()


def test_failing_create_leaves_nothing_behind(setup):
    setup.runner.on("schtasks", "/Create", reply=CommandResult(1, "", "ERROR: Access is denied.\r\n"))
    with pytest.raises(
        ActionError, match="cannot register the scheduled task: schtasks said: ERROR: Access is denied."
    ):
        install_daemon(setup)
    assert leftovers(setup.unit_dir) == []


def test_uninstall_deletes_the_task_and_its_xml_idempotently(setup):
    install_daemon(setup)
    setup.runner.reset()
    setup.runner.on("schtasks", "/Delete", reply=OK)
    setup.runner.on("schtasks", "/Query", reply=NOT_FOUND)
    status = uninstall_daemon(setup)
    assert setup.runner.calls == [
        ["schtasks", "/Delete", "/TN", setup.names.task, "/F"],
        ["schtasks", "/Query", "/TN", setup.names.task, "/XML"],
    ]
    assert status.state == "not_installed" and leftovers(setup.unit_dir) == []
    setup.runner.on("schtasks", "/Delete", reply=NOT_FOUND)
    assert uninstall_daemon(setup).state == "not_installed"


def test_arguments_quote_a_home_with_spaces(setup):
    assert f'"{setup.amx_home}"' in task_arguments(setup)


def test_launcher_sets_the_environment_and_sends_output_to_the_log(tmp_path, monkeypatch):
    """What the task runs: AMX_HOME and PATH set, no console (stdout None) -> the tick log, then the tick module."""
    package = tmp_path / "mods"
    package.mkdir()
    (package / "fake_tick.py").write_text(
        "import os, sys\nprint('home', os.environ['AMX_HOME'])\nprint('path', os.environ['PATH'])\n"
        "print('argv', sys.argv[1:])\n"
    )
    monkeypatch.syspath_prepend(str(package))
    monkeypatch.setattr(launch, "TICK_MODULE", "fake_tick")
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setenv("AMX_HOME", "elsewhere")
    monkeypatch.setenv("PATH", os.environ["PATH"])
    home = tmp_path / "amx home é"
    launch.main(["--amx-home", str(home), "--path", "C:\\Py;C:\\Windows"])
    sys.stdout.close()
    log = home / "logs" / "tick.log"
    assert log.read_text(encoding="utf-8").splitlines() == [f"home {home}", "path C:\\Py;C:\\Windows", "argv []"]
    assert oct(log.stat().st_mode & 0o777) == "0o600"
