"""`amx-tui`: start the app; `--demo` (what `make run` uses) makes sure the offline demo workspace exists."""

from __future__ import annotations

import argparse
import gc

# The app holds every schedule's view (10,000+ long-lived objects); with Python's default gen0 threshold
# (700) the collector sweeps that heap again and again while a list loads. bench/tui.py, 10,000 schedules:
# about 0.72 s to the first idle instead of 1.07 s.
GC_THRESHOLDS = (20_000, 20, 20)


def tune_gc() -> None:
    """Collect young objects less often (the app, not a library, owns this process-wide setting)."""
    gc.set_threshold(*GC_THRESHOLDS)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="amx-tui", description="AMX Schedules: plan LLM catalog description runs.")
    parser.add_argument(
        "--demo", action="store_true", help="create the offline demo workspace (SQLite shop) if missing"
    )
    parser.add_argument(
        "--no-tick", action="store_true", help="never run the tick from this window, even when the daemon is not loaded"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tune_gc()
    from amx_tui.app import AmxApp
    from amx_tui.backend import Backend

    app = AmxApp(Backend(ensure_demo=args.demo, in_app_tick=not args.no_tick))
    app.run()
    return int(app.return_code or 0)


if __name__ == "__main__":
    raise SystemExit(main())
