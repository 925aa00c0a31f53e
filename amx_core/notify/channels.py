"""Sending one notice: a webhook POST (with retries on 5xx, 429 and refused connections, never past the pass's
deadline), a command with the facts in AMX_* variables (killed with its children at its timeout), or a
desktop notice (notify-send, osascript). Each returns a Sent; no error text ever holds the webhook URL.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from amx_core.notify.message import Notice
from amx_core.secrets.masking import redact

WEBHOOK_ATTEMPTS = 3
BACKOFF_SECONDS = (0.5, 1.0)  # before the second and third attempt
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
OUTPUT_CHARS = 300


@dataclass(frozen=True)
class Sent:
    ok: bool
    attempts: int
    error: str | None = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is refused (its answer says so), never followed with the body."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - urllib's signature
        return None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirect())


def _clean(text: str, url: str) -> str:
    """An error text without the URL or any part of it that could be its secret (a Slack URL's path is)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    pieces: list[str | None] = [url, parts.path, parts.query, parts.netloc]
    pieces += [p for p in parts.path.split("/") if len(p) >= 6]
    return redact(" ".join(text.split())[:OUTPUT_CHARS], pieces)


def post_webhook(
    url: str, body: dict, *, timeout: float, deadline: float, sleep: Callable[[float], None] = time.sleep
) -> Sent:
    """POST `body` as JSON; retried on 5xx, 429 and connection failures, each attempt within `timeout` and all
    of them before `deadline` (a time.monotonic() value). A timeout is not retried: a hung server stays hung."""
    if not url.startswith(("http://", "https://")):
        return Sent(False, 0, "the webhook reference does not hold an http(s) URL")
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    error = "no time left in this pass"
    for attempt in range(1, WEBHOOK_ATTEMPTS + 1):
        left = deadline - time.monotonic()
        if left <= 0.05:
            return Sent(False, attempt - 1, error)
        request = urllib.request.Request(
            url, data=data, method="POST", headers={"Content-Type": "application/json", "User-Agent": "amx-notify"}
        )
        try:
            with _opener().open(request, timeout=min(timeout, left)) as answer:
                answer.read(1024)
            return Sent(True, attempt)
        except urllib.error.HTTPError as exc:
            error = f"HTTP {exc.code} {_clean(str(exc.reason or ''), url)}".strip()
            if exc.code not in RETRY_STATUSES:
                return Sent(False, attempt, error)
        except TimeoutError:
            return Sent(False, attempt, f"timed out after {min(timeout, left):g} s")
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                return Sent(False, attempt, f"timed out after {min(timeout, left):g} s")
            error = f"cannot connect: {_clean(str(exc.reason), url)}"
        except (OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {_clean(str(exc), url)}"
        if attempt < WEBHOOK_ATTEMPTS:
            pause = BACKOFF_SECONDS[attempt - 1]
            if time.monotonic() + pause >= deadline:
                return Sent(False, attempt, error)
            sleep(pause)
    return Sent(False, WEBHOOK_ATTEMPTS, error)


def _last_line(data: bytes) -> str:
    lines = [line for line in data.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1][:OUTPUT_CHARS] if lines else ""


def _stop(process: subprocess.Popen) -> None:
    """Kill the command and everything it started (its own process group)."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass


def run_command(command: str, notice: Notice, *, timeout: float) -> Sent:
    """Run `command` through the shell with the notice's AMX_* variables; ok when it exits 0 within `timeout`."""
    options: dict = {"start_new_session": True} if os.name == "posix" else {}
    try:
        process = subprocess.Popen(
            command,
            shell=True,
            env={**os.environ, **notice.environment()},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            **options,
        )
    except OSError as exc:
        return Sent(False, 1, f"cannot start the command: {exc}")
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        process.communicate()
        return Sent(False, 1, f"the command did not finish within {timeout:g} s; stopped")
    if process.returncode != 0:
        detail = _last_line(err)
        return Sent(False, 1, f"the command exited {process.returncode}" + (f": {detail}" if detail else ""))
    return Sent(True, 1)


def _desktop_command(notice: Notice) -> list[str] | None:
    if sys.platform == "darwin" and shutil.which("osascript"):
        text = notice.text().replace("\\", "\\\\").replace('"', '\\"')
        return ["osascript", "-e", f'display notification "{text}" with title "AMX"']
    if shutil.which("notify-send"):
        return ["notify-send", "--app-name=AMX", "AMX", notice.text()]
    return None


def desktop_notice(notice: Notice, *, timeout: float) -> Sent:
    """A desktop notification where the machine has a way to show one; the daemon finds the user's session bus."""
    command = _desktop_command(notice)
    if command is None:
        return Sent(False, 0, "no desktop notifier on this machine (notify-send, osascript)")
    env = dict(os.environ)
    bus = f"/run/user/{os.getuid()}/bus" if hasattr(os, "getuid") else ""
    if "DBUS_SESSION_BUS_ADDRESS" not in env and bus and os.path.exists(bus):
        env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"
    try:
        done = subprocess.run(command, env=env, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Sent(False, 1, f"{command[0]} failed: {type(exc).__name__}")
    if done.returncode != 0:
        return Sent(False, 1, f"{command[0]} exited {done.returncode}: {_last_line(done.stderr)}")
    return Sent(True, 1)
