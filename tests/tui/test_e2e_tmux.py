"""End to end in a real terminal: start `amx-tui` in tmux, create a schedule with keystrokes, sort and filter the
list, scroll the help, then find the schedule with the CLI."""

from __future__ import annotations

import json
import os
import select
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


class PaneWatch:
    """Wakes when the pane prints something: tmux copies its output into a FIFO (pipe-pane).

    Waiting is on that condition, never on a fixed sleep: the screen is read again only
    after the app wrote to the terminal.
    """

    def __init__(self, session: str, fifo: Path) -> None:
        os.mkfifo(fifo)
        self.session = session
        self.read_fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        # our own writer end keeps the FIFO open, so select() blocks instead of seeing EOF
        self.keep_fd = os.open(fifo, os.O_WRONLY)
        tmux("pipe-pane", "-t", session, "-o", f"cat >> '{fifo}'")

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            screen = tmux("capture-pane", "-t", self.session, "-p")
            if text in screen:
                return screen
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")
            ready, _, _ = select.select([self.read_fd], [], [], remaining)
            if ready:
                os.read(self.read_fd, 1 << 16)

    def close(self) -> None:
        os.close(self.read_fd)
        os.close(self.keep_fd)


def app_command(home: Path) -> str:
    script = BIN / "amx-tui"
    program = str(script) if script.exists() else f"{sys.executable} -m amx_tui.entry"
    # COLUMNS/LINES (set under pytest) would pin Textual to 80x24 whatever the pane's size.
    return f"env -u COLUMNS -u LINES AMX_HOME='{home}' TERM=xterm-256color {program} --demo --no-tick"


def test_create_a_schedule_with_keystrokes_and_find_it_in_the_cli(tmp_path):
    home = tmp_path / "amx home"
    session = f"amx-e2e-{uuid.uuid4().hex[:8]}"
    tmux("new-session", "-d", "-s", session, "-x", "140", "-y", "40", app_command(home))
    pane = PaneWatch(session, tmp_path / "pane.fifo")
    try:
        pane.wait_for("Nightly shop descriptions")  # the demo workspace is listed
        tmux("send-keys", "-t", session, "n")
        pane.wait_for("New schedule")
        pane.wait_for("offline  (heuristic)")  # profiles are read and picked
        tmux("send-keys", "-t", session, "-l", "Typed in tmux")
        pane.wait_for("Typed in tmux")
        tmux("send-keys", "-t", session, "C-s")
        screen = pane.wait_for("Saved “Typed in tmux”")
        assert "Filter" in screen

        tmux("send-keys", "-t", session, "o")  # sort by the first column
        screen = pane.wait_for("Name ▲")
        rows = [line for line in screen.splitlines() if "Typed in tmux" in line or "Nightly shop" in line]
        assert "Nightly shop" in rows[0] and "Typed in tmux" in rows[-1], "sorted by name"

        tmux("send-keys", "-t", session, "/")
        tmux("send-keys", "-t", session, "-l", "typed")
        screen = pane.wait_for("showing 1 of 3")
        assert "Nightly shop descriptions" not in screen and "Typed in tmux" in screen
        tmux("send-keys", "-t", session, "Escape")
        pane.wait_for("showing 3 of 3")

        tmux("send-keys", "-t", session, "F1")
        screen = pane.wait_for("keys and concepts")
        ending = "the OS runs amx-tick every minute"
        assert ending not in screen, "the end of the help is below the fold"
        tmux("send-keys", "-t", session, "End")
        pane.wait_for(ending)  # scrolled from the keyboard
        tmux("send-keys", "-t", session, "Escape")
        pane.wait_for("showing 3 of 3")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)
        pane.close()

    amx = BIN / "amx"
    command = [str(amx)] if amx.exists() else [sys.executable, "-m", "amx_cli.main"]
    env = dict(os.environ, AMX_HOME=str(home))
    env.pop("AMX_STORE_URL", None)
    listed = subprocess.run(
        [*command, "schedule", "list", "--json"], env=env, check=True, capture_output=True, text=True
    )
    mine = [s for s in json.loads(listed.stdout) if s["name"] == "Typed in tmux"]
    assert len(mine) == 1
    assert (mine[0]["status"], mine[0]["db_profile"], mine[0]["llm_profile"], mine[0]["trigger"]) == (
        "pending",
        "demo-shop",
        "offline",
        "cron",
    )
