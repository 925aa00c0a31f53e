"""The tick's half of notifications: after its runs, a pass sends the notices waiting in the outbox (bounded in
time, amx_core.notify.deliver) and logs each one's fate; the webhook URL never reaches the log."""

from __future__ import annotations

from datetime import datetime

from amx_core.tick.logfile import tick_log


def deliver_notices(store, now: datetime) -> list[str]:
    """Send what is pending; returns error lines for the pass's report (a failure to send is not the pass's)."""
    from amx_core.notify.deliver import deliver_pending

    try:
        deliveries = deliver_pending(store, now)
    except Exception as exc:  # noqa: BLE001 - notices must never stop a pass
        tick_log("notify-error", {"error": f"{type(exc).__name__}"})
        return [f"notify: {type(exc).__name__}"]
    for item in deliveries:
        tick_log(
            "notify",
            {
                "notice": item.id,
                "notifier": item.notifier,
                "event": item.event,
                "run": item.run_id,
                "status": "delivered" if item.ok else "failed",
                "attempts": item.attempts,
                "error": item.error,
            },
        )
    return []
