"""Field checks shared by the services; each error names the field it is about."""

from __future__ import annotations

import math
import re
import unicodedata

from amx_core.errors import NotFoundError, ValidationError
from amx_core.text import CONTROL, refuse_surrogates

# Prose (a description) keeps tabs, line breaks and the bidi marks right-to-left writing needs.
_CONTROL_IN_PROSE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
# Categories that draw nothing by themselves: controls, format characters (zero-width spaces and
# joiners, bidi marks), surrogates, private-use and unassigned code points, separators, combining marks.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
# Letters and symbols fonts draw blank (Hangul fillers, the braille blank).
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")

NAME_MAX = 200
TEXT_MAX = 1000
# Every id the store hands out fits a signed 64-bit integer (SQLite's INTEGER, PostgreSQL's BIGINT).
MAX_ID = 2**63 - 1


def is_visible(value: str) -> bool:
    """True when at least one character of `value` shows on screen (not only spaces, joiners or marks)."""
    return any(unicodedata.category(ch) not in _INVISIBLE_CATEGORIES and ch not in _BLANK_CHARACTERS for ch in value)


def looks_like_id(value: str) -> bool:
    """True for text made only of digits of any script ("12", "²", "١٢"), which a reader could take for an id."""
    return value.isdigit()


def clean_name(value: str | None, *, field: str = "name", max_len: int = NAME_MAX) -> str:
    """A display name: visible, bounded, not an id, no control or bidi characters (they corrupt terminals)."""
    if value is None or not value.strip():
        raise ValidationError(field, "must not be empty")
    refuse_surrogates(value, field=field)
    if CONTROL.search(value):
        raise ValidationError(field, "must not contain control or escape characters")
    value = value.strip()
    if len(value) > max_len:
        raise ValidationError(field, f"is {len(value)} characters long; the limit is {max_len}")
    if not is_visible(value):
        raise ValidationError(field, "must hold a visible character (not only spaces, joiners or marks)")
    if looks_like_id(value):
        raise ValidationError(field, f"{value!r} would read as an id; add a letter")
    return value


def plain_text(
    value: str | None, *, field: str, max_len: int = TEXT_MAX, prose: bool = False, required: bool = False
) -> str | None:
    """Optional free text (a database name, a model): no control characters, no bytes that were not UTF-8.

    Empty or None gives None unless `required`; `prose` keeps tabs and line breaks (descriptions).
    """
    if value is None or value == "":
        if required:
            raise ValidationError(field, "must not be empty")
        return None
    refuse_surrogates(value, field=field)
    if (_CONTROL_IN_PROSE if prose else CONTROL).search(value):
        raise ValidationError(field, "must not contain control or escape characters")
    if len(value) > max_len:
        raise ValidationError(field, f"is {len(value)} characters long; the limit is {max_len}")
    return value


def profile_name(value: str | None, *, field: str = "name") -> str:
    if value is None or not _PROFILE_NAME.fullmatch(value):
        raise ValidationError(
            field, f"{value!r} is not a valid profile name (letters, digits, _ . -; up to 64, no leading symbol)"
        )
    return value


def one_of(value: str, choices: tuple[str, ...], *, field: str) -> str:
    if value not in choices:
        raise ValidationError(field, f"{value!r} is not one of {', '.join(choices)}")
    return value


def record_id(value: int | str, *, field: str = "id", what: str = "record") -> int:
    """A stored row's id from user text: ASCII digits only; one no row can have is not found (exit 2)."""
    if isinstance(value, bool):
        raise ValidationError(field, f"{value!r} is not an id")
    if isinstance(value, int):
        number = value
    else:
        text = value.strip()
        if not (text.isascii() and text.isdigit()):
            hint = " (ids are written with the digits 0-9)" if text.isdigit() else ""
            raise ValidationError(field, f"{value!r} is not an id{hint}")
        if len(text.lstrip("0")) > len(str(MAX_ID)):
            raise NotFoundError(field, f"no {what} with id {text}")
        number = int(text)
    if not 1 <= number <= MAX_ID:
        raise NotFoundError(field, f"no {what} with id {number}")
    return number


def whole_number(value: int | str, *, field: str, minimum: int = 0, maximum: int = MAX_ID) -> int:
    """An integer in [minimum, maximum] from user text (ASCII digits, optional sign), or a ValidationError."""
    if isinstance(value, bool):
        raise ValidationError(field, f"{value!r} is not a whole number")
    if isinstance(value, int):
        number = value
    else:
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 30:
            raise ValidationError(field, f"{value!r} is not a whole number")
        number = int(text)
    if not minimum <= number <= maximum:
        raise ValidationError(field, f"must be between {minimum} and {maximum}, got {value!r}")
    return number


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


def positive_number(
    value,
    *,
    field: str,
    maximum: float | None = None,
    minimum: float | None = None,
    integer: bool = False,
    allow_zero: bool = False,
):
    """A number above 0 (at least 0 with `allow_zero`), at least `minimum` and at most `maximum`, from user text or a
    number; else a ValidationError naming the field."""
    if isinstance(value, str):
        refuse_surrogates(value, field=field)
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(field, f"{value!r} is not a number") from None
    if integer and isinstance(value, float) and not value.is_integer():
        raise ValidationError(field, f"{value!r} is not a whole number")
    if math.isnan(number) or number < 0 or (number == 0 and not allow_zero):
        raise ValidationError(field, f"must be {'0 or more' if allow_zero else 'greater than 0'}, got {value!r}")
    if minimum is not None and number < minimum:
        raise ValidationError(field, f"must be at least {minimum:g}, got {value!r}")
    if maximum is not None and number > maximum:
        raise ValidationError(field, f"must be at most {maximum:g}, got {value!r}")
    return number
