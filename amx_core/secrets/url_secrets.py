"""Secrets written into a URL, found without quoting them: every place that takes a URL refuses them alike.

A URL can carry a secret in its user part (`postgresql://amx:pw@host/db`) or in a query or fragment key
(`?password=`, `?sslpassword=`, `?passfile=`, `?api_key=`, `?token=`): any key holding one of
SECRET_WORDS. Import-light (standard library only): the store's location is checked on every tick.
"""

from __future__ import annotations

import re

from amx_core.errors import ValidationError

# A URL query key holding any of these words carries a secret (password, sslpassword, passfile, api_key, token).
SECRET_WORDS = ("pass", "secret", "token", "key")
# SQLAlchemy's reading of the user part: a user without ':' or '/', then ':' and a password up to '@'.
_SQLALCHEMY_USERINFO = re.compile(r"(?P<user>[^:/]*):(?P<password>[^@]*)@")
_PAIR_SEPARATORS = re.compile(r"[&;#]")


def is_secret_key(name: str) -> bool:
    """True when a URL query key names a secret (`password`, `sslpassword`, `passfile`, `api_key`, `token`)."""
    lowered = name.lower()
    return any(word in lowered for word in SECRET_WORDS)


def _unquote(text: str) -> str:
    if "%" not in text and "+" not in text:
        return text
    from urllib.parse import unquote_plus

    return unquote_plus(text)


def _userinfo_password(scheme: str, rest: str) -> bool:
    """True when the part after `scheme://` starts with `user:password@`, as SQLAlchemy or urllib would read it."""
    if scheme.lower() not in ("http", "https"):
        match = _SQLALCHEMY_USERINFO.match(rest)
        if match is not None and match.group("password"):
            return True
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    userinfo, at, _ = authority.rpartition("@")
    _, colon, password = userinfo.partition(":")
    return bool(at and colon and password)


def url_secret(url: str) -> str | None:
    """What secret `url` carries, in words that never quote its value ("a password in its user part"), or None."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        rest = url
    elif _userinfo_password(scheme, rest):
        return "a password in its user part"
    start = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=-1)
    if start < 0:
        return None
    for pair in _PAIR_SEPARATORS.split(rest[start + 1 :]):
        key, eq, value = pair.partition("=")
        name = _unquote(key).strip().lower()
        if eq and value and is_secret_key(name):
            return f"a secret in its query (the {name!r} parameter)"
    return None


def refuse_url_secret(url: str, *, field: str, instead: str) -> None:
    """Raise a ValidationError on `field` when `url` carries a secret; the message never quotes the URL.

    `instead` says where the secret goes (e.g. "use --password-env VAR or --password-key KEY").
    """
    what = url_secret(url)
    if what is not None:
        raise ValidationError(field, f"must not contain {what}; {instead}")
