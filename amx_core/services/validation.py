"""Field checks shared by the services; each error names the field it is about."""

from __future__ import annotations

import re

from amx_core.errors import ValidationError

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")

NAME_MAX = 200


def clean_name(value: str | None, *, field: str = "name", max_len: int = NAME_MAX) -> str:
    """A display name: non-empty, bounded, no control or bidi characters (they corrupt terminals)."""
    if value is None or not value.strip():
        raise ValidationError(field, "must not be empty")
    if _CONTROL.search(value):
        raise ValidationError(field, "must not contain control or escape characters")
    value = value.strip()
    if len(value) > max_len:
        raise ValidationError(field, f"is {len(value)} characters long; the limit is {max_len}")
    return value


def profile_name(value: str | None, *, field: str = "name") -> str:
    if value is None or not _PROFILE_NAME.match(value):
        raise ValidationError(
            field, f"{value!r} is not a valid profile name (letters, digits, _ . -; up to 64, no leading symbol)"
        )
    return value


def one_of(value: str, choices: tuple[str, ...], *, field: str) -> str:
    if value not in choices:
        raise ValidationError(field, f"{value!r} is not one of {', '.join(choices)}")
    return value


_YES = ("yes", "true", "on", "1")
_NO = ("no", "false", "off", "0")


def yes_no(value, *, field: str) -> bool:
    """A switch: a bool, or yes/no, true/false, on/off, 1/0 as text (forms and scripts send text)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValidationError(field, f"{value!r} is not yes or no")


def positive_number(value, *, field: str, maximum: float | None = None, integer: bool = False, allow_zero=False):
    """A number above 0 (at least 0 with `allow_zero`), at most `maximum`; else a ValidationError naming the field."""
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        raise ValidationError(field, f"{value!r} is not a number") from None
    if integer and isinstance(value, float) and not value.is_integer():
        raise ValidationError(field, f"{value!r} is not a whole number")
    if number != number or number < 0 or (number == 0 and not allow_zero):  # NaN, negative, or 0 when refused
        raise ValidationError(field, f"must be {'0 or more' if allow_zero else 'greater than 0'}, got {value!r}")
    if maximum is not None and number > maximum:
        raise ValidationError(field, f"must be at most {maximum:g}, got {value!r}")
    return number
