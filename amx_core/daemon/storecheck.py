"""Which store a hook ticks, and whether its tick can log in there without the caller's shell environment."""

from __future__ import annotations

from amx_core import config
from amx_core.daemon.context import DaemonSetup
from amx_core.daemon.hookstate import HookState
from amx_core.daemon.record import HookRecord
from amx_core.errors import ActionError
from amx_core.secrets.resolve import read_secrets_file
from amx_core.storelocation import PASSWORD_ENV_VAR, PASSWORD_KEY_VAR, StoreLocation


def hook_store(setup: DaemonSetup, record: HookRecord | None, hook: HookState) -> tuple[StoreLocation, tuple[str, ...]]:
    """The store an installed hook ticks (as recorded at install), else the caller's; a note when they differ."""
    if record is None or not (hook.installed or hook.loaded) or record.store == setup.store:
        return setup.store, ()
    note = (
        f"this shell's store ({setup.store.shown(setup.amx_home)}) is not the one the hook ticks "
        f"({record.store.shown(setup.amx_home)}): status reads the hook's; reinstall to switch"
    )
    return record.store, (note,)


def password_warnings(setup: DaemonSetup, location: StoreLocation, hook: HookState) -> tuple[str, ...]:
    """The hook has no login shell: its store password must be in AMX_HOME's secrets.env, so say when it is not."""
    if not location.team or not (hook.installed or hook.loaded):
        return ()
    if location.password_env:
        name, variable = location.password_env, PASSWORD_ENV_VAR
    elif location.password_key:
        name, variable = location.password_key, PASSWORD_KEY_VAR
    else:
        return ()
    path = setup.amx_home / config.SECRETS_FILE
    try:
        found = name in read_secrets_file(path)
    except (ActionError, OSError) as exc:
        return (f"the hook cannot read its store password: {getattr(exc, 'message', exc)}",)
    if found:
        return ()
    return (
        f"{variable} names {name}, but the hook runs without your shell environment and {path} has no "
        f"{name}=... line: the tick cannot log in to the store",
    )
