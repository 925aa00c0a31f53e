"""Where AMX keeps its files: one home folder, resolved from the environment on each call."""

from __future__ import annotations

import os
from pathlib import Path

STORE_FILE = "amx.db"
BUSY_TIMEOUT_VAR = "AMX_STORE_BUSY_SECONDS"
DEFAULT_BUSY_SECONDS = 30.0
SECRETS_FILE = "secrets.env"
LOG_DIR = "logs"
TICK_LOG = "tick.log"


def amx_home() -> Path:
    """The home folder; `AMX_HOME` wins so tests and two installs never share a store."""
    env = os.environ.get("AMX_HOME")
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir("amx", appauthor=False)).resolve()


def ensure_private_dir(path: Path) -> Path:
    """Create `path` and any missing parent readable by its owner only (0700), like ~/.ssh.

    A folder that already exists keeps its mode: one the user made read-only (0555) stays read-only.
    OSError (e.g. PermissionError) when a folder cannot be made.
    """
    missing: list[Path] = []
    folder = path
    while not folder.is_dir():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made a moment ago by another process: not ours to change
        os.chmod(folder, 0o700)  # mkdir's mode passes through the umask
    return path


def ensure_home() -> Path:
    """The home folder, made 0700 when absent; its logs folder too, when the home lets us write it."""
    home = ensure_private_dir(amx_home())
    try:
        ensure_private_dir(home / LOG_DIR)
    except OSError:
        pass  # a read-only home still serves reads; the tick log skips lines it cannot write
    return home


def busy_timeout_seconds() -> float:
    """How long a store operation waits on another process's lock before it gives up (AMX_STORE_BUSY_SECONDS).

    Default 30 s; an unreadable value means the default, and it is kept between 0.01 s and an hour.
    """
    raw = os.environ.get(BUSY_TIMEOUT_VAR, "")
    try:
        seconds = float(raw) if raw.strip() else DEFAULT_BUSY_SECONDS
    except ValueError:
        return DEFAULT_BUSY_SECONDS
    if seconds != seconds:  # NaN
        return DEFAULT_BUSY_SECONDS
    return min(max(seconds, 0.01), 3600.0)


def secrets_path() -> Path:
    return amx_home() / SECRETS_FILE


def log_dir() -> Path:
    return amx_home() / LOG_DIR


def tick_log_path() -> Path:
    return log_dir() / TICK_LOG


def touch_private_file(path: Path) -> None:
    """Create (if absent) a file with mode 0600 before anything is written to it; an existing file keeps its mode."""
    ensure_private_dir(path.parent)
    if path.exists():
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return  # another process made it a moment ago
    try:
        os.chmod(path, 0o600)  # the mode given to open passes through the umask
    except OSError:
        pass
