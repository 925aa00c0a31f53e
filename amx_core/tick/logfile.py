"""`$AMX_HOME/logs/tick.log`: one key=value line per pass and per run, size-rotated, mode 0600.

Written with plain `os` calls (no `logging`) so the idle pass stays cheap; each line is one
O_APPEND write, so concurrent ticks never interleave inside a line.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

MAX_BYTES = 1_000_000
BACKUPS = 3
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:+/@,")


def _value(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = value.astimezone(UTC).isoformat()
    elif isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value) or "-"
    text = str(value)
    if text and all(ch in _PLAIN for ch in text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def format_line(event: str, fields: dict[str, object], at: datetime | None = None) -> str:
    """`ts=... event=... k=v ...`: values with spaces or quotes are double-quoted and escaped."""
    stamp = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds")
    parts = [f"ts={stamp}", f"event={event}"]
    parts.extend(f"{key}={_value(value)}" for key, value in fields.items())
    return " ".join(parts) + "\n"


def _private_dir(path: Path) -> None:
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(path, 0o700)
        except OSError:
            pass


def _rotate(path: Path, backups: int) -> None:
    for index in range(backups - 1, 0, -1):
        older = path.with_name(f"{path.name}.{index}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{index + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))


def append_line(path: Path, line: str, *, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
    """Append one line, rotating first when the file has reached `max_bytes`; never raises."""
    try:
        _private_dir(path.parent)
        try:
            if os.stat(path).st_size >= max_bytes:
                _rotate(path, backups)
        except FileNotFoundError:
            pass  # absent, or another tick rotated it a moment ago
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8", "replace"))
        finally:
            os.close(fd)
    except OSError:
        pass  # a log that cannot be written must not stop schedules from firing


def tick_log(event: str, fields: dict[str, object], at: datetime | None = None) -> None:
    """One structured line in the home's tick.log."""
    from amx_core.config import tick_log_path

    append_line(tick_log_path(), format_line(event, fields, at))


def log_pass(report: dict, *, host: str, pid: int, simulated: bool = False) -> None:
    """The one line per pass, from the report's JSON (idle passes too: the log's age shows the timer runs).

    A pass with `--now` says `simulated=true`, so a reader of the log can tell it from the timer's.
    """
    fields = {key: report.get(key) for key in PASS_FIELDS}
    fields["errors"] = len(report.get("errors") or ())
    extra = {"simulated": True} if simulated else {}
    tick_log("pass", {**fields, "host": host, "pid": pid, **extra})


PASS_FIELDS = ("now", "idle", "dry_run", "fired", "missed", "recovered", "failed", "retrying", "runs", "duration_ms")
