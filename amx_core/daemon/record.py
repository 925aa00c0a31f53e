"""What `install-daemon` leaves in AMX_HOME for status: when it installed, how, and which store the hook ticks.

A crontab line has no file date, and the caller's shell may not name the store the hook was
installed for; this small 0600 file (names and paths only, never a secret) answers both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from amx_core.daemon.context import DaemonSetup
from amx_core.daemon.files import read_bytes
from amx_core.errors import AmxError
from amx_core.storelocation import StoreLocation

RECORD_FILE = "daemon.json"
RECORD_MODE = 0o600


@dataclass(frozen=True)
class HookRecord:
    """The install time (POSIX seconds), the mechanism chosen, and the store's location as the hook carries it."""

    installed_at: float
    mechanism: str | None
    store: StoreLocation


def write_record(setup: DaemonSetup, mechanism: str | None, at: datetime) -> None:
    body = {"installed_at": at.timestamp(), "mechanism": mechanism, "store": setup.store.environment()}
    data = (json.dumps(body, indent=2, sort_keys=True) + "\n").encode("utf-8")
    setup.files.write(setup.amx_home / RECORD_FILE, data, mode=RECORD_MODE)


def read_record(setup: DaemonSetup) -> HookRecord | None:
    """The record, or None when there is none or it cannot be read (status then falls back to this shell)."""
    raw = read_bytes(setup.amx_home / RECORD_FILE)
    if raw is None:
        return None
    try:
        body = json.loads(raw)
        return HookRecord(
            installed_at=float(body["installed_at"]),
            mechanism=body.get("mechanism"),
            store=StoreLocation.from_environ(dict(body.get("store") or {})),
        )
    except (ValueError, TypeError, KeyError, AttributeError, AmxError):
        return None


def remove_record(setup: DaemonSetup) -> None:
    try:
        setup.files.remove(setup.amx_home / RECORD_FILE)
    except OSError:
        pass
