"""Where AMX keeps its files: one home folder, resolved from the environment on each call."""

from __future__ import annotations

import os
from pathlib import Path

STORE_FILE = "amx.db"
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
    """Create a folder readable by its owner only (0700), like ~/.ssh."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path


def ensure_home() -> Path:
    home = ensure_private_dir(amx_home())
    ensure_private_dir(home / LOG_DIR)
    return home


def secrets_path() -> Path:
    return amx_home() / SECRETS_FILE


def log_dir() -> Path:
    return amx_home() / LOG_DIR


def tick_log_path() -> Path:
    return log_dir() / TICK_LOG


def touch_private_file(path: Path) -> None:
    """Create (if absent) a file with mode 0600 before anything is written to it."""
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
