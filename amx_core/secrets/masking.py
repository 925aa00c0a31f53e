"""Showing URLs and text without the secrets in them."""

from __future__ import annotations

import re

_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?P<tail>@)")


def mask_url(url: str) -> str:
    """`postgresql://amx:secret@host/db` -> `postgresql://amx:***@host/db`."""
    return _URL_PASSWORD.sub(lambda m: f"{m.group('head')}***{m.group('tail')}", url)


def redact(text: str, secrets: list[str | None]) -> str:
    """Replace every known secret value in `text` (for error messages that echo driver output)."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "***")
    return mask_url(text)
