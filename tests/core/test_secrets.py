"""Secrets by reference: resolution order, the 0600 rule, masking, and never a value in the store."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from amx_cli.main import build_cli
from amx_core.errors import ActionError
from amx_core.profiles.urls import db_connect_url
from amx_core.secrets.masking import mask_url, redact
from amx_core.secrets.resolve import read_secrets_file, resolve_secret
from amx_core.services.profiles import SecretSource, add_db_profile

SECRET = "s3cr3t-Pa55word!"


def _secrets_file(home, body: str, mode: int = 0o600):
    home.mkdir(parents=True, exist_ok=True)
    path = home / "secrets.env"
    path.write_text(body)
    os.chmod(path, mode)
    return path


def test_env_wins_then_file(amx_home, monkeypatch):
    _secrets_file(amx_home, f"PGPW={SECRET}\nexport OTHER='quoted value'\n# comment\n")
    assert resolve_secret("key:PGPW") == SECRET
    assert resolve_secret("key:OTHER") == "quoted value"
    assert resolve_secret("env:PGPW") == SECRET  # falls back to secrets.env (daemon has no shell env)
    monkeypatch.setenv("PGPW", "from-env")
    assert resolve_secret("env:PGPW") == "from-env"
    assert resolve_secret("key:MISSING") is None
    with pytest.raises(ActionError) as info:
        resolve_secret("key:MISSING", required=True, what="password")
    assert "secrets.env" in str(info.value)


def test_group_readable_secrets_file_is_refused(amx_home):
    path = _secrets_file(amx_home, f"PGPW={SECRET}\n", mode=0o640)
    with pytest.raises(ActionError) as info:
        read_secrets_file(path)
    assert "0600" in str(info.value)
    assert SECRET not in str(info.value)


def test_mask_url():
    assert mask_url("postgresql://amx:hunter2@db:5432/shop") == "postgresql://amx:***@db:5432/shop"
    assert mask_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert redact(f"login failed for {SECRET}", [SECRET]) == "login failed for ***"


def test_password_never_reaches_store_or_json(store, amx_home, monkeypatch):
    monkeypatch.setenv("SHOP_PW", SECRET)
    add_db_profile(store, name="shop", url="postgresql://amx@db/shop", password=SecretSource(env="SHOP_PW"))
    real = db_connect_url(store, "shop")
    import sqlalchemy as sa

    assert sa.engine.make_url(real).password == SECRET  # resolved only for connecting
    runner = CliRunner()
    out = runner.invoke(build_cli(), ["profile", "db", "show", "shop", "--json"]).output
    assert SECRET not in out
    assert json.loads(out)["password_ref"] == "env:SHOP_PW"
    store.dispose()
    for path in amx_home.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_edit_profiles_keep_identity_and_validate(store):
    from amx_core.errors import ValidationError
    from amx_core.services.profiles import add_llm_profile, edit_db_profile, edit_llm_profile

    add_db_profile(store, name="shop", url="postgresql://amx@db/shop")
    edited = edit_db_profile(store, "shop", password=SecretSource(key="SHOP_PW"), default_database="sales")
    assert edited.password_ref == "key:SHOP_PW" and edited.default_database == "sales"
    add_llm_profile(store, name="gpt", provider="openai", base_url="http://127.0.0.1:9/v1")
    llm = edit_llm_profile(store, "gpt", max_concurrency=8, api_key=SecretSource(env="OPENAI_KEY"))
    assert llm.max_concurrency == 8 and llm.key_ref == "env:OPENAI_KEY" and llm.base_url == "http://127.0.0.1:9/v1"
    with pytest.raises(ValidationError) as info:
        edit_llm_profile(store, "gpt", temperature=5)
    assert info.value.field == "temperature"


def test_failed_run_keeps_the_password_out_of_errors_and_logs(store, amx_home, monkeypatch):
    """A refused login echoes the URL: the run's error, tick.log and the store show it masked."""
    from amx_core.services.profiles import add_llm_profile
    from amx_core.services.run_now import run_now
    from amx_core.services.schedules import ScheduleInput, create_schedule

    monkeypatch.setenv("SHOP_PW", SECRET)
    add_db_profile(
        store, name="shop", url="postgresql+psycopg://nobody_amx@127.0.0.1:1/shop", password=SecretSource(env="SHOP_PW")
    )
    add_llm_profile(store, name="h", provider="heuristic")
    view = create_schedule(
        store, ScheduleInput(name="s", at="2031-01-01 09:00", tz="UTC", db_profile="shop", llm_profile="h")
    )
    result = run_now(store, view.id)
    assert result.run.status == "failed"
    assert "***" in (result.run.error or "") or "nobody_amx" in (result.run.error or "")
    store.dispose()
    for path in amx_home.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
