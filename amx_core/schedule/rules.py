"""The schedule state machine (docs/ARCHITECTURE.md §5.2) as data: which event is allowed from which status."""

from __future__ import annotations

from amx_core.errors import ConflictError

PENDING, PAUSED, RUNNING, COMPLETED, FAILED, MISSED, CANCELLED = (
    "pending",
    "paused",
    "running",
    "completed",
    "failed",
    "missed",
    "cancelled",
)
STATUSES = (PENDING, PAUSED, RUNNING, COMPLETED, FAILED, MISSED, CANCELLED)
TRIGGERS = ("cron", "change")
KINDS = ("analyze", "cache_refresh")
REVIEWS = ("auto", "manual")
MISSED_POLICIES = ("ask", "run", "skip")

ALLOWED_FROM: dict[str, frozenset[str]] = {
    "pause": frozenset({PENDING, MISSED, FAILED}),
    "resume": frozenset({PAUSED}),
    "skip": frozenset({MISSED}),
    "cancel": frozenset(set(STATUSES) - {RUNNING}),
    "edit": frozenset(set(STATUSES) - {RUNNING}),
    "delete": frozenset(set(STATUSES) - {RUNNING}),
    "run-now": frozenset(set(STATUSES) - {RUNNING}),
}

# An event that leaves the schedule where it already is does nothing and is not an error.
NO_OP_AT: dict[str, str] = {"pause": PAUSED, "resume": PENDING, "cancel": CANCELLED}


def check_transition(event: str, status: str, *, running_since: str | None = None) -> bool:
    """True when the event applies; False when it is a no-op; ConflictError when refused."""
    if NO_OP_AT.get(event) == status:
        return False
    if status in ALLOWED_FROM[event]:
        return True
    if status == RUNNING:
        since = f" since {running_since}" if running_since else ""
        raise ConflictError("id", f"the schedule is running{since}; {event} is refused until the run ends")
    allowed = ", ".join(s.capitalize() for s in sorted(ALLOWED_FROM[event]))
    raise ConflictError("id", f"cannot {event} a {status.capitalize()} schedule (allowed from: {allowed})")
