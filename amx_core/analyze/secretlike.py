"""Recognising columns that hold secrets (passwords, tokens, keys, hashes), whose values are never read or sent.

A column is secret-like by its name (`password`, `api_key`, `password_hash`, `ssn`, ...), in which
case profiling does not even select it, or by its values: when COLUMN_SHARE of the sampled values
look like a hash digest, a crypt hash, a JWT, a PEM block or a vendor API key, the values already
read are dropped. Either way the model is told the column's type and that its values are withheld.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable

from amx_core.analyze.personal import COLUMN_SHARE
from amx_core.llm.names import split_words

SECRET = "secret"

# Words that make a column secret-like wherever they appear in its name.
SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "passcode",
        "secret",
        "secrets",
        "token",
        "tokens",
        "hash",
        "hashed",
        "salt",
        "pepper",
        "ssn",
        "credential",
        "credentials",
        "apikey",
        "privatekey",
    }
)
# Words that make a column secret-like together with "key" (`api_key`, `PrivateKey`).
KEY_QUALIFIERS = frozenset({"api", "private", "secret", "access", "auth", "encryption", "signing", "session"})

_HEX_DIGEST = re.compile(r"(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})", re.I)
_CRYPT = re.compile(r"\$(?:2[abxy]?|1|5|6|7|y|gy|argon2(?:id|i|d)|scrypt|pbkdf2(?:-sha\d+)?)\$\S{8,}")
_DJANGO = re.compile(r"(?:pbkdf2_sha\d+|bcrypt(?:_sha256)?|argon2|scrypt|sha1|md5)\$\S+\$\S{8,}")
_JWT = re.compile(r"eyJ[\w-]{8,}\.[\w-]{8,}(?:\.[\w-]*)?")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]{3,40}-----")
_VENDOR_KEY = re.compile(
    r"(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,}"  # payment providers
    r"|sk-[A-Za-z0-9_-]{20,}"  # LLM providers
    r"|AKIA[0-9A-Z]{16}"  # cloud access key ids
    r"|gh[pousr]_[A-Za-z0-9]{30,}"  # code hosting tokens
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"  # chat tokens
    r"|AIza[0-9A-Za-z_-]{35}"
    r"|ssh-(?:rsa|ed25519|dss) AAAA[0-9A-Za-z+/=]{20,}.*"
)
_TOKEN = re.compile(r"[A-Za-z0-9+/_=-]{32,}")


def secret_name(column_name: str) -> bool:
    """Does the column's name say it holds secrets (`password`, `PasswordHash`, `api_key`, `ssn`)?"""
    words = set(split_words(column_name))
    return bool(words & SECRET_WORDS) or ("key" in words and bool(words & KEY_QUALIFIERS))


def _random_token(text: str) -> bool:
    """A long run of base64/url-safe characters mixing upper case, lower case and digits: a key or token."""
    return (
        bool(_TOKEN.fullmatch(text))
        and any(c.isupper() for c in text)
        and any(c.islower() for c in text)
        and any(c.isdigit() for c in text)
    )


def secret_value(value: object) -> bool:
    """Does one value look like a hash, a crypt hash, a JWT, a PEM block or an API key?"""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if len(text) < 20:
        return False
    return bool(
        _HEX_DIGEST.fullmatch(text)
        or _CRYPT.match(text)
        or _DJANGO.fullmatch(text)
        or _JWT.match(text)
        or _PEM.search(text)
        or _VENDOR_KEY.fullmatch(text)
        or _random_token(text)
    )


def secret_values(values: Iterable[object]) -> bool:
    """Do COLUMN_SHARE of the (non-null) sampled values look secret?"""
    total = found = 0
    # each distinct value checked once (an unhashable one stands for itself, and is no text)
    values = list(values)
    counts = (
        Counter(values)
        if set(map(type, values)) <= {str}  # the usual text sample: counted in one C pass
        else Counter(v if type(v) is str or isinstance(v, Hashable) else id(v) for v in values)
    )
    for value, seen in counts.items():
        total += seen
        found += seen if secret_value(value) else 0
    return found > 0 and found >= COLUMN_SHARE * total
