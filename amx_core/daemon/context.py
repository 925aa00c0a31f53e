"""Everything an install depends on (platform, paths, interpreter, runner) as one value, defaults from this machine.

Tests build one with another platform, a temporary user home and a scripted runner, so every
platform's install, status and uninstall runs anywhere.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from amx_core import config
from amx_core.daemon.files import FileWriter
from amx_core.daemon.runner import CommandRunner, SubprocessRunner
from amx_core.errors import ValidationError
from amx_core.storelocation import StoreLocation

PLATFORMS = ("darwin", "linux", "windows")
SYS_PLATFORM_NAMES = {"darwin": "darwin", "linux": "linux", "win32": "windows"}
TICK_MODULE = "amx_core.tick.entry"
LAUNCH_MODULE = "amx_core.daemon.launch"

SYSTEM_BIN_DIRS = {
    "darwin": ("/opt/homebrew/bin", "/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"),
    "linux": ("/usr/local/bin", "/usr/bin", "/bin"),
}
PATH_SEPARATORS = {"darwin": ":", "linux": ":", "windows": ";"}
USER_RUNTIME_ROOT = Path("/run/user")


def current_platform() -> str:
    """This machine's platform in the daemon's vocabulary ('darwin' | 'linux' | 'windows', else sys.platform)."""
    return SYS_PLATFORM_NAMES.get(sys.platform, sys.platform)


def home_hash(amx_home: Path) -> str:
    """Eight hex digits naming one AMX home, so two homes never share a hook."""
    return hashlib.sha256(str(amx_home).encode("utf-8", "surrogateescape")).hexdigest()[:8]


@dataclass(frozen=True)
class DaemonNames:
    """The names one AMX home's hook goes by on each OS (all safe as file and unit names)."""

    digest: str

    @property
    def label(self) -> str:
        return f"com.amx.tick.{self.digest}"

    @property
    def unit(self) -> str:
        return f"amx-tick-{self.digest}"

    @property
    def service(self) -> str:
        return f"{self.unit}.service"

    @property
    def timer(self) -> str:
        return f"{self.unit}.timer"

    @property
    def task(self) -> str:
        return self.unit

    @property
    def cron_marker(self) -> str:
        return f"# amx-tick {self.label}"


def _default_unit_dir(platform: str, user_home: Path, amx_home: Path, env: Mapping[str, str] | None) -> Path:
    if platform == "darwin":
        return user_home / "Library" / "LaunchAgents"
    if platform == "windows":
        return amx_home / "daemon"
    xdg = env.get("XDG_CONFIG_HOME") if env is not None else None
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else user_home / ".config"
    return base / "systemd" / "user"


