"""The Linux fallback where no user systemd bus exists: one marked line in the user's crontab."""

from __future__ import annotations

import shlex

from amx_core.daemon.context import TICK_MODULE, DaemonSetup
from amx_core.daemon.hookstate import STALE_HOOK, HookState
from amx_core.daemon.runner import CommandResult
from amx_core.errors import ActionError

NO_CRONTAB_TEXT = "no crontab for"
CRON_DAEMONS = "cron|crond"


def _cron_word(value: str) -> str:
    """A shell word cron passes through intact: quoted for sh, `%` escaped (cron turns a bare % into a newline)."""
    return shlex.quote(value).replace("%", "\\%")


def render_line(setup: DaemonSetup) -> str:
    """`* * * * * AMX_HOME=... PATH=... <python> -m amx_core.tick.entry >> log 2>&1 # amx-tick <label>`."""
    env = " ".join(f"{key}={_cron_word(value)}" for key, value in setup.hook_environment.items())
    python = _cron_word(str(setup.interpreter))
    log = _cron_word(str(setup.log_path))
    return f"* * * * * {env} {python} -m {TICK_MODULE} >> {log} 2>&1 {setup.names.cron_marker}"


def _is_ours(line: str, setup: DaemonSetup) -> bool:
    return line.rstrip().endswith(setup.names.cron_marker)


def read_crontab(setup: DaemonSetup) -> tuple[CommandResult, list[str] | None]:
    """The user's crontab lines ([] when there is none yet), or None when crontab cannot be read."""
    result = setup.runner.run(["crontab", "-l"])
    if result.ok:
        return result, result.stdout.splitlines()
    if not result.not_found and NO_CRONTAB_TEXT in result.text:
        return result, []
    return result, None


def _write_crontab(setup: DaemonSetup, lines: list[str]) -> None:
    text = "".join(f"{line}\n" for line in lines)
    result = setup.runner.run(["crontab", "-"], input=text)
    if not result.ok:
        raise ActionError(f"cannot write the crontab: crontab said: {result.summary()}")


def crontab_unavailable(result: CommandResult) -> str:
    """Why the crontab cannot be used, in words."""
    if result.not_found:
        return "crontab is not installed"
    return f"crontab -l failed: {result.summary()}"


class CrontabBackend:
    """Install replaces our marked line and keeps every other line; uninstall removes only ours."""

    mechanism = "crontab"

    def install(self, setup: DaemonSetup) -> tuple[str, ...]:
        result, lines = read_crontab(setup)
        if lines is None:
            raise ActionError(f"cannot install the crontab fallback: {crontab_unavailable(result)}")
        self.install_into(setup, lines)
        return ()

    def install_into(self, setup: DaemonSetup, lines: list[str]) -> None:
        """Put our line into the crontab already read as `lines`, writing only when something changes."""
        wanted = render_line(setup)
        kept = [line for line in lines if not _is_ours(line, setup)]
        if kept + [wanted] != lines:
            _write_crontab(setup, kept + [wanted])

    def uninstall(self, setup: DaemonSetup) -> None:
        """Drop our line; when it was the only one, remove the crontab, as it was before the install."""
        result, lines = read_crontab(setup)
        if lines is None:
            return
        kept = [line for line in lines if not _is_ours(line, setup)]
        if kept == lines:
            return
        if kept:
            _write_crontab(setup, kept)
            return
        removed = setup.runner.run(["crontab", "-r"])
        if not removed.ok and NO_CRONTAB_TEXT not in removed.text:
            raise ActionError(f"cannot remove the crontab: crontab said: {removed.summary()}")

    def inspect_lines(self, setup: DaemonSetup, lines: list[str]) -> HookState:
        ours = [line for line in lines if _is_ours(line, setup)]
        if not ours:
            return HookState(mechanism=self.mechanism, installed=False, loaded=False)
        warnings: list[str] = []
        if ours != [render_line(setup)]:
            warnings.append(STALE_HOOK)
        running = setup.runner.run(["pgrep", "-x", CRON_DAEMONS])
        if running.not_found:
            loaded = True
            warnings.append("cannot check that a cron daemon runs (pgrep is missing)")
        else:
            loaded = running.ok
            if not loaded:
                warnings.append("the crontab line is present but no cron daemon is running: the tick will not run")
        return HookState(
            mechanism=self.mechanism, installed=True, loaded=loaded, enabled=True, warnings=tuple(warnings)
        )
