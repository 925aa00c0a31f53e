"""The `amx schedule` and `amx profile` verbs end to end, with the documented --json shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from amx_cli.main import build_cli

FUTURE_DAY = (datetime.now(UTC) + timedelta(days=20)).strftime("%Y-%m-%d")
SCHEDULE_KEYS = {
    "id",
    "name",
    "status",
    "trigger",
    "next_fire_utc",
    "next_fire_local",
    "tz",
    "cadence",
    "scope",
    "db_profile",
    "llm_profile",
    "review",
}


@pytest.fixture
def amx(cli_call):
    call = cli_call
    call("profile", "db", "add", "shop", "--url", "postgresql://amx@db.example/shop", "--password-env", "SHOP_PW")
    call("profile", "llm", "add", "offline", "--provider", "heuristic")
    return call


def test_add_list_show_edit_pause_resume_rm(amx):
    result = amx(
        "schedule",
        "add",
        "--name",
        "nightly",
        "--at",
        f"{FUTURE_DAY} 02:00",
        "--tz",
        "Europe/Berlin",
        "--cron",
        "0 2 * * *",
        "--db-profile",
        "shop",
        "--llm-profile",
        "offline",
        "--scope",
        "public.users",
        "--scope",
        "public.orders",
        "--no-verify",  # db.example is not a real server: saved offline
        "--json",
    )
    assert result.stderr == "warning: database and scope were not checked against the catalog (--no-verify)\n"
    added = json.loads(result.stdout)
    assert SCHEDULE_KEYS <= set(added)
    assert added["status"] == "pending" and added["scope"] == ["public.users", "public.orders"]
    assert added["next_fire_local"].startswith(f"{FUTURE_DAY}T02:00:00+0")
    sid = str(added["id"])

    listed = json.loads(amx("schedule", "list", "--json").output)
    assert [s["name"] for s in listed] == ["nightly"]
    assert "nightly" in amx("schedule", "list").output

    edited = json.loads(amx("schedule", "edit", sid, "--review", "auto", "--expect-version", "1", "--json").output)
    assert edited["review"] == "auto" and edited["version"] == 2
    assert added["with_statistics"] is False and edited["with_statistics"] is False
    dated = json.loads(amx("schedule", "edit", sid, "--with-statistics", "--json").output)
    assert dated["with_statistics"] is True and dated["review"] == "auto"
    assert "stated, dated and scoped" in amx("schedule", "show", sid).output
    plain = json.loads(amx("schedule", "edit", sid, "--no-statistics", "--json").output)
    assert plain["with_statistics"] is False and plain["version"] == 4

    assert "Paused" in amx("schedule", "pause", sid).output
    assert json.loads(amx("schedule", "list", "--status", "paused", "--json").output)[0]["id"] == added["id"]
    assert json.loads(amx("schedule", "list", "--status", "pending", "--json").output) == []
    assert "Pending" in amx("schedule", "resume", "nightly").output

    shown = amx("schedule", "show", sid).output
    assert "At 02:00" in shown and "public.users, public.orders" in shown

    amx("schedule", "rm", sid, "--yes")
    assert json.loads(amx("schedule", "list", "--json").output) == []


def test_change_schedule_settle_minutes_add_edit_show(amx):
    base = ["schedule", "add", "--name", "watch", "--trigger", "change", "--cap-hours", "6"]
    added = json.loads(amx(*base, "--db-profile", "shop", "--llm-profile", "offline", "--json").output)
    assert (added["settle_minutes"], added["cap_hours"], added["next_fire_utc"]) == (15, 6, None)
    edited = json.loads(amx("schedule", "edit", "watch", "--settle-minutes", "0", "--json").output)
    assert edited["settle_minutes"] == 0 and edited["version"] == 2
    assert "settle minutes   0" in amx("schedule", "show", "watch").output
    refused = amx("schedule", "edit", "watch", "--settle-minutes", "-5", code=2)
    assert "settle-minutes: must be 0 or more" in refused.output
    assert json.loads(amx("schedule", "show", "watch", "--json").output)["settle_minutes"] == 0


def test_rm_asks_without_yes(amx):
    amx(
        "schedule",
        "add",
        "--name",
        "x",
        "--at",
        f"{FUTURE_DAY} 09:00",
        "--db-profile",
        "shop",
        "--llm-profile",
        "offline",
    )
    runner = CliRunner()
    result = runner.invoke(build_cli(), ["schedule", "rm", "x"], input="n\n")
    assert result.exit_code == 1
    assert len(json.loads(amx("schedule", "list", "--json").output)) == 1


def test_preview_json_and_text(amx):
    out = json.loads(
        amx(
            "schedule",
            "preview",
            "--cron",
            "30 2 * * *",
            "--tz",
            "Europe/Berlin",
            "--from",
            "2027-03-27T12:00:00Z",
            "--count",
            "2",
            "--json",
        ).output
    )
    assert out == [
        {"utc": "2027-03-28T01:00:00+00:00", "local": "2027-03-28T03:00:00+02:00"},
        {"utc": "2027-03-29T00:30:00+00:00", "local": "2027-03-29T02:30:00+02:00"},
    ]
    text = amx("schedule", "preview", "--cron", "0 9 * * 1-5", "--tz", "UTC", "--count", "3").output
    assert "At 09:00, Monday through Friday" in text


def test_profile_list_show_rm(amx):
    listed = json.loads(amx("profile", "db", "list", "--json").output)
    assert listed[0]["name"] == "shop" and listed[0]["password_ref"] == "env:SHOP_PW"
    assert json.loads(amx("profile", "llm", "show", "offline", "--json").output)["provider"] == "heuristic"
    amx("profile", "llm", "rm", "offline")
    assert json.loads(amx("profile", "llm", "list", "--json").output) == []


def test_profile_edit_and_test(amx, tmp_path):
    import sqlite3

    db = tmp_path / "shop.db"
    sqlite3.connect(db).execute("CREATE TABLE t (x INTEGER)").connection.close()
    amx("profile", "db", "add", "lite", "--url", f"sqlite:///{db}")
    tested = json.loads(amx("profile", "db", "test", "lite", "--json").output)
    assert tested["ok"] is True
    edited = json.loads(
        amx("profile", "db", "edit", "shop", "--password-key", "SHOP_KEY", "--database", "sales", "--json").output
    )
    assert edited["password_ref"] == "key:SHOP_KEY" and edited["default_database"] == "sales"
    amx("profile", "llm", "add", "gpt", "--provider", "openai", "--base-url", "http://127.0.0.1:9/v1")
    llm = json.loads(amx("profile", "llm", "edit", "gpt", "--base-url", "", "--max-concurrency", "2", "--json").output)
    assert llm["base_url"] is None and llm["max_concurrency"] == 2
    assert json.loads(amx("profile", "llm", "test", "offline", "--json").output)["ok"] is True
    bad = amx("profile", "llm", "edit", "gpt", "--temperature", "7", code=2)
    assert bad.stderr.startswith("error: temperature:")