@dataclass(frozen=True)
class DaemonSetup:
    """The inputs of install, status and uninstall; build it with `DaemonSetup.current(...)`."""

    platform: str
    amx_home: Path
    user_home: Path
    unit_dir: Path
    python: Path
    runner: CommandRunner = field(compare=False)
    files: FileWriter = field(compare=False)
    uid: int
    user: str
    system_root: str = "C:\\Windows"
    store: StoreLocation = field(default_factory=StoreLocation)
    runtime_dir: Path | None = None  # XDG_RUNTIME_DIR of the caller, when set
    runtime_root: Path = USER_RUNTIME_ROOT  # where user managers live when XDG_RUNTIME_DIR is unset

    @classmethod
    def current(
        cls,
        *,
        platform: str | None = None,
        amx_home: Path | str | None = None,
        user_home: Path | str | None = None,
        unit_dir: Path | str | None = None,
        python: Path | str | None = None,
        runner: CommandRunner | None = None,
        files: FileWriter | None = None,
        uid: int | None = None,
        user: str | None = None,
        system_root: str | None = None,
        store: StoreLocation | None = None,
        environ: Mapping[str, str] | None = None,
        runtime_dir: Path | str | None = None,
        runtime_root: Path | str | None = None,
    ) -> DaemonSetup:
        """This machine's values, each replaceable (tests pass a platform, folders and a scripted runner).

        `environ` (default: this process's) gives XDG_RUNTIME_DIR, SystemRoot and the store's location
        (AMX_STORE_URL and its password reference); ValidationError when AMX_STORE_URL holds a secret.
        """
        env = os.environ if environ is None else environ
        platform = platform or current_platform()
        home = Path(amx_home).expanduser().resolve() if amx_home is not None else config.amx_home()
        user_dir = Path(user_home) if user_home is not None else Path.home()
        folder = (
            Path(unit_dir)
            if unit_dir is not None
            else _default_unit_dir(platform, user_dir, home, env if user_home is None else None)
        )
        runtime = str(runtime_dir) if runtime_dir is not None else env.get("XDG_RUNTIME_DIR", "")
        return cls(
            platform=platform,
            amx_home=home,
            user_home=user_dir,
            unit_dir=folder,
            python=Path(python) if python is not None else Path(os.path.abspath(sys.executable or "")),
            runner=runner or SubprocessRunner(),
            files=files or FileWriter(),
            uid=uid if uid is not None else (os.getuid() if hasattr(os, "getuid") else 0),
            user=user or getpass.getuser(),
            system_root=system_root or env.get("SystemRoot", "C:\\Windows"),
            store=store if store is not None else StoreLocation.from_environ(env),
            runtime_dir=Path(runtime) if runtime and Path(runtime).is_absolute() else None,
            runtime_root=Path(runtime_root) if runtime_root is not None else USER_RUNTIME_ROOT,
        )

    @property
    def names(self) -> DaemonNames:
        return DaemonNames(home_hash(self.amx_home))

    @property
    def log_path(self) -> Path:
        return self.amx_home / config.LOG_DIR / config.TICK_LOG

    @property
    def interpreter(self) -> Path:
        """The program the hook starts: on Windows `pythonw.exe` beside the interpreter (no console window)."""
        if self.platform == "windows":
            windowless = self.python.with_name("pythonw.exe")
            if windowless.is_file():
                return windowless
        return self.python

    @property
    def hook_path_env(self) -> str:
        """An explicit PATH for the hook: the interpreter's folder first, then the system folders."""
        folder = str(self.python.parent)
        if self.platform == "windows":
            root = self.system_root.rstrip("\\")
            parts = [folder, str(self.python.parent / "Scripts"), f"{root}\\System32", root]
        else:
            parts = [folder, *SYSTEM_BIN_DIRS.get(self.platform, SYSTEM_BIN_DIRS["linux"])]
        unique = list(dict.fromkeys(parts))
        return PATH_SEPARATORS.get(self.platform, ":").join(unique)

    @property
    def hook_environment(self) -> dict[str, str]:
        """The only variables a hook carries: never the caller's whole environment (it may hold secrets).

        In team mode that adds the store it was installed for: AMX_STORE_URL (no secret inside) and the
        names of the password reference, so the OS timer ticks the same store that status reads.
        """
        return {"AMX_HOME": str(self.amx_home), **self.store.environment(), "PATH": self.hook_path_env}


def _refuse_unwritable(field_name: str, text: str) -> None:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ValidationError(field_name, f"{text!r} holds a control character, which no OS hook can carry")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(field_name, f"{text!r} is not valid UTF-8") from exc


def check_setup(setup: DaemonSetup) -> None:
    """Refuse values that cannot be written safely into a unit file, plist, task XML or crontab line."""
    if setup.platform not in PLATFORMS:
        raise ValidationError(
            "platform", f"no daemon support for {setup.platform!r} (supported: {', '.join(PLATFORMS)})"
        )
    _refuse_unwritable("AMX_HOME", str(setup.amx_home))
    for name, value in setup.store.environment().items():
        _refuse_unwritable(name, value)
    _refuse_unwritable("python", str(setup.python))
    if not str(setup.python) or not setup.python.is_absolute():
        raise ValidationError("python", f"the interpreter path {str(setup.python)!r} is not absolute")
    if not setup.python.is_file():
        raise ValidationError("python", f"the interpreter {setup.python} does not exist")
