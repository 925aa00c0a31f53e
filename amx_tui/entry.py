"""`amx-tui`: start the app; `--demo` (what `make run` uses) makes sure the offline demo workspace exists."""

from __future__ import annotations

import argparse
import gc
import sys
from typing import NoReturn

# The app holds every schedule's view (10,000+ long-lived objects); with Python's default gen0 threshold
# (700) the collector sweeps that heap again and again while a list loads. bench/tui.py, 10,000 schedules:
# about 0.72 s to the first idle instead of 1.07 s.
GC_THRESHOLDS = (20_000, 20, 20)


def tune_gc() -> None:
    """Collect young objects less often (the app, not a library, owns this process-wide setting)."""
    gc.set_threshold(*GC_THRESHOLDS)


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is one line (`error: <what>: <message>`, exit 2) like `amx` and `amx-tick`."""

    def error(self, message: str) -> NoReturn:
        print(f"error: arguments: {message}", file=sys.stderr)
        raise SystemExit(2)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = _Parser(prog="amx-tui", description="AMX Schedules: plan LLM catalog description runs.")
    parser.add_argument(
        "--demo", action="store_true", help="create the offline demo workspace (SQLite shop) if missing"
    )
    parser.add_argument(
        "--no-tick", action="store_true", help="never run the tick from this window, even when the daemon is not loaded"
    )
    return parser.parse_args(argv)


def store_fault() -> tuple[str, int] | None:
    """Open (and migrate) the store before the app takes the terminal: a store that cannot be used (damaged,
    not a database, unreadable, newer, a bad AMX_STORE_URL) is one line and its exit code instead of an app
    that cannot show anything."""
    from amx_core.errors import AmxError
    from amx_core.store import open_store
    from amx_core.text import shown

    try:
        open_store()
    except AmxError as exc:
        return f"error: {shown(exc.message)}", exc.exit_code
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    fault = store_fault()
    if fault is not None:
        line, code = fault
        print(line, file=sys.stderr)
        return code
    tune_gc()
    from amx_tui.app import AmxApp
    from amx_tui.backend import Backend

    app = AmxApp(Backend(ensure_demo=args.demo, in_app_tick=not args.no_tick))
    app.run()
    return int(app.return_code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
