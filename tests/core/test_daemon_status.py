"""The status's store side: heartbeat record/read with a fixed `now`, the 3-minute warning, log facts, JSON, words."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

import pytest
from test_daemon_support import make_setup

from amx_core.daemon import daemon_status, install_daemon
from amx_core.daemon.context import DaemonSetup
from amx_core.daemon.runner import CommandResult
from amx_core.daemon.scripted import ScriptedRunner
from amx_core.daemon.text import age_text, badge_text, size_text
from amx_core.errors import ValidationError
from amx_core.models.runs import Run
from amx_core.tick.heartbeat import read_heartbeat, record_heartbeat

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
HOST = socket.gethostname()
JSON_KEYS = {"installed", "loaded", "unit_path", "log_path", "log_size_bytes", "log_mtime", "last_tick_at"}


def launchd(loaded: bool) -> ScriptedRunner:
    runner = ScriptedRunner()
    runner.on(
        "launchctl",
        "print",
        reply=CommandResult(0, "state = waiting\n") if loaded else CommandResult(113, "", "Could not find service"),
    )
    runner.on("launchctl", "print-disabled", reply=CommandResult(0, "disabled services = {\n}\n"))
    return runner


@pytest.fixture
def loaded_setup(tmp_path, amx_home):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=True), amx_home=amx_home)
    install_daemon(setup)
    old = (NOW - timedelta(hours=1)).timestamp()
    os.utime(setup.unit_dir / f"{setup.names.label}.plist", (old, old))
    return setup


def test_heartbeat_round_trip_and_upsert(any_store):
    assert read_heartbeat(any_store, now=NOW) is None
    record_heartbeat(any_store, at=NOW - timedelta(seconds=90), duration_ms=5.0, host="a", pid=1)
    record_heartbeat(any_store, at=NOW - timedelta(seconds=40), duration_ms=12.5, host=HOST, pid=4242)
    beat = read_heartbeat(any_store, now=NOW)
    assert beat.last_tick_at == NOW - timedelta(seconds=40)
    assert (beat.age_seconds, beat.duration_ms, beat.host, beat.pid) == (40.0, 12.5, HOST, 4242)
    assert beat.to_json()["last_tick_at"] == "2025-03-01T11:59:20+00:00"


def test_record_heartbeat_refuses_naive_times(store):
    with pytest.raises(ValueError):
        record_heartbeat(store, at=datetime(2025, 1, 1), duration_ms=None, host=None, pid=None)


def test_fresh_tick_shows_its_age_and_no_warning(loaded_setup, store):
    record_heartbeat(store, at=NOW - timedelta(seconds=40), duration_ms=12.5, host=HOST, pid=7)
    status = daemon_status(loaded_setup, store=store, now=NOW)
    assert status.state == "loaded"
    assert status.last_tick_at == NOW - timedelta(seconds=40) and status.last_tick_age_seconds == 40.0
    assert status.last_tick_host == HOST and status.last_tick_duration_ms == 12.5
    assert status.warnings == ()
    assert age_text(status.last_tick_age_seconds) == "40 s ago"


def test_loaded_with_no_tick_for_more_than_three_minutes_warns(loaded_setup, store):
    record_heartbeat(store, at=NOW - timedelta(seconds=181), duration_ms=3.0, host=HOST, pid=7)
    status = daemon_status(loaded_setup, store=store, now=NOW)
    assert status.warnings == ("loaded but no tick for more than 3 minutes (last 3 min ago): see the log",)


def test_a_long_pass_with_a_fresh_run_heartbeat_is_not_stale(loaded_setup, store):
    record_heartbeat(store, at=NOW - timedelta(minutes=30), duration_ms=None, host=HOST, pid=7)
    with store.session() as session:
        session.add(Run(reason="time", status="running", heartbeat_at=NOW - timedelta(seconds=20)))
    assert daemon_status(loaded_setup, store=store, now=NOW).warnings == ()


def test_no_tick_ever_warns_only_once_the_hook_is_older_than_three_minutes(loaded_setup, store):
    status = daemon_status(loaded_setup, store=store, now=NOW)
    assert status.last_tick_at is None and status.last_tick_age_seconds is None
    assert status.warnings == ("loaded but no tick has been recorded yet: see the log",)
    plist = loaded_setup.unit_dir / f"{loaded_setup.names.label}.plist"
    recent = (NOW - timedelta(seconds=30)).timestamp()
    os.utime(plist, (recent, recent))
    assert daemon_status(loaded_setup, store=store, now=NOW).warnings == ()


def test_not_loaded_hook_gets_no_tick_warning(tmp_path, store, amx_home):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=False), amx_home=amx_home)
    record_heartbeat(store, at=NOW - timedelta(hours=2), duration_ms=1.0, host=HOST, pid=7)
    status = daemon_status(setup, store=store, now=NOW)
    assert status.state == "not_installed" and status.warnings == ()
    assert status.last_tick_age_seconds == 7200.0


def test_a_tick_from_another_host_is_pointed_out(loaded_setup, store):
    record_heartbeat(store, at=NOW - timedelta(seconds=10), duration_ms=1.0, host="other-box", pid=7)
    status = daemon_status(loaded_setup, store=store, now=NOW)
    assert status.warnings == ("the last tick ran on another host (other-box): this one's hook may not be firing",)


def test_status_reads_the_store_of_the_setups_home_without_creating_one(tmp_path):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=False), amx_home=tmp_path / "fresh home")
    status = daemon_status(setup, now=NOW)
    assert status.last_tick_at is None and not (tmp_path / "fresh home").exists()


def test_status_survives_an_unreadable_store(loaded_setup):
    class BrokenStore:
        def session(self):
            raise RuntimeError("store is down")

    status = daemon_status(loaded_setup, store=BrokenStore(), now=NOW)
    assert status.state == "loaded"
    assert status.warnings == ("cannot read the tick heartbeat: RuntimeError: store is down",)


def test_log_facts_and_json_shape(loaded_setup, store):
    loaded_setup.log_path.write_bytes(b"x" * 2048)
    stamp = (NOW - timedelta(seconds=5)).timestamp()
    os.utime(loaded_setup.log_path, (stamp, stamp))
    record_heartbeat(store, at=NOW - timedelta(seconds=40), duration_ms=12.5, host=HOST, pid=7)
    status = daemon_status(loaded_setup, store=store, now=NOW)
    assert status.log_size_bytes == 2048 and status.log_mtime == NOW - timedelta(seconds=5)
    data = status.to_json()
    assert JSON_KEYS <= set(data)
    assert data["log_mtime"] == "2025-03-01T11:59:55+00:00" and data["last_tick_at"] == "2025-03-01T11:59:20+00:00"
    assert data["state"] == "loaded" and data["mechanism"] == "launchd" and data["warnings"] == []
    assert data["label"].startswith("com.amx.tick.") and len(data["label"]) == len("com.amx.tick.") + 8


def test_two_homes_get_two_labels(tmp_path):
    one = make_setup(tmp_path, "darwin", amx_home=tmp_path / "a")
    two = make_setup(tmp_path, "darwin", amx_home=tmp_path / "b")
    assert one.names.label != two.names.label
    assert make_setup(tmp_path, "darwin", amx_home=tmp_path / "a" / ".." / "a").names == one.names


@pytest.mark.parametrize("bad", ["line\nbreak", "tab\there"])
def test_a_home_no_hook_can_carry_is_refused(tmp_path, bad):
    setup = make_setup(tmp_path, "linux", amx_home=tmp_path / bad)
    with pytest.raises(ValidationError) as caught:
        install_daemon(setup)
    assert caught.value.field == "AMX_HOME"
    assert setup.runner.calls == []


def test_unsupported_platform_is_bad_input_for_install_and_a_warning_for_status(tmp_path):
    setup = make_setup(tmp_path, "sunos5")
    with pytest.raises(ValidationError, match="platform: no daemon support for 'sunos5'"):
        install_daemon(setup)
    status = daemon_status(setup)
    assert status.state == "not_installed" and "no daemon support" in status.warnings[0]


def test_defaults_describe_this_machine(monkeypatch, tmp_path):
    monkeypatch.setenv("AMX_HOME", str(tmp_path / "h"))
    setup = DaemonSetup.current()
    assert setup.amx_home == tmp_path / "h" and setup.python.is_absolute()
    assert setup.hook_environment.keys() == {"AMX_HOME", "PATH"}


def test_words_for_faces():
    assert [badge_text(s) for s in ("not_installed", "installed", "loaded")] == ["Not installed", "Installed", "Loaded"]
    assert [age_text(v) for v in (None, -3, 0.4, 40, 61, 7200, 90000)] == [
        "never",
        "just now",
        "just now",
        "40 s ago",
        "1 min ago",
        "2 h ago",
        "1 d ago",
    ]
    assert [size_text(v) for v in (None, 12, 2048, 5 * 1024**2)] == ["absent", "12 B", "2.0 KB", "5.0 MB"]
