"""Plain-English text for a cadence (24-hour clock), for the form and `amx schedule preview`."""

from __future__ import annotations

from functools import lru_cache

from amx_core.errors import ValidationError
from amx_core.timing.cadence import plain_cadence, validate_cadence


@lru_cache(maxsize=1024)
def describe_cadence(expr: str) -> str:
    """'At 09:00, Monday through Friday'; never raises: an expression it cannot read comes back as given."""
    normalised = plain_cadence(expr) if isinstance(expr, str) else None  # most are plain: croniter not loaded
    if normalised is None:
        try:
            normalised = validate_cadence(expr)
        except ValidationError:
            return expr if isinstance(expr, str) else repr(expr)
    try:
        from cron_descriptor import ExpressionDescriptor

        return ExpressionDescriptor(normalised, _options()).get_description()
    except Exception:  # noqa: BLE001 - a description is a nicety; the expression itself is always right
        return normalised


@lru_cache(maxsize=1)
def _options():
    from cron_descriptor import Options

    return Options(locale_code="en_US", use_24hour_time_format=True)
