"""`amx-tick [--now ISO] [--dry-run] [--json]`: one stateless pass, safe to run any number of times at once.

The idle pass stops after the fast path (raw driver, heartbeat, one indexed query); the core,
the ORM and the executors are imported only when there is work. Even argparse and json are
loaded only when needed (help, `--json`), since this runs every minute. A bad command line is one
line on stderr, `error: <field>: <message>`, exit 2, like `amx`.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
MAX_RUN_ID = 2**63 - 1
MAX_WORKERS = 64
FLAGS = {"--dry-run": "dry_run", "--json": "json"}
VALUED = {"--now": "now", "--workers": "workers", "--execute-run": "execute_run"}


def _full_parser():
    import argparse

    parser = argparse.ArgumentParser(
        prog="amx-tick",
        description="Fire every due AMX schedule exactly once, handle missed slots, recover dead runs.",
    )
    parser.add_argument("--now", metavar="ISO", help="evaluate as if at this instant (simulation and tests)")
    parser.add_argument("--dry-run", action="store_true", help="claim nothing; print what would fire, miss, retry")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--workers", metavar="N", help="runs executed at once (default 2)")
    parser.add_argument("--execute-run", metavar="RUN", help=argparse.SUPPRESS)
    return parser


class BadArguments(ValueError):
    """A command line amx-tick cannot run: `field` is the option at fault (the CLI contract's one line, exit 2)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")


def parse_args(argv: list[str]) -> dict:
    """The options; -h/--help prints argparse's help, anything else unusual raises BadArguments (one line)."""
    options: dict = {"now": None, "dry_run": False, "json": False, "workers": None, "execute_run": None}
    args = iter(argv)
    value: str | None
    for arg in args:
        name, eq, value = arg.partition("=")
        if name in ("-h", "--help"):
            _full_parser().parse_args(["--help"])  # prints the help and exits 0
        if name in FLAGS:
            if eq:
                raise BadArguments(name.lstrip("-"), "takes no value")
            options[FLAGS[name]] = True
        elif name in VALUED:
            if not eq and (value := next(args, None)) is None:
                raise BadArguments(name.lstrip("-"), "needs a value")
            options[VALUED[name]] = value
        elif arg.startswith("-"):
            raise BadArguments(arg, "no such option (amx-tick --help lists them)")
        else:
            raise BadArguments("arguments", f"unexpected argument {arg!r}")
    return options


def _emit(report: dict, summary: str, as_json: bool, plan_lines=()) -> None:
    if as_json:
        import json

        print(json.dumps(report, indent=2))
        return
    print(summary)
    if not plan_lines and not report.get("errors"):
        return
    from amx_core.text import shown  # names and driver errors may hold control characters

    for line in plan_lines:
        print(shown(line))
    for error in report.get("errors", ()):
        print(f"  error: {shown(error)}", file=sys.stderr)


def _plan_lines(report) -> list[str]:
    lines = []
    for item in report.plan:
        target = f"#{item.schedule_id} {item.name}" if item.schedule_id is not None else (item.name or "")
        lines.append(f"  {item.action:<12} {target}: {item.why}")
    return lines


def _bad_input(message: str) -> int:
    from amx_core.text import shown

    print(f"error: {shown(message)}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _number(text: str | None, field: str, maximum: int) -> int | None:
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 20 or not 1 <= int(text) <= maximum:
        raise BadArguments(field, f"must be a whole number from 1 to {maximum}, got {text!r}")
    return int(text)


def _execute_run(run_id: int, pinned: datetime | None, settings) -> int:
    from amx_core.tick.run_now import execute_claimed_run

    status = execute_claimed_run(run_id, now=pinned, settings=settings)
    return EXIT_OK if status == "completed" else EXIT_FAILED


def _full_pass(options: dict, pinned: datetime | None, settings, seen, started: float) -> int:
    from amx_core.tick.passes import UNKNOWN, run_pass

    report = run_pass(
        now=pinned,
        dry_run=options["dry_run"],
        settings=settings,
        previous_tick_at=seen.previous_tick_at if seen is not None else UNKNOWN,
        heartbeat_written=seen is not None,
        started=started,
    )
    _emit(report.to_json(), report.summary(), options["json"], _plan_lines(report))
    return EXIT_FAILED if report.errors else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    try:
        options = parse_args(sys.argv[1:] if argv is None else argv)
        workers = _number(options["workers"], "workers", MAX_WORKERS)
        execute_run = _number(options["execute_run"], "execute-run", MAX_RUN_ID)
    except BadArguments as exc:
        return _bad_input(str(exc))
    from amx_core.errors import AmxError
    from amx_core.tick.settings import TickSettings

    try:
        pinned = None
        if options["now"] is not None:
            from amx_core.instants import parse_instant

            pinned = parse_instant(options["now"], field="now")
        settings = TickSettings.from_env(workers)
        if execute_run is not None:
            return _execute_run(execute_run, pinned, settings)
        seen = None
        if not options["dry_run"]:
            from amx_core.tick.idle import idle_pass, idle_summary

            now = pinned or datetime.now(UTC)
            report, seen = idle_pass(now, started, settings.lease_seconds, simulated=pinned is not None)
            if report is not None:
                _emit(report, idle_summary(now), options["json"])
                return EXIT_OK
        return _full_pass(options, pinned, settings, seen, started)
    except AmxError as exc:
        from amx_core.text import shown

        print(f"error: {shown(exc.message)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:  # in-flight runs were asked to stop and were settled as cancelled
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
