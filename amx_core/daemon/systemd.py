"""Linux: a systemd --user oneshot service plus a minutely timer, enabled now and at login (linger)."""

from __future__ import annotations

import stat
from pathlib import Path

from amx_core.daemon.context import TICK_MODULE, DaemonSetup
from amx_core.daemon.files import FileTransaction, remove_files
from amx_core.daemon.hookstate import NOT_KNOWN_TO_OS, STALE_HOOK, HookState, file_state
from amx_core.daemon.runner import CommandResult
from amx_core.errors import ActionError, ValidationError

RUNNING_STATES = {"running", "degraded", "starting", "initializing", "maintenance", "stopping"}
ENABLED_STATES = {"enabled", "enabled-runtime"}
NOT_LINGERING_TEXT = "not logged in or lingering"
EXEC_FORBIDDEN = "\"'\\"
# The sockets a user manager answers on inside its runtime folder: the D-Bus session bus, else systemd's own.
MANAGER_SOCKETS = ("bus", "systemd/private")
LINGER_REFUSED = "could not turn linger on"


def unit_paths(setup: DaemonSetup) -> tuple[Path, Path]:
    """(service file, timer file) in the user's systemd folder."""
    return setup.unit_dir / setup.names.service, setup.unit_dir / setup.names.timer


def quote_value(value: str) -> str:
    """A double-quoted systemd word: backslash and quote escaped, `%` doubled (specifiers are expanded first)."""
    text = value.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'"{text}"'


def exec_program(setup: DaemonSetup) -> str:
    """ExecStart's program word; systemd refuses quotes and backslashes there and does not expand `$` in it."""
    program = str(setup.interpreter)
    bad = sorted(set(program) & set(EXEC_FORBIDDEN))
    if bad:
        raise ValidationError(
            "python",
            f"systemd cannot start an interpreter whose path holds {' '.join(bad)}: {program} "
            "(use an interpreter or virtualenv at a plainer path)",
        )
    return f'"{program.replace("%", "%%")}"'


def _header(setup: DaemonSetup) -> str:
    return f"# Written by `amx schedule install-daemon` for AMX_HOME={setup.amx_home}; reinstall rather than edit.\n"


def render_service(setup: DaemonSetup) -> str:
    """The oneshot service: absolute interpreter, module form, AMX_HOME and PATH only, output appended to the log."""
    environment = " ".join(quote_value(f"{key}={value}") for key, value in setup.hook_environment.items())
    log = str(setup.log_path).replace("%", "%%")
    return (
        _header(setup)
        + "[Unit]\n"
        + f"Description=AMX Schedules tick ({setup.names.label})\n"
        + "\n[Service]\n"
        + "Type=oneshot\n"
        + f"Environment={environment}\n"
        + f"ExecStart={exec_program(setup)} -m {TICK_MODULE}\n"
        + f"StandardOutput=append:{log}\n"
        + f"StandardError=append:{log}\n"
    )


def render_timer(setup: DaemonSetup) -> str:
    """Every minute, catching up once after sleep (Persistent), to the second (AccuracySec)."""
    return (
        _header(setup)
        + "[Unit]\n"
        + f"Description=AMX Schedules tick every minute ({setup.names.label})\n"
        + "\n[Timer]\n"
        + "OnCalendar=minutely\n"
        + "Persistent=true\n"
        + "AccuracySec=1s\n"
        + f"Unit={setup.names.service}\n"
        + "\n[Install]\n"
        + "WantedBy=timers.target\n"
    )


def _is_socket(path: Path) -> bool:
    try:
        return stat.S_ISSOCK(path.stat().st_mode)
    except OSError:
        return False


def manager_socket(setup: DaemonSetup) -> Path | None:
    """The user manager's socket under /run/user/<uid>, looked for only when XDG_RUNTIME_DIR is unset.

    `su` and `sudo -u` drop XDG_RUNTIME_DIR although the user's manager runs (lingering or
    logged in elsewhere); systemctl then cannot find it by itself.
    """
    if setup.runtime_dir is not None:
        return None
    folder = setup.runtime_root / str(setup.uid)
    for name in MANAGER_SOCKETS:
        if _is_socket(folder / name):
            return folder / name
    return None


def _systemctl(setup: DaemonSetup, *args: str) -> list[str]:
    """`systemctl --user ...`, told the runtime folder it found when the caller's XDG_RUNTIME_DIR is unset."""
    found = manager_socket(setup)
    if found is None:
        return ["systemctl", "--user", *args]
    return ["env", f"XDG_RUNTIME_DIR={setup.runtime_root / str(setup.uid)}", "systemctl", "--user", *args]


def bus_text(setup: DaemonSetup) -> str | None:
    """Which user manager socket status and install use, in words (None when systemctl finds it itself)."""
    found = manager_socket(setup)
    if found is None:
        return None
    return f"{found} (XDG_RUNTIME_DIR is unset; found under {setup.runtime_root})"


