"""Team mode: every platform's hook carries the store it was installed for (never its password); status reads it."""

from __future__ import annotations

import json
import os
import plistlib
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from test_daemon_crontab import no_bus
from test_daemon_launchd import launchd
from test_daemon_schtasks import NS, scheduler
from test_daemon_support import make_setup
from test_daemon_systemd import systemd

from amx_core.daemon import daemon_status, install_daemon, launch, uninstall_daemon
from amx_core.daemon.context import DaemonSetup
from amx_core.daemon.crontab import render_line
from amx_core.daemon.launchd import plist_path
from amx_core.daemon.record import RECORD_FILE
from amx_core.daemon.schtasks import render_task
from amx_core.daemon.scripted import FakeCrontab
from amx_core.daemon.systemd import render_service
from amx_core.errors import ValidationError
from amx_core.storelocation import StoreLocation
from amx_core.tick.heartbeat import record_heartbeat

SECRET = "Hunter2-s3cr3t"
# A user name needing percent-encoding: `%` is special to cron and systemd both.
TEAM_URL = "postgresql://amx%40corp@127.0.0.1:9/amx?sslmode=disable"  # nothing listens on port 9
TEAM = StoreLocation(url=TEAM_URL, password_key="PG_PW", passfile="/etc/amx/pgpass")
TEAM_ENV = {"AMX_STORE_URL": TEAM_URL, "AMX_STORE_PASSWORD_KEY": "PG_PW", "PGPASSFILE": "/etc/amx/pgpass"}
NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def secret_in_the_shell(monkeypatch):
    """The caller's shell holds the secret; no hook file may."""
    monkeypatch.setenv("PG_PW", SECRET)


def test_systemd_service_carries_the_store(tmp_path):
    setup = make_setup(tmp_path, "linux", systemd(), store=TEAM)
    install_daemon(setup)
    text = (setup.unit_dir / setup.names.service).read_text()
    home = str(setup.amx_home).replace("%", "%%")
    assert (
        f'Environment="AMX_HOME={home}" "AMX_STORE_URL=postgresql://amx%%40corp@127.0.0.1:9/amx?sslmode=disable" '
        f'"AMX_STORE_PASSWORD_KEY=PG_PW" "PGPASSFILE=/etc/amx/pgpass" "PATH={setup.hook_path_env}"\n'
    ) in text
    assert SECRET not in text and text == render_service(setup)


def test_launchd_plist_carries_the_store(tmp_path):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=True), store=TEAM)
    install_daemon(setup)
    agent = plistlib.loads(plist_path(setup).read_bytes())
    assert agent["EnvironmentVariables"] == {"AMX_HOME": str(setup.amx_home), **TEAM_ENV, "PATH": setup.hook_path_env}
    assert SECRET not in plist_path(setup).read_text()


def test_crontab_line_carries_the_store_through_cron_and_sh(tmp_path):
    """Run the line as cron would (`\\%` -> `%`, then sh -c) with a stand-in interpreter printing what it got."""
    home = tmp_path / "home 50%"
    (home / "logs").mkdir(parents=True)
    fake_python = tmp_path / "python"
    names = ["AMX_HOME", *TEAM_ENV]
    fake_python.write_text("#!/bin/sh\n" + "".join(f'printf "%s\\n" "${name}"\n' for name in names))
    fake_python.chmod(0o755)
    cron = FakeCrontab(user="ann")
    setup = make_setup(tmp_path, "linux", no_bus(cron), amx_home=home, python=fake_python, store=TEAM)
    install_daemon(setup)
    line = render_line(setup)
    assert cron.content == line + "\n" and SECRET not in line
    command = line.split(" ", 5)[5].replace("\\%", "%")
    subprocess.run(["/bin/sh", "-c", command], check=True, env={}, timeout=30)
    assert (home / "logs" / "tick.log").read_text().splitlines() == [str(home), *TEAM_ENV.values()]


def test_windows_task_passes_the_store_to_its_launcher(tmp_path):
    folder = tmp_path / "Python"
    folder.mkdir()
    for name in ("python.exe", "pythonw.exe"):
        (folder / name).write_bytes(b"MZ")
    setup = make_setup(tmp_path, "windows", scheduler(), python=folder / "python.exe", store=TEAM)
    install_daemon(setup)
    task = ET.fromstring(render_task(setup))
    arguments = task.findtext("t:Actions/t:Exec/t:Arguments", namespaces=NS)
    assert arguments.endswith(
        f" --set AMX_STORE_URL={TEAM_URL} --set AMX_STORE_PASSWORD_KEY=PG_PW --set PGPASSFILE=/etc/amx/pgpass"
    )
    assert SECRET not in arguments
    with pytest.raises(SystemExit):
        launch.parse(["--amx-home", "h", "--path", "p", "--set", "OPENAI_API_KEY=x"])  # only the store's names


