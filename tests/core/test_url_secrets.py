"""Secrets written into URLs: which URL parts carry one, and how they are masked when shown."""

from __future__ import annotations

import pytest

from amx_core.errors import ValidationError
from amx_core.secrets.masking import mask_url, redact
from amx_core.secrets.url_secrets import refuse_url_secret, url_secret

HIDDEN = "hunter2-Zq9"

CARRYING = [
    (f"postgresql://amx:{HIDDEN}@db/shop", "a password in its user part"),
    (f"postgresql+psycopg://amx:{HIDDEN}@db:5432/shop?sslmode=require", "a password in its user part"),
    (f"mysql+pymysql://root:{HIDDEN}@127.0.0.1/x", "a password in its user part"),
    (f"postgresql://amx:pa/ss{HIDDEN}@db/shop", "a password in its user part"),  # SQLAlchemy reads '/' in it
    (f"postgresql://u@h/db?password={HIDDEN}", "a secret in its query (the 'password' parameter)"),
    (
        f"postgresql://u@h/db?sslmode=require&sslpassword={HIDDEN}",
        "a secret in its query (the 'sslpassword' parameter)",
    ),
    ("postgresql://u@h/db?passfile=/home/u/.pgpass", "a secret in its query (the 'passfile' parameter)"),
    (f"postgresql://u@h/db?PASSWORD={HIDDEN}", "a secret in its query (the 'password' parameter)"),
    (f"postgresql://u@h/db?pass%77ord={HIDDEN}", "a secret in its query (the 'password' parameter)"),
    (f"mysql+pymysql://u@h/db?ssl_key={HIDDEN}", "a secret in its query (the 'ssl_key' parameter)"),
    (f"http://127.0.0.1:8080/v1?api_key={HIDDEN}", "a secret in its query (the 'api_key' parameter)"),
    (f"https://llm.example/v1?x=1;token={HIDDEN}", "a secret in its query (the 'token' parameter)"),
    (f"https://llm.example/v1#access_token={HIDDEN}", "a secret in its query (the 'access_token' parameter)"),
    (f"https://llm.example/v1?client_secret={HIDDEN}", "a secret in its query (the 'client_secret' parameter)"),
    (f"https://bob:{HIDDEN}@llm.example/v1", "a password in its user part"),
]

CLEAN = [
    "postgresql://amx@db/shop",
    "postgresql://amx:@db/shop",  # an empty password is no secret
    "postgresql://amx@db:5432/shop?sslmode=require&application_name=amx&connect_timeout=5",
    "postgresql://u@h/db?password=",  # a key with no value carries nothing
    "sqlite:////tmp/amx home/shop.db",
    "http://127.0.0.1:8080/v1",
    "https://llm.example/v1?email=ann@example.org",  # an '@' in the query is not a user part
    "mysql+pymysql://root@127.0.0.1/x?charset=utf8mb4",
]


@pytest.mark.parametrize("url,what", CARRYING)
def test_a_secret_anywhere_in_a_url_is_named_never_quoted(url, what):
    assert url_secret(url) == what
    with pytest.raises(ValidationError) as info:
        refuse_url_secret(url, field="url", instead="use --password-env VAR instead")
    assert info.value.field == "url"
    assert str(info.value) == f"url: must not contain {what}; use --password-env VAR instead"
    assert HIDDEN not in str(info.value) and "pgpass" not in str(info.value)


@pytest.mark.parametrize("url", CLEAN)
def test_urls_without_secrets_pass(url):
    assert url_secret(url) is None
    refuse_url_secret(url, field="url", instead="-")


def test_masking_hides_user_part_and_query_secrets():
    assert mask_url(f"postgresql://amx:{HIDDEN}@db:5432/shop") == "postgresql://amx:***@db:5432/shop"
    assert (
        mask_url(f"postgresql://u@h/db?sslmode=require&password={HIDDEN}&sslpassword={HIDDEN}&x=1")
        == "postgresql://u@h/db?sslmode=require&password=***&sslpassword=***&x=1"
    )
    assert mask_url(f"http://h/v1?API_KEY={HIDDEN}#token={HIDDEN}") == "http://h/v1?API_KEY=***#token=***"
    assert mask_url("postgresql://u@h/db?sslmode=require") == "postgresql://u@h/db?sslmode=require"
    text = f"could not connect to postgresql://u@h/db?password={HIDDEN} (refused)"
    assert redact(text, []) == "could not connect to postgresql://u@h/db?password=*** (refused)"
