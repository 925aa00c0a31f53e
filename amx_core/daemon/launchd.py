"""macOS: a per-user launchd agent (plist in ~/Library/LaunchAgents) driven by modern launchctl verbs."""

from __future__ import annotations

import plistlib
import re
from pathlib import Path

from amx_core.daemon.context import TICK_MODULE, DaemonSetup
from amx_core.daemon.files import FileTransaction, remove_files
from amx_core.daemon.hookstate import NOT_KNOWN_TO_OS, STALE_HOOK, HookState, file_state
from amx_core.daemon.runner import CommandResult
from amx_core.errors import ActionError

START_INTERVAL_SECONDS = 60
NOT_FOUND_TEXT = "Could not find service"
DISABLED_VALUES = {"disabled", "true"}
LAST_EXIT_RE = re.compile(r"last exit code = (-?\d+)")


def plist_path(setup: DaemonSetup) -> Path:
    return setup.unit_dir / f"{setup.names.label}.plist"


def render_plist(setup: DaemonSetup) -> bytes:
    """The agent: run the tick every 60 s and at load, with AMX_HOME and an explicit PATH, output to the log."""
    log = str(setup.log_path)
    agent = {
        "Label": setup.names.label,
        "ProgramArguments": [str(setup.interpreter), "-m", TICK_MODULE],
        "EnvironmentVariables": setup.hook_environment,
        "StartInterval": START_INTERVAL_SECONDS,
        "RunAtLoad": True,
        "ProcessType": "Background",
        "StandardOutPath": log,
        "StandardErrorPath": log,
    }
    return plistlib.dumps(agent, fmt=plistlib.FMT_XML, sort_keys=True)


def _domain(setup: DaemonSetup) -> str:
    return f"gui/{setup.uid}"


def _target(setup: DaemonSetup) -> str:
    return f"{_domain(setup)}/{setup.names.label}"


def _fail(what: str, result: CommandResult) -> ActionError:
    if result.not_found:
        return ActionError(f"cannot {what}: launchctl is not available on this machine")
    return ActionError(f"cannot {what}: launchctl said: {result.summary()}")


class LaunchdBackend:
    """bootstrap / enable / kickstart -k (never the deprecated `load`); loaded = `launchctl print` finds it."""

    mechanism = "launchd"

    def install(self, setup: DaemonSetup) -> tuple[str, ...]:
        run = setup.runner.run
        path = plist_path(setup)
        # A loaded agent keeps its old definition until booted out; not being loaded is fine here.
        run(["launchctl", "bootout", _target(setup)])
        files = FileTransaction(setup.files)
        files.write(path, render_plist(setup))
        steps = (
            ("switch the agent on", ["launchctl", "enable", _target(setup)]),
            ("load the agent", ["launchctl", "bootstrap", _domain(setup), str(path)]),
            ("start the agent", ["launchctl", "kickstart", "-k", _target(setup)]),
        )
        for what, argv in steps:
            result = run(argv)
            if not result.ok:
                run(["launchctl", "bootout", _target(setup)])
                files.rollback()
                raise _fail(what, result)
        return ()

    def uninstall(self, setup: DaemonSetup) -> None:
        result = setup.runner.run(["launchctl", "bootout", _target(setup)])
        remove_files(setup.files, [plist_path(setup)])
        if not result.ok and not result.not_found and not _is_absent(result):
            raise _fail("unload the agent", result)

    def inspect(self, setup: DaemonSetup) -> HookState:
        path = plist_path(setup)
        present, stale, written_at = file_state((path,), (render_plist(setup),))
        printed = setup.runner.run(["launchctl", "print", _target(setup)])
        loaded = printed.ok
        warnings: list[str] = []
        if not loaded and not _is_absent(printed):
            warnings.append(f"launchctl print failed: {printed.summary()}")
        disabled = _disabled_by_user(setup)
        if present and not loaded:
            warnings.append(NOT_KNOWN_TO_OS)
        if loaded and not present:
            warnings.append(f"loaded but {path} is missing: it will not start at next login; reinstall to repair")
        if disabled:
            warnings.append(
                "switched off by the user (Login Items or launchctl disable): reinstall to switch it back on"
            )
        if stale:
            warnings.append(STALE_HOOK)
        exit_code = LAST_EXIT_RE.search(printed.stdout) if loaded else None
        if exit_code and int(exit_code.group(1)) != 0:
            warnings.append(f"the last tick exited with code {exit_code.group(1)}: see the log")
        return HookState(
            mechanism=self.mechanism,
            installed=present,
            loaded=loaded,
            unit_files=(path,),
            enabled=None if disabled is None else not disabled,
            disabled_by_user=disabled,
            installed_at=written_at,
            warnings=tuple(warnings),
        )


def _is_absent(result: CommandResult) -> bool:
    """launchctl's answers for a service it does not have (print: 113, bootout: 3 / 36 / 113)."""
    text = result.text
    return NOT_FOUND_TEXT in text or "No such process" in text or result.returncode in {3, 113}


def _disabled_by_user(setup: DaemonSetup) -> bool | None:
    """Read `launchctl print-disabled`: `"<label>" => disabled` (or `=> true` on older macOS)."""
    result = setup.runner.run(["launchctl", "print-disabled", _domain(setup)])
    if not result.ok:
        return None
    pattern = re.compile(rf'"{re.escape(setup.names.label)}"\s*=>\s*(\w+)')
    match = pattern.search(result.stdout)
    if match is None:
        return False
    return match.group(1).lower() in DISABLED_VALUES
