"""Ending an `amx` process: its work done, without the interpreter's teardown.

Once SQLAlchemy, SQLModel and pydantic are loaded, the interpreter's own exit frees their objects one by one:
0.2-0.4 s after the last line is printed, a quarter of a short command's time, spent on nothing the user
sees (docs/ARCHITECTURE.md §12). So when the command has returned and no other thread is running, this does
what that teardown does that matters (atexit handlers, the store's connections closed so SQLite checkpoints
its journal, output flushed) and then ends the process with the command's exit code.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections.abc import Callable
from typing import NoReturn

BROKEN_OUTPUT = 120  # what the interpreter returns when flushing stdout fails at exit


def exit_code(value: object) -> int:
    """SystemExit's code as the interpreter reads it: None is 0, an int itself, anything else is printed, 1."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    print(value, file=sys.stderr)
    return 1


def _flushed() -> bool:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe (`amx ... | head`), or a stream someone closed
        return False
    return True


def quick_exit(code: int) -> NoReturn:
    """End the process with `code` now, having done what the interpreter's exit would have that matters; the
    ordinary exit instead while another thread still runs (the interpreter joins it) or a profiler or tracer
    watches (cProfile, coverage and debuggers write what they saw at the ordinary exit)."""
    if threading.active_count() > 1 or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    if "amx_core.store" in sys.modules:  # loaded: close its connections (SQLite checkpoints and removes its WAL)
        from amx_core.store import reset_stores

        reset_stores()
    atexit._run_exitfuncs()  # logging's flush, and whatever else a library registered
    if not _flushed() and code == 0:
        code = BROKEN_OUTPUT
    os._exit(code)


def run_and_exit(command: Callable[[], object]) -> NoReturn:
    """Run a click command in standalone mode (it ends with SystemExit) and end the process with its code."""
    try:
        command()
    except SystemExit as done:
        quick_exit(exit_code(done.code))
    quick_exit(0)
