"""End to end in a real terminal: start `amx-tui` in tmux, create a schedule with keystrokes, find it with the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

BIN = Path(sys.executable).parent
WAIT_SECONDS = 60


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def wait_for(session: str, text: str) -> str:
    """Poll the pane until `text` shows (the app's own pace; no fixed sleeps)."""
    deadline = time.monotonic() + WAIT_SECONDS
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-t", session, "-p")
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def app_command(home: Path) -> str:
    script = BIN / "amx-tui"
    program = str(script) if script.exists() else f"{sys.executable} -m amx_tui.entry"
    # COLUMNS/LINES (set under pytest) would pin Textual to 80x24 whatever the pane's size.
    return f"env -u COLUMNS -u LINES AMX_HOME='{home}' TERM=xterm-256color {program} --demo --no-tick"


def test_create_a_schedule_with_keystrokes_and_find_it_in_the_cli(tmp_path):
    home = tmp_path / "amx home"
    session = f"amx-e2e-{uuid.uuid4().hex[:8]}"
    tmux("new-session", "-d", "-s", session, "-x", "140", "-y", "40", app_command(home))
    try:
        wait_for(session, "Nightly shop descriptions")  # the demo workspace is listed
        tmux("send-keys", "-t", session, "n")
        wait_for(session, "New schedule")
        wait_for(session, "offline  (heuristic)")  # profiles are read and picked
        tmux("send-keys", "-t", session, "-l", "Typed in tmux")
        wait_for(session, "Typed in tmux")
        tmux("send-keys", "-t", session, "C-s")
        screen = wait_for(session, "Saved “Typed in tmux”")
        assert "Filter" in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)

    amx = BIN / "amx"
    command = [str(amx)] if amx.exists() else [sys.executable, "-m", "amx_cli.main"]
    env = dict(os.environ, AMX_HOME=str(home))
    env.pop("AMX_STORE_URL", None)
    listed = subprocess.run([*command, "schedule", "list", "--json"], env=env, check=True, capture_output=True, text=True)
    mine = [s for s in json.loads(listed.stdout) if s["name"] == "Typed in tmux"]
    assert len(mine) == 1
    assert (mine[0]["status"], mine[0]["db_profile"], mine[0]["llm_profile"], mine[0]["trigger"]) == (
        "pending", "demo-shop", "offline", "cron")
