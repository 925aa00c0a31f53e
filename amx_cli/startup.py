"""The startup notice `amx` prints before any command: missed schedules, for people at a terminal."""

from __future__ import annotations

import os
import sys

from amx_cli.app import store
from amx_cli.output import say

SKIP_FOR = frozenset({"-h", "--help", "--version"})


def startup_notice(*, force: bool = False) -> None:
    """The startup check for people at a terminal: one notice line on stderr; never fails.

    Runs when stderr is a TTY (scripts get stable stderr; the tick records missed state for
    them anyway), never for --help/--version, never with AMX_NO_STARTUP_CHECK=1.
    """
    if os.environ.get("AMX_NO_STARTUP_CHECK"):
        return
    if not force and (not sys.stderr.isatty() or SKIP_FOR.intersection(sys.argv[1:])):
        return
    try:
        from amx_core.services.startup import startup_report

        line = startup_report(store()).notice()
    except Exception:  # noqa: BLE001 - the command itself reports store problems properly
        return
    if line:
        say(line, err=True)
