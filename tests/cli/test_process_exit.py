"""`amx` ends its process itself once a command is done (amx_cli/finish.py): the exit code, every byte of output,
the atexit handlers and a closed store are what the interpreter's own exit would have left."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tick_support import add_schedule, profiles, utc

from amx_cli.finish import exit_code

AMX = str(Path(sys.executable).with_name("amx"))


def _amx(amx_home, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, AMX_HOME=str(amx_home), AMX_NO_STARTUP_CHECK="1")
    env.pop("AMX_STORE_URL", None)
    return subprocess.run([AMX, *args], env=env, capture_output=True, text=True, timeout=120)


def test_exit_codes_and_the_whole_output_survive(store, amx_home):
    profiles(store)
    for index in range(300):  # output well past a pipe's buffer
        add_schedule(store, f"s{index:03d}", utc(2027, 3, 2, 2), cadence="0 2 * * *")
    done = _amx(amx_home, "schedule", "list", "--json")
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 300
    bad = _amx(amx_home, "schedule", "list", "--status", "nope")
    assert bad.returncode == 2 and bad.stderr.startswith("error: status:") and bad.stdout == ""
    missing = _amx(amx_home, "schedule", "show", "999")
    assert missing.returncode == 2 and "999" in missing.stderr


def test_the_store_is_closed_so_sqlite_leaves_no_journal_behind(store, amx_home):
    profiles(store)
    store.engine.dispose()
    assert _amx(amx_home, "schedule", "list").returncode == 0
    leftovers = sorted(p.name for p in Path(amx_home).iterdir() if p.name.startswith("amx.db-"))
    assert leftovers == []


def test_atexit_handlers_run_and_a_running_thread_gets_the_ordinary_exit(tmp_path):
    # the thread finishes only once the main thread is past run_and_exit, which an ordinary exit is (SystemExit
    # unwinds through `finally`) and a process ended at once is not
    probe = """
import atexit, sys, threading
from amx_cli.finish import run_and_exit
atexit.register(lambda: print("atexit ran", flush=True))
gate = threading.Event()
if sys.argv[1] == "thread":
    threading.Thread(target=lambda: (gate.wait(), print("thread finished", flush=True))).start()
try:
    run_and_exit(lambda: sys.exit(int(sys.argv[2])))
finally:
    gate.set()
"""
    quick = subprocess.run([sys.executable, "-c", probe, "none", "3"], capture_output=True, text=True, timeout=60)
    assert (quick.returncode, quick.stdout) == (3, "atexit ran\n")
    joined = subprocess.run([sys.executable, "-c", probe, "thread", "0"], capture_output=True, text=True, timeout=60)
    assert joined.returncode == 0 and joined.stdout.splitlines() == ["thread finished", "atexit ran"]


def test_exit_codes_read_as_the_interpreter_reads_them(capsys):
    assert (exit_code(None), exit_code(0), exit_code(2)) == (0, 0, 2)
    assert exit_code("gone wrong") == 1 and capsys.readouterr().err == "gone wrong\n"


def test_a_profiled_command_ends_the_ordinary_way_so_the_profile_is_written(tmp_path):
    out = tmp_path / "amx.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), AMX, "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "Usage: amx" in done.stdout
    assert out.stat().st_size > 0
