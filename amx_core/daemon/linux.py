"""Linux: systemd --user where a user bus exists, else the crontab fallback, and status says which and why."""

from __future__ import annotations

from dataclasses import replace

from amx_core.daemon.context import DaemonSetup
from amx_core.daemon.crontab import CrontabBackend, crontab_unavailable, read_crontab
from amx_core.daemon.hookstate import HookState
from amx_core.daemon.systemd import SystemdBackend, unit_paths, user_manager
from amx_core.errors import ActionError


def _no_bus(why: str) -> str:
    return f"no user systemd bus ({why})"


class LinuxBackend:
    """Chooses the mechanism on every call, so a machine that gains or loses its user bus is handled."""

    def __init__(self) -> None:
        self.systemd = SystemdBackend()
        self.cron = CrontabBackend()

    def install(self, setup: DaemonSetup) -> tuple[str, ...]:
        reachable, why = user_manager(setup)
        if reachable:
            notes = self.systemd.install(setup)
            try:
                self.cron.uninstall(setup)  # an earlier fallback line would tick twice
            except ActionError as exc:
                notes += (f"could not remove the old crontab line: {exc.message}",)
            return notes
        result, lines = read_crontab(setup)
        if lines is None:
            raise ActionError(
                f"cannot install the tick hook: {_no_bus(why)} and {crontab_unavailable(result)}; "
                "run `amx-tick` from another scheduler every minute instead"
            )
        self.systemd.remove_files_only(setup)
        self.cron.install_into(setup, lines)
        return ()

    def uninstall(self, setup: DaemonSetup) -> None:
        reachable, _ = user_manager(setup)
        if reachable:
            self.systemd.uninstall(setup)
        else:
            self.systemd.remove_files_only(setup)
        self.cron.uninstall(setup)

    def inspect(self, setup: DaemonSetup) -> HookState:
        reachable, why = user_manager(setup)
        systemd_state = self.systemd.inspect(setup) if reachable else None
        if systemd_state is not None and (systemd_state.installed or systemd_state.loaded):
            return systemd_state
        result, lines = read_crontab(setup)
        bus_note = (
            ("a user systemd bus is available now: reinstall to switch from the crontab line to a systemd timer",)
            if reachable
            else (f"{_no_bus(why)}: using a crontab line instead",)
        )
        if lines:
            cron_state = self.cron.inspect_lines(setup, lines)
            if cron_state.installed:
                return replace(cron_state, warnings=bus_note + cron_state.warnings)
        if not reachable and self.systemd.files_present(setup):
            return HookState(
                mechanism=self.systemd.mechanism,
                installed=True,
                loaded=False,
                unit_files=unit_paths(setup),
                warnings=(f"{_no_bus(why)}: the timer cannot run here; reinstall to switch to the crontab fallback",),
            )
        if systemd_state is not None:
            return systemd_state
        if lines is not None:
            return HookState(
                mechanism=self.cron.mechanism,
                installed=False,
                loaded=False,
                warnings=(f"{_no_bus(why)}: install will use a crontab line",),
            )
        return HookState(
            mechanism=None,
            installed=False,
            loaded=False,
            warnings=(f"{_no_bus(why)} and {crontab_unavailable(result)}: the daemon cannot be installed here",),
        )
