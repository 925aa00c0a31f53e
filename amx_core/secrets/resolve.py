"""Looking a secret up where its reference points: the environment, secrets.env (0600 only), or the keyring.

The daemon has no login shell, so `$AMX_HOME/secrets.env` is what scheduled runs rely on;
like an ssh key it is refused when others can read it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from amx_core import config
from amx_core.errors import ActionError
from amx_core.secrets.refs import split_ref


def read_secrets_file(path: Path | None = None) -> dict[str, str]:
    """Parse `KEY=value` lines; refuse the file unless only its owner can read it."""
    path = path or config.secrets_path()
    if not path.exists():
        return {}
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ActionError(f"secrets: {path} has mode {mode:04o}; it must be 0600 (run: chmod 600 '{path}')")
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip()
        if key.startswith("export "):
            key = key[len("export ") :].strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def _from_env(name: str, secrets_file: Path | None = None) -> str | None:
    return os.environ.get(name)


def _from_file(name: str, secrets_file: Path | None = None) -> str | None:
    return read_secrets_file(secrets_file).get(name)


def _from_keyring(name: str, secrets_file: Path | None = None) -> str | None:
    try:
        import keyring  # optional dependency
    except ImportError:
        return None
    try:
        return keyring.get_password("amx", name)
    except Exception:  # noqa: BLE001 - a broken keyring backend is "not found", not a crash
        return None


_SOURCES = {"env": _from_env, "key": _from_file, "keyring": _from_keyring}


def resolve_secret(
    ref: str | None, *, required: bool = False, what: str = "secret", secrets_file: Path | None = None
) -> str | None:
    """The secret's value, or None; `env:` also falls back to secrets.env (the daemon has no shell env).

    `secrets_file` defaults to this process's `$AMX_HOME/secrets.env`; the daemon status passes the one
    of the home it reports on.
    """
    if not ref:
        return None
    scheme, name = split_ref(ref)
    lookup = _SOURCES.get(scheme)
    value = lookup(name, secrets_file) if lookup else None
    if value is None and scheme == "env":
        value = _from_file(name, secrets_file)
    if value is None and required:
        path = secrets_file or config.secrets_path()
        raise ActionError(f"{what}: {ref} is not set (export it, or add {name}=... to {path} with mode 0600)")
    return value
