"""Showing URLs and text without the secrets in them."""

from __future__ import annotations

import re

from amx_core.secrets.url_secrets import SECRET_WORDS

_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?P<tail>@)")
# `?password=...`, `&sslpassword=...`, `#token=...`: a query or fragment key holding a secret word.
_QUERY_SECRET = re.compile(
    r"(?P<head>[?&;#][^=&;#\s]*(?:" + "|".join(SECRET_WORDS) + r")[^=&;#\s]*=)(?P<value>[^&;#\s]+)", re.IGNORECASE
)


def mask_url(url: str) -> str:
    """`postgresql://amx:secret@host/db?sslpassword=x` -> `postgresql://amx:***@host/db?sslpassword=***`."""
    masked = _URL_PASSWORD.sub(lambda m: f"{m.group('head')}***{m.group('tail')}", url)
    return _QUERY_SECRET.sub(lambda m: f"{m.group('head')}***", masked)


def redact(text: str, secrets: list[str | None]) -> str:
    """Replace every known secret value in `text` (for error messages that echo driver output)."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "***")
    return mask_url(text)
