"""AMX_STORE_URL under the profile URL rules: secrets inside are refused unseen; the password comes by reference."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from amx_core.errors import ActionError, ValidationError
from amx_core.secrets.masking import mask_url
from amx_core.secrets.url_secrets import url_secret
from amx_core.storelocation import StoreLocation

SECRET = "Hunter2-s3cr3t"
REFUSED = [
    (f"postgresql://amx:{SECRET}@db:5432/amx", "a password in its user part"),
    (f"postgresql+psycopg://amx:{SECRET}@db/amx?sslmode=require", "a password in its user part"),
    (f"postgresql://amx:pa/{SECRET}@db/amx", "a password in its user part"),
    (f"postgresql://amx@db/amx?password={SECRET}", "the 'password' parameter"),
    (f"postgresql://amx@db/amx?sslmode=require&sslpassword={SECRET}", "the 'sslpassword' parameter"),
    (f"postgresql://amx@db/amx?passfile=/home/ann/{SECRET}", "the 'passfile' parameter"),
    (f"postgresql://amx@db/amx?api_key={SECRET}", "the 'api_key' parameter"),
    (f"postgresql://amx@db/amx?Auth_Token={SECRET}", "the 'auth_token' parameter"),
    (f"postgresql://amx@db/amx?client_secret={SECRET}", "the 'client_secret' parameter"),
    (f"postgresql://amx@db/amx?pass%77ord={SECRET}", "the 'password' parameter"),
]
ACCEPTED = [
    "postgresql://amx@db:5432/amx",
    "postgresql://db:5432/amx?sslmode=require&application_name=amx",
    "postgresql:///amx?host=/var/run/postgresql",
    "postgresql://amx:@db/amx",  # an empty password is no secret
    "postgresql://amx@db/amx?password=",
    "sqlite:////home/ann/amx@work/amx.db",
]


def tick(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "amx_core.tick.entry"], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(("url", "what"), REFUSED)
def test_a_secret_inside_the_url_is_named_never_quoted(url, what):
    found = url_secret(url)
    assert found is not None and what in found and SECRET not in found
    with pytest.raises(ValidationError) as caught:
        StoreLocation.from_environ({"AMX_STORE_URL": url})
    assert caught.value.field == "AMX_STORE_URL"
    assert SECRET not in caught.value.message and "\n" not in caught.value.message
    assert "AMX_STORE_PASSWORD_ENV" in caught.value.message and "PGPASSFILE" in caught.value.message


@pytest.mark.parametrize("url", ACCEPTED)
def test_urls_without_a_secret_are_accepted(url):
    assert url_secret(url) is None
    assert StoreLocation.from_environ({"AMX_STORE_URL": url}).url == url


def test_mask_url_hides_query_secrets_too():
    assert mask_url(f"postgresql://amx:{SECRET}@db/amx?sslmode=require&sslpassword={SECRET}&x=1") == (
        "postgresql://amx:***@db/amx?sslmode=require&sslpassword=***&x=1"
    )


def test_the_password_reference_takes_one_source_and_a_plain_name():
    with pytest.raises(ValidationError) as both:
        StoreLocation.from_environ(
            {"AMX_STORE_URL": "postgresql://amx@db/amx", "AMX_STORE_PASSWORD_ENV": "A", "AMX_STORE_PASSWORD_KEY": "B"}
        )
    assert both.value.field == "AMX_STORE_PASSWORD_ENV" and "only one" in both.value.detail
    with pytest.raises(ValidationError) as bad:
        StoreLocation.from_environ({"AMX_STORE_URL": "postgresql://amx@db/amx", "AMX_STORE_PASSWORD_KEY": "a b"})
    assert bad.value.field == "AMX_STORE_PASSWORD_KEY"


def test_what_a_hook_carries_is_names_and_paths_only(amx_home, monkeypatch):
    monkeypatch.setenv("PG_PW", SECRET)
    location = StoreLocation.from_environ(
        {"AMX_STORE_URL": "postgresql://amx@db/amx", "AMX_STORE_PASSWORD_ENV": "PG_PW", "PGPASSFILE": "/p/.pgpass"}
    )
    assert location.environment() == {
        "AMX_STORE_URL": "postgresql://amx@db/amx",
        "AMX_STORE_PASSWORD_ENV": "PG_PW",
        "PGPASSFILE": "/p/.pgpass",
    }
    assert location.password() == SECRET
    assert location.shown() == "postgresql://amx@db/amx (password from env:PG_PW)"
    assert SECRET not in repr(location)
    # The SQLite default carries nothing, and a reference without a server URL is not used.
    assert StoreLocation.from_environ({"AMX_STORE_PASSWORD_ENV": "PG_PW"}).environment() == {}
    assert StoreLocation.from_environ({"AMX_STORE_PASSWORD_ENV": "PG_PW"}).password() is None


def test_an_unset_password_is_an_action_error_naming_the_variable(amx_home):
    location = StoreLocation.from_environ({"AMX_STORE_URL": "postgresql://amx@db/amx", "AMX_STORE_PASSWORD_KEY": "K"})
    with pytest.raises(ActionError, match=r"^AMX_STORE_PASSWORD_KEY: key:K is not set"):
        location.password()


def test_cli_and_tick_refuse_a_url_password_in_one_line_without_echoing_it(cli_call, monkeypatch, amx_home):
    url = f"postgresql://amx:{SECRET}@127.0.0.1:5432/amx"
    monkeypatch.setenv("AMX_STORE_URL", url)
    result = cli_call("schedule", "list", code=2)
    assert result.output.strip().splitlines() == [
        "error: AMX_STORE_URL: must not contain a password in its user part; name the password instead with "
        "AMX_STORE_PASSWORD_ENV=VAR or AMX_STORE_PASSWORD_KEY=KEY (a secrets.env key), or put it in ~/.pgpass "
        "or PGPASSFILE"
    ]
    done = tick({**os.environ, "AMX_STORE_URL": url})
    assert done.returncode == 2
    assert done.stderr.splitlines() == [result.output.strip().splitlines()[0]]
    assert SECRET not in done.stdout + done.stderr
    assert not (amx_home / "logs" / "tick.log").exists() or SECRET not in (amx_home / "logs" / "tick.log").read_text()


def test_an_unreachable_store_is_one_masked_line(amx_home):
    env = {**os.environ, "AMX_STORE_URL": "postgresql://amx@127.0.0.1:9/amx?sslmode=disable"}
    done = tick(env)
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("error: store: cannot open postgresql://amx@127.0.0.1:9/amx?sslmode=disable: ")


@pytest.mark.postgres
@pytest.mark.parametrize("source", ["env", "key"])
def test_the_referenced_password_reaches_the_driver_and_nothing_else(pg_url, amx_home, monkeypatch, source):
    """The server trusts 127.0.0.1, so libpq's own record of the password it sent is the proof."""
    from amx_core.store import open_store
    from amx_core.tick.fastpath import probe
    from amx_core.tick.storeurl import environment_target

    amx_home.mkdir(parents=True, exist_ok=True)
    if source == "env":
        monkeypatch.setenv("PG_PW", SECRET)
        monkeypatch.setenv("AMX_STORE_PASSWORD_ENV", "PG_PW")
    else:
        secrets = amx_home / "secrets.env"
        secrets.write_text(f"PG_PW={SECRET}\n")
        secrets.chmod(0o600)
        monkeypatch.setenv("AMX_STORE_PASSWORD_KEY", "PG_PW")
    monkeypatch.setenv("AMX_STORE_URL", pg_url)

    store = open_store()
    assert SECRET not in store.url and SECRET not in repr(store.engine.url)
    with store.engine.connect() as conn:
        assert conn.connection.dbapi_connection.info.password == SECRET

    target = environment_target()
    assert target.password == SECRET and SECRET not in repr(target) and SECRET not in target.target
    from datetime import UTC, datetime

    assert probe(target, datetime.now(UTC), lease_seconds=300) is not None  # the raw driver logged in with it
