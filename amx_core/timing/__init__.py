"""Schedule time: zones, one-shot local times and cron cadences under the DST policy (docs/ARCHITECTURE.md §6).

Everything is computed in UTC; wall-clock time is only ever a naive value mapped explicitly.
"""

from amx_core.timing.cadence import is_sub_hourly, next_fire_after, next_fires, validate_cadence
from amx_core.timing.describe import describe_cadence
from amx_core.timing.localtime import LocalInstant, ensure_future, format_local, parse_local, to_local
from amx_core.timing.zones import local_zone_name, resolve_zone, stored_zone, zone_names

__all__ = [
    "LocalInstant",
    "describe_cadence",
    "ensure_future",
    "format_local",
    "is_sub_hourly",
    "local_zone_name",
    "next_fire_after",
    "next_fires",
    "parse_local",
    "resolve_zone",
    "stored_zone",
    "to_local",
    "validate_cadence",
    "zone_names",
]