def test_the_launcher_sets_only_the_store_variables_it_is_given(capsys, tmp_path, monkeypatch):
    """A store left in the environment the task starts from does not leak into the tick."""
    package = tmp_path / "mods"
    package.mkdir()
    (package / "fake_tick2.py").write_text(
        "import os\nprint(sorted((k, v) for k, v in os.environ.items() if k.startswith(('AMX_STORE', 'PGPASS'))))\n"
    )
    monkeypatch.syspath_prepend(str(package))
    monkeypatch.setattr(launch, "TICK_MODULE", "fake_tick2")
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setenv("AMX_HOME", "elsewhere")
    monkeypatch.setenv("PATH", os.environ["PATH"])
    monkeypatch.setenv("AMX_STORE_PASSWORD_ENV", "LEFT_OVER")
    for name in ("AMX_STORE_URL", "AMX_STORE_PASSWORD_KEY", "PGPASSFILE"):
        monkeypatch.setenv(name, "restored afterwards")  # so what the launcher sets is undone after the test
    launch.main(["--amx-home", str(tmp_path / "h"), "--path", "C:\\Py", "--set", f"AMX_STORE_URL={TEAM_URL}"])
    assert capsys.readouterr().out.strip() == str([("AMX_STORE_URL", TEAM_URL)])


def test_the_install_record_holds_names_only(tmp_path):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=True), store=TEAM)
    install_daemon(setup, now=NOW)
    record = setup.amx_home / RECORD_FILE
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    assert json.loads(record.read_text()) == {
        "installed_at": NOW.timestamp(),
        "mechanism": "launchd",
        "store": TEAM_ENV,
    }
    uninstall_daemon(setup)
    assert not record.exists()


def test_a_url_with_a_password_is_refused_before_any_hook_is_written(cli_call, monkeypatch, amx_home):
    url = f"postgresql://amx:{SECRET}@db/amx"
    with pytest.raises(ValidationError) as caught:
        DaemonSetup.current(platform="linux", amx_home=amx_home, environ={"AMX_STORE_URL": url})
    assert caught.value.field == "AMX_STORE_URL" and SECRET not in caught.value.message
    monkeypatch.setenv("AMX_STORE_URL", url)
    for command in ("install-daemon", "status"):
        result = cli_call("schedule", command, code=2)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and SECRET not in lines[0]
        assert lines[0].startswith("error: AMX_STORE_URL: must not contain a password")
    assert not amx_home.exists() or not (amx_home / RECORD_FILE).exists()


@pytest.mark.postgres
def test_status_reads_the_store_the_hook_ticks_whatever_this_shell_says(tmp_path, pg_url, amx_home):
    from amx_core.store import open_store

    team = StoreLocation(url=pg_url)
    setup = make_setup(tmp_path, "darwin", launchd(loaded=True), amx_home=amx_home, store=team)
    install_daemon(setup, now=NOW - timedelta(minutes=10))
    record_heartbeat(open_store(pg_url), at=NOW - timedelta(seconds=30), duration_ms=4.0, host="h", pid=1)

    same = daemon_status(setup, now=NOW)
    assert same.last_tick_at == NOW - timedelta(seconds=30)
    assert same.store == pg_url and not any("this shell" in warning for warning in same.warnings)

    plain_shell = make_setup(tmp_path, "darwin", setup.runner, amx_home=amx_home)  # no AMX_STORE_URL here
    other = daemon_status(plain_shell, now=NOW)
    assert other.last_tick_at == NOW - timedelta(seconds=30) and other.store == pg_url
    assert any(warning.startswith("this shell's store (sqlite:///") for warning in other.warnings)
    assert not (amx_home / "amx.db").exists()  # the SQLite file was not opened, let alone created


def test_status_says_when_the_hook_cannot_find_its_store_password(tmp_path):
    setup = make_setup(tmp_path, "darwin", launchd(loaded=True), store=TEAM)
    status = install_daemon(setup, now=NOW)
    secrets = setup.amx_home / "secrets.env"
    expected = (
        f"AMX_STORE_PASSWORD_KEY names PG_PW, but the hook runs without your shell environment and {secrets} "
        "has no PG_PW=... line: the tick cannot log in to the store"
    )
    assert expected in status.warnings
    assert status.store == f"{TEAM_URL} (password from key:PG_PW)"
    secrets.write_text(f"PG_PW={SECRET}\n")
    secrets.chmod(0o600)
    after = daemon_status(setup, now=NOW)
    assert expected not in after.warnings
    assert not any(SECRET in warning for warning in after.warnings)
    assert SECRET not in json.dumps(after.to_json())
    unreachable = "cannot read the tick heartbeat: StoreError: store: cannot open postgresql://amx%40corp@127.0.0.1:9/"
    assert any(warning.startswith(unreachable) for warning in after.warnings)