def _no_manager_here(setup: DaemonSetup) -> str:
    folder = setup.runtime_root / str(setup.uid)
    return (
        f"XDG_RUNTIME_DIR is unset and {folder} has no user manager socket: no systemd --user runs for "
        f"{setup.user} (log in, or `loginctl enable-linger {setup.user}`)"
    )


def user_manager(setup: DaemonSetup) -> tuple[bool, str]:
    """(reachable, why not): is there a user systemd on a bus we can talk to?"""
    result = setup.runner.run(_systemctl(setup, "is-system-running"))
    if result.not_found:
        return False, "systemctl is not installed"
    state = result.stdout.strip()
    if state in RUNNING_STATES:
        return True, ""
    if state and not result.stderr.strip():
        return False, f"the user service manager is not running: is-system-running says {state!r}"
    if setup.runtime_dir is None and manager_socket(setup) is None:
        return False, _no_manager_here(setup)
    return False, result.summary()


class SystemdBackend:
    """Files, daemon-reload, `enable --now` the timer, linger; loaded = the timer `is-active`."""

    mechanism = "systemd"

    def install(self, setup: DaemonSetup) -> tuple[str, ...]:
        service, timer = unit_paths(setup)
        files = FileTransaction(setup.files)
        files.write(service, render_service(setup).encode("utf-8"))
        files.write(timer, render_timer(setup).encode("utf-8"))
        run = setup.runner.run
        for what, argv in (
            ("reload the user units", _systemctl(setup, "daemon-reload")),
            ("start the timer", _systemctl(setup, "enable", "--now", setup.names.timer)),
        ):
            result = run(argv)
            if not result.ok:
                run(_systemctl(setup, "disable", "--now", setup.names.timer))
                files.rollback()
                run(_systemctl(setup, "daemon-reload"))
                raise _fail(what, result)
        return self._linger_on(setup)

    def _linger_on(self, setup: DaemonSetup) -> tuple[str, ...]:
        """Turn linger on unless logind already has it on; a refusal is one note (status then drops its own)."""
        if read_linger(setup) is True:
            return ()
        lingered = setup.runner.run(["loginctl", "--no-ask-password", "enable-linger", setup.user])
        if lingered.ok:
            return ()
        return (f"{LINGER_REFUSED} ({lingered.summary()}): the timer stops when you log out",)

    def uninstall(self, setup: DaemonSetup) -> None:
        run = setup.runner.run
        run(_systemctl(setup, "disable", "--now", setup.names.timer))
        remove_files(setup.files, list(unit_paths(setup)))
        run(_systemctl(setup, "daemon-reload"))

    def remove_files_only(self, setup: DaemonSetup) -> None:
        """Drop the unit files where no user manager can be told (no bus): nothing else knows them."""
        remove_files(setup.files, list(unit_paths(setup)))

    def files_present(self, setup: DaemonSetup) -> bool:
        return any(path.exists() for path in unit_paths(setup))

    def inspect(self, setup: DaemonSetup) -> HookState:
        paths = unit_paths(setup)
        expected = (render_service(setup).encode("utf-8"), render_timer(setup).encode("utf-8"))
        present, stale, written_at = file_state(paths, expected)
        run = setup.runner.run
        active = run(_systemctl(setup, "is-active", setup.names.timer)).stdout.strip() == "active"
        enabled_text = run(_systemctl(setup, "is-enabled", setup.names.timer)).stdout.strip() or "unknown"
        linger = read_linger(setup)
        warnings: list[str] = []
        if present and not active:
            warnings.append(NOT_KNOWN_TO_OS)
        if (present or active) and enabled_text not in ENABLED_STATES:
            warnings.append(
                f"the timer is not enabled (is-enabled: {enabled_text}): it will not start at next login; "
                "reinstall to repair"
            )
        if (present or active) and linger is False:
            warnings.append(
                f"linger is off: the timer stops when you log out (`loginctl enable-linger {setup.user}` keeps it)"
            )
        if active and not present:
            warnings.append("the timer runs but its unit files are gone: reinstall to repair")
        if stale:
            warnings.append(STALE_HOOK)
        return HookState(
            mechanism=self.mechanism,
            installed=present,
            loaded=active,
            unit_files=paths,
            enabled=enabled_text in ENABLED_STATES,
            linger=linger,
            installed_at=written_at,
            bus=bus_text(setup),
            warnings=tuple(warnings),
        )


def read_linger(setup: DaemonSetup) -> bool | None:
    """`loginctl show-user` Linger=yes|no; None when logind cannot be asked."""
    result = setup.runner.run(["loginctl", "show-user", setup.user, "--property=Linger", "--value"])
    if result.ok:
        return result.stdout.strip() == "yes"
    if NOT_LINGERING_TEXT in result.text:
        return False
    return None


def _fail(what: str, result: CommandResult) -> ActionError:
    return ActionError(f"cannot {what}: systemctl --user said: {result.summary()}")
