"""Which IANA time zones exist and which one this machine runs in, with errors a user can act on."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from amx_core.errors import ValidationError

FALLBACK_ZONE = "UTC"
# Names the zoneinfo search path may hold that are not portable IANA zones: a schedule
# stored with one of them would mean something else on the next machine.
_NOT_IANA = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_IANA


def zone_names() -> list[str]:
    """Every available IANA zone name, sorted (for completion in the form and the CLI)."""
    return sorted(_known_names())


def local_zone_name() -> str:
    """The machine's IANA zone name as tzlocal sees it, or 'UTC' when it cannot tell."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:  # noqa: BLE001 - tzlocal raises many kinds on odd hosts; UTC is the safe answer
        return FALLBACK_ZONE
    return name if name in _known_names() else FALLBACK_ZONE


def resolve_zone(name: str | None, field: str = "tz") -> ZoneInfo:
    """The zone for an IANA name (None or blank: the machine's zone), or a ValidationError naming `field`."""
    if name is None or (isinstance(name, str) and not name.strip()):
        return _load(local_zone_name())
    if not isinstance(name, str) or name not in _known_names():
        raise ValidationError(field, _unknown_message(name))
    return _load(name)


def stored_zone(name: str | None) -> ZoneInfo:
    """The zone of a name the store holds (resolve_zone checked it when it was saved), loaded without first
    listing every zone, which takes a long listing 20 ms; a name that is no zone is refused as resolve_zone
    refuses it."""
    if name and name not in _NOT_IANA and not name.startswith(("posix/", "right/")):  # what the list leaves out
        try:
            return _load(name)
        except (KeyError, ValueError, OSError):  # not found, not a zone's path, not a zone's file
            pass
    return resolve_zone(name)


@lru_cache(maxsize=64)
def _load(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _unknown_message(name: object) -> str:
    message = f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)"
    if isinstance(name, str):
        folded = name.strip().casefold()
        for known in _known_names():
            if known.casefold() == folded:
                return f"{message}; did you mean {known}?"
    return message
