"""Notifications: a loopback webhook receiver gets exactly one POST per failed run and per missed schedule
(retried after a 500), a webhook that hangs holds the tick no longer than its timeout, a command notifier
gets the facts in AMX_* variables, and the webhook URL appears in no store row, log line or output."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from llm_server import Reply

from amx_core.tick.passes import run_pass

SECRET = "T0001/B0002/s3cr3tWebhookToken"
HOOK = f"/hook/{SECRET}"
FIRE = datetime(2031, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def hook(llm_server, monkeypatch):
    """The receiver, its URL in AMX_TEST_HOOK (a notifier names the variable, never the URL)."""
    monkeypatch.setenv("AMX_TEST_HOOK", llm_server.url + HOOK)
    return llm_server


def _schedules(cli_call, tmp_path) -> tuple[int, int]:
    """A schedule whose run fails (its SQLite file is gone) and one that will be missed; their ids."""
    target = tmp_path / "shop.db"
    sqlite3.connect(target).close()
    cli_call("profile", "db", "add", "gone", "--url", f"sqlite:///{target}")
    cli_call("profile", "llm", "add", "h", "--provider", "heuristic")
    base = ("--tz", "UTC", "--db-profile", "gone", "--llm-profile", "h", "--no-verify", "--json")
    failing = json.loads(
        cli_call("schedule", "add", "--name", "fails", "--at", "2031-06-01 09:00", "--retries", "1", *base).stdout
    )["id"]
    missed = json.loads(
        cli_call("schedule", "add", "--name", "sleepy", "--at", "2031-05-30 09:00", "--missed", "ask", *base).stdout
    )["id"]
    target.unlink()
    return failing, missed


def _posts(server) -> list[dict]:
    return [r.body for r in server.requests if r.path == HOOK]


def _everything_written(amx_home, store, outputs) -> str:
    """Every text row of the store, the tick log and the given command outputs, as one text."""
    parts = list(outputs)
    with sqlite3.connect(amx_home / "amx.db") as conn:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            parts += [repr(row) for row in conn.execute(f'SELECT * FROM "{table}"')]
    log = amx_home / "logs" / "tick.log"
    parts.append(log.read_text() if log.exists() else "")
    return "\n".join(parts)


def test_one_post_per_failed_run_and_per_missed_schedule_retried_after_a_500(hook, store, cli_call, tmp_path, amx_home):
    failing, missed = _schedules(cli_call, tmp_path)
    added = cli_call("notify", "add", "slack", "--webhook-env", "AMX_TEST_HOOK", "--on", "failed,missed", "--json")
    hook.script(HOOK, Reply({"error": "busy"}, status=500))
    hook.respond(HOOK, lambda request: Reply("ok"))

    report = run_pass(store, now=FIRE + timedelta(seconds=20))
    assert report.failed == (failing,) and missed in report.missed

    posts = _posts(hook)
    assert len(hook.requests) == 3 and len(posts) == 3  # the first POST got a 500 and was sent again
    delivered = posts[1:]
    by_event = {body["event"]: body for body in delivered}
    assert set(by_event) == {"failed", "missed"} and posts[0] == delivered[0]  # the 500 was answered by a retry
    failed = by_event["failed"]
    assert (failed["schedule"], failed["schedule_id"], failed["status"]) == ("fails", failing, "failed")
    assert failed["run"] == report.runs[0] and failed["error"] and failed["text"].startswith("AMX: fails run")
    assert (by_event["missed"]["schedule"], by_event["missed"]["slots"]) == ("sleepy", 1)
    assert "http" not in json.dumps(delivered)  # link-free

    shown = cli_call("runs", "show", str(report.runs[0]), "--json").stdout
    notices = json.loads(shown)["notifications"]
    assert notices == [
        {
            "notifier": "slack",
            "event": "failed",
            "status": "delivered",
            "attempts": 1,
            "error": None,
            "sent_at": notices[0]["sent_at"],
        }
    ]

    run_pass(store, now=FIRE + timedelta(minutes=1))  # nothing new: nothing sent again
    assert len(_posts(hook)) == 3

    outputs = [added.stdout, shown, cli_call("notify", "list", "--json").stdout, cli_call("notify", "list").stdout]
    written = _everything_written(amx_home, store, outputs)
    assert "env:AMX_TEST_HOOK" in written
    assert SECRET not in written and "s3cr3tWebhookToken" not in written and hook.url not in written


def test_a_hanging_webhook_holds_the_tick_no_longer_than_its_timeout(hook, store, cli_call, tmp_path):
    failing, _ = _schedules(cli_call, tmp_path)
    cli_call("notify", "add", "slack", "--webhook-env", "AMX_TEST_HOOK", "--timeout", "0.5")
    hook.respond(HOOK, lambda request: Reply("ok", hold=True))
    try:
        report = run_pass(store, now=FIRE + timedelta(seconds=20))
        assert hook.in_flight >= 1  # the pass is over while the receiver still holds the request
    finally:
        hook.release()
    notices = json.loads(cli_call("runs", "show", str(report.runs[0]), "--json").stdout)["notifications"]
    assert [(n["status"], n["attempts"]) for n in notices] == [("failed", 1)]
    assert notices[0]["error"] == "timed out after 0.5 s"
    assert failing in report.failed


def test_a_command_notifier_gets_the_facts_and_is_stopped_at_its_timeout(store, cli_call, tmp_path):
    failing, _ = _schedules(cli_call, tmp_path)
    out = tmp_path / "told.txt"
    cli_call(
        "notify",
        "add",
        "script",
        "--on",
        "failed",
        "--command",
        f'printf "%s|%s|%s|%s" "$AMX_SCHEDULE" "$AMX_RUN" "$AMX_STATUS" "$AMX_EVENT" > "{out}"',
    )
    cli_call("notify", "add", "slow", "--on", "failed", "--timeout", "0.3", "--command", "sleep 30 & sleep 30")
    report = run_pass(store, now=FIRE + timedelta(seconds=20))
    assert out.read_text() == f"fails|{report.runs[0]}|failed|failed"
    notices = {
        n["notifier"]: n
        for n in json.loads(cli_call("runs", "show", str(report.runs[0]), "--json").stdout)["notifications"]
    }
    assert notices["script"]["status"] == "delivered"
    assert notices["slow"]["status"] == "failed" and "did not finish within 0.3 s" in notices["slow"]["error"]
    assert failing in report.failed


def test_notify_test_sends_now_and_says_whether_it_arrived(hook, cli_call):
    cli_call("notify", "add", "slack", "--webhook-key", "SLACK_URL")
    missing = cli_call("notify", "test", "slack", code=1)
    assert "key:SLACK_URL is not set" in missing.stdout
    cli_call("notify", "add", "env", "--webhook-env", "AMX_TEST_HOOK")
    hook.respond(HOOK, lambda request: Reply("ok"))
    result = json.loads(cli_call("notify", "test", "env", "--json").stdout)
    assert result == {"name": "env", "ok": True, "attempts": 1, "error": None}
    assert _posts(hook)[0]["event"] == "test" and "text" in _posts(hook)[0]
    assert json.loads(cli_call("notify", "rm", "env", "--json").stdout)["name"] == "env"


def test_a_desktop_notifier_uses_notify_send_where_present(cli_call, tmp_path, monkeypatch):
    tools = tmp_path / "bin"
    tools.mkdir()
    told = tmp_path / "desktop.txt"
    fake = tools / "notify-send"  # the desktop's own tool, recorded instead of shown
    fake.write_text(f'#!/bin/sh\nprintf "%s|" "$@" > "{told}"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:/usr/bin:/bin")
    cli_call("notify", "add", "desk", "--desktop", "--on", "failed,stopped")
    result = json.loads(cli_call("notify", "test", "desk", "--json").stdout)
    assert result["ok"] is True
    assert told.read_text() == "--app-name=AMX|AMX|AMX: test notice from notifier desk|"
