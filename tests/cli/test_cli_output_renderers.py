"""What `amx` loads and draws: a command imports only its own module, rich only when drawing to a terminal,
progress only on stderr."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import timedelta

from tick_support import add_schedule, profiles, utc

from amx_cli.progress import Progress

# Runs `amx` with the given arguments in a fresh interpreter (stdout a pipe) and reports what got imported, from an
# atexit handler: `main` ends the process itself once the command is done (amx_cli/finish.py) and runs them first.
PROBE = """
import atexit, json, sys
from amx_cli.main import main
sys.argv = ["amx", *sys.argv[1:]]
watched = ("rich", "alembic", "sqlalchemy")

def report():
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in watched or m.startswith("amx_cli.commands."))
    print(json.dumps(loaded), file=sys.stderr)

atexit.register(report)
main()
"""


def _amx_process(amx_home, *args: str) -> tuple[str, set[str]]:
    env = dict(os.environ, AMX_HOME=str(amx_home), AMX_NO_STARTUP_CHECK="1")
    env.pop("AMX_STORE_URL", None)
    done = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=120)
    roots = {
        name if name.startswith("amx_cli") else name.split(".")[0] for name in json.loads(done.stderr.splitlines()[-1])
    }
    return done.stdout, roots


def _stored(store) -> None:
    profiles(store)
    add_schedule(store, "nightly", utc(2027, 3, 2, 2) + timedelta(days=1), cadence="0 2 * * *")


def test_schedule_list_json_loads_neither_rich_alembic_nor_other_commands(store, amx_home):
    _stored(store)
    out, loaded = _amx_process(amx_home, "schedule", "list", "--json")
    assert [item["name"] for item in json.loads(out)] == ["nightly"]
    assert loaded == {"amx_cli.commands.schedules", "sqlalchemy"}


def test_a_table_to_a_pipe_is_plain_text_without_rich(store, amx_home):
    _stored(store)
    out, loaded = _amx_process(amx_home, "schedule", "list")
    assert out.splitlines()[0].split() == ["ID", "NAME", "FIRE", "TIME", "SCOPE", "STATUS", "LLM", "REVIEW"]
    assert "nightly" in out.splitlines()[1] and not loaded & {"rich", "alembic"}


def test_help_lists_every_command_without_loading_the_core(amx_home):
    out, loaded = _amx_process(amx_home, "--help")
    for name in ("schedule", "profile", "catalog", "runs", "review", "export", "notify", "demo"):
        assert f"  {name} " in out
    assert not loaded & {"sqlalchemy", "alembic", "rich"}  # command modules only: click and their help texts


def test_a_table_on_a_terminal_is_drawn_by_rich(store, cli_call, monkeypatch):
    _stored(store)
    monkeypatch.setattr("amx_cli.tables.is_terminal", lambda _stream: True)
    out = cli_call("schedule", "list").output
    assert "nightly" in out and "─" in out  # rich's rule under the header


def test_progress_off_a_terminal_is_a_line_per_change():
    stream = io.StringIO()
    bar = Progress("catalog", stream)
    bar.update(1, 2, "main.a")
    bar.update(1, 2, "main.a")  # unchanged: no second line
    bar.note("reading")
    bar.update(2, 2, "main.b")
    bar.close()
    lines = stream.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "catalog: 1/2 tables  main.a",
        "  reading",
        "catalog: 2/2 tables  main.b",
    ]


def test_progress_on_a_terminal_is_a_rich_bar(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("amx_cli.progress.is_terminal", lambda _stream: True)
    bar = Progress("catalog", stream)
    bar.update(3, 4, "main.c")
    bar.close()
    assert "3/4" in stream.getvalue() and "main.c" in stream.getvalue()
