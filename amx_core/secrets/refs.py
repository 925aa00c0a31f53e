"""Parsing and checking secret references, so only a pointer to a secret reaches the store."""

from __future__ import annotations

import re

from amx_core.errors import ValidationError

SCHEMES = ("env", "key", "keyring")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,127}")


def make_ref(scheme: str, name: str, *, field: str) -> str:
    """Build `scheme:name` after checking the name is a plain identifier."""
    if scheme not in SCHEMES:
        raise ValidationError(field, f"unknown secret source {scheme!r} (use one of {', '.join(SCHEMES)})")
    if not name or not _NAME.fullmatch(name):
        raise ValidationError(field, f"{name!r} is not a valid secret name (letters, digits, _ . -)")
    return f"{scheme}:{name}"


def split_ref(ref: str) -> tuple[str, str]:
    scheme, _, name = ref.partition(":")
    return scheme, name
