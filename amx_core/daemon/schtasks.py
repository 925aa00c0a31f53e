"""Windows: a Task Scheduler task registered from XML, since `/SC MINUTE` flags cannot set battery or overlap rules.

The XML is written as UTF-16 with a byte-order mark and a matching declaration, the encoding
Task Scheduler itself exports and `schtasks /Create /XML` reads without complaint.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from amx_core.daemon.context import LAUNCH_MODULE, DaemonSetup
from amx_core.daemon.files import FileTransaction, remove_files
from amx_core.daemon.hookstate import NOT_KNOWN_TO_OS, STALE_HOOK, HookState, file_state
from amx_core.errors import ActionError

TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"
START_BOUNDARY = "2024-01-01T00:00:00"
NOT_FOUND_TEXT = "cannot find"
XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
ENABLED_RE = re.compile(r"<Settings>.*?<Enabled>(true|false)</Enabled>", re.S)

SETTINGS = (
    ("MultipleInstancesPolicy", "IgnoreNew"),
    ("DisallowStartIfOnBatteries", "false"),
    ("StopIfGoingOnBatteries", "false"),
    ("AllowHardTerminate", "true"),
    ("StartWhenAvailable", "true"),
    ("RunOnlyIfNetworkAvailable", "false"),
    ("AllowStartOnDemand", "true"),
    ("Enabled", "true"),
    ("Hidden", "false"),
    ("RunOnlyIfIdle", "false"),
    ("WakeToRun", "false"),
    ("ExecutionTimeLimit", "PT0S"),
    ("Priority", "7"),
)


def task_xml_path(setup: DaemonSetup) -> Path:
    return setup.unit_dir / f"{setup.names.task}.xml"


def _child(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def task_arguments(setup: DaemonSetup) -> str:
    """The launcher's command line (Task Scheduler cannot set environment variables, so they go as arguments)."""
    argv = ["-m", LAUNCH_MODULE, "--amx-home", str(setup.amx_home), "--path", setup.hook_path_env]
    for name, value in setup.store.environment().items():
        argv += ["--set", f"{name}={value}"]
    return subprocess.list2cmdline(argv)


def render_task(setup: DaemonSetup) -> bytes:
    """The task: every minute, start when a run was missed, run on battery, never two at once."""
    task = ET.Element("Task", {"version": "1.2", "xmlns": TASK_NS})
    info = _child(task, "RegistrationInfo")
    _child(info, "Description", f"AMX Schedules tick for AMX_HOME={setup.amx_home}")
    _child(info, "URI", f"\\{setup.names.task}")
    trigger = _child(_child(task, "Triggers"), "TimeTrigger")
    repetition = _child(trigger, "Repetition")
    _child(repetition, "Interval", "PT1M")
    _child(repetition, "StopAtDurationEnd", "false")
    _child(trigger, "StartBoundary", START_BOUNDARY)
    _child(trigger, "Enabled", "true")
    principal = _child(_child(task, "Principals"), "Principal", id="Author")
    _child(principal, "LogonType", "InteractiveToken")
    _child(principal, "RunLevel", "LeastPrivilege")
    settings = _child(task, "Settings")
    for tag, value in SETTINGS:
        _child(settings, tag, value)
    idle = _child(settings, "IdleSettings")
    _child(idle, "StopOnIdleEnd", "false")
    _child(idle, "RestartOnIdle", "false")
    action = _child(_child(task, "Actions", Context="Author"), "Exec")
    _child(action, "Command", str(setup.interpreter))
    _child(action, "Arguments", task_arguments(setup))
    _child(action, "WorkingDirectory", str(setup.amx_home))
    ET.indent(task)
    text = '<?xml version="1.0" encoding="UTF-16"?>\n' + ET.tostring(task, encoding="unicode") + "\n"
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")


def task_enabled(xml_text: str) -> bool:
    """Settings/Enabled of a task as `schtasks /Query /XML` prints it (absent means enabled)."""
    try:
        root = ET.fromstring(XML_DECLARATION_RE.sub("", xml_text, count=1))
    except ET.ParseError:
        match = ENABLED_RE.search(xml_text)
        return match is None or match.group(1) == "true"
    found = root.find(f"{{{TASK_NS}}}Settings/{{{TASK_NS}}}Enabled")
    return found is None or (found.text or "").strip().lower() == "true"


class SchtasksBackend:
    """`schtasks /Create /XML file /TN name /F`; loaded = `schtasks /Query` finds it and it is enabled."""

    mechanism = "schtasks"

    def install(self, setup: DaemonSetup) -> tuple[str, ...]:
        path = task_xml_path(setup)
        files = FileTransaction(setup.files)
        files.write(path, render_task(setup))
        result = setup.runner.run(["schtasks", "/Create", "/XML", str(path), "/TN", setup.names.task, "/F"])
        if not result.ok:
            files.rollback()
            reason = "schtasks is not available" if result.not_found else f"schtasks said: {result.summary()}"
            raise ActionError(f"cannot register the scheduled task: {reason}")
        return ()

    def uninstall(self, setup: DaemonSetup) -> None:
        result = setup.runner.run(["schtasks", "/Delete", "/TN", setup.names.task, "/F"])
        remove_files(setup.files, [task_xml_path(setup)])
        if not result.ok and not result.not_found and NOT_FOUND_TEXT not in result.text.lower():
            raise ActionError(f"cannot delete the scheduled task: schtasks said: {result.summary()}")

    def inspect(self, setup: DaemonSetup) -> HookState:
        path = task_xml_path(setup)
        present, stale, written_at = file_state((path,), (render_task(setup),))
        queried = setup.runner.run(["schtasks", "/Query", "/TN", setup.names.task, "/XML"])
        known = queried.ok
        enabled = task_enabled(queried.stdout) if known else None
        warnings: list[str] = []
        if not known and NOT_FOUND_TEXT not in queried.text.lower():
            warnings.append(f"schtasks /Query failed: {queried.summary()}")
        if present and not known:
            warnings.append(NOT_KNOWN_TO_OS)
        if known and enabled is False:
            warnings.append("the task is disabled in Task Scheduler: reinstall to switch it back on")
        if known and not present:
            warnings.append(f"the task is registered but {path} is gone: reinstall to repair")
        if stale:
            warnings.append(STALE_HOOK)
        return HookState(
            mechanism=self.mechanism,
            installed=present,
            loaded=known and bool(enabled),
            unit_files=(path,),
            enabled=enabled,
            installed_at=written_at,
            warnings=tuple(warnings),
        )
