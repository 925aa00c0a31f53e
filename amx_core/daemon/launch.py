"""Windows task entry: set AMX_HOME, PATH and the store's variables, send output to the tick log, run the tick.

Task Scheduler cannot give a task environment variables, and `pythonw.exe` has no console
(stdout is None), so this small step does both before handing over to `amx_core.tick.entry`.
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
from pathlib import Path

from amx_core.config import LOG_DIR, TICK_LOG, touch_private_file
from amx_core.daemon.context import TICK_MODULE
from amx_core.storelocation import LOCATION_VARS


def store_variable(text: str) -> tuple[str, str]:
    """`NAME=value` for one of the store's variables (AMX_STORE_URL, its password reference, PGPASSFILE)."""
    name, sep, value = text.partition("=")
    if not sep or name not in LOCATION_VARS:
        raise argparse.ArgumentTypeError(f"expected NAME=value with NAME one of {', '.join(LOCATION_VARS)}")
    return name, value


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="amx-tick-launch")
    parser.add_argument("--amx-home", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--set", dest="store", action="append", type=store_variable, default=[])
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    os.environ["AMX_HOME"] = args.amx_home
    os.environ["PATH"] = args.path
    for name in LOCATION_VARS:  # only what the task names: a store left in the parent's environment never leaks in
        os.environ.pop(name, None)
    os.environ.update(dict(args.store))
    if sys.stdout is None or sys.stderr is None:
        log = Path(args.amx_home) / LOG_DIR / TICK_LOG
        touch_private_file(log)
        stream = open(log, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - lives as long as the process
        sys.stdout = sys.stdout or stream
        sys.stderr = sys.stderr or stream
    sys.argv = [TICK_MODULE]
    runpy.run_module(TICK_MODULE, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
