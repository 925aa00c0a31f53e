"""The per-user OS hook that runs `amx-tick` every minute: install, uninstall and a truthful status."""

from amx_core.daemon.context import DaemonSetup
from amx_core.daemon.runner import CommandResult, CommandRunner, SubprocessRunner
from amx_core.daemon.service import daemon_status, install_daemon, uninstall_daemon
from amx_core.daemon.status import DaemonStatus

__all__ = [
    "CommandResult",
    "CommandRunner",
    "DaemonSetup",
    "DaemonStatus",
    "SubprocessRunner",
    "daemon_status",
    "install_daemon",
    "uninstall_daemon",
]
