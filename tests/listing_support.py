"""Listing test pieces: a store whose schedules cover what a listing shows differently, and the order it lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from amx_core.services.schedules import get_schedule

SCOPE = '["public.users", "public.orders", "public.items"]'
MICRO = timedelta(microseconds=1500)
# a run's error holding what a terminal would act on (escape, DEL, C1, bidi override), a tab, a newline and quotes
ERROR = 'boom\x1b[31m red\x7f\u009b\u202e\ttab\nnext line \\ "quoted"'


def varied_schedules(store) -> list[int]:
    """Schedules covering what a listing shows differently, as rows written straight to the store; their ids."""
    from amx_core.models import DbProfile, LlmProfile, Schedule

    fire = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
    made = datetime(2026, 11, 2, 8, 15, 30, 250000, tzinfo=UTC)
    day, hour = timedelta(days=1), timedelta(hours=1)
    fold = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 in Berlin, and an hour later 02:30 again
    failed = {"status": "failed", "last_fire_utc": fire - day + MICRO, "last_error": ERROR, "missing_only": False}
    # name, zone, cadence, next fire (UTC), and what else sets the schedule apart
    rows = [
        ("nightly", "Europe/Berlin", "0 2 * * *", fire, {"database": "shop", "review": "auto", "scope_json": SCOPE}),
        ("quarterly", "America/New_York", "*/15 * * * *", fire + hour / 4, {"status": "paused", "max_tokens": 5000}),
        ("once", "Asia/Kolkata", None, fire + 2.5 * hour, {"created_at": made.replace(microsecond=0)}),
        ("fall back 1", "Europe/Berlin", "30 2 * * *", fold, {"scope_json": '["sales"]'}),
        ("fall back 2", "Europe/Berlin", "30 2 * * *", fold + hour, {"llm_profile_id": None}),
        ("same time a", "Australia/Lord_Howe", "0 * * * *", fire + 3 * day + MICRO, {"with_statistics": True}),
        ("same time b", "Asia/Kathmandu", "@daily", fire + 3 * day + MICRO, {"kind": "cache_refresh", "cap_hours": 3}),
        ("N\u00e4chtlich \u65e5\u672c \u2713", "UTC", "0 9 * * 1-5", fire + 4 * day, {"scope_json": '["caf\u00e9"]'}),
        ("[bold]zero\u200bwidth[/bold]", "UTC", "0 9 * * 1-5", fire + 5 * day, {"database": 'o\'brien "db"'}),
        ("busy", "Europe/London", "0 * * * *", fire + 6 * day, {"status": "running", "running_since": fire + 6 * day}),
        ("broken", "Pacific/Chatham", "0 3 * * *", None, failed),
        ("cancelled", "UTC", None, None, {"status": "cancelled", "fire_at_utc": fire - day, "retry_max_attempts": 5}),
        ("watch", "America/Sao_Paulo", None, None, {"trigger": "change", "cap_hours": 1.0, "settle_minutes": 7.5}),
        ("watch soon", "UTC", None, fire + 7 * day, {"trigger": "change", "settle_minutes": 0.0, "status": "missed"}),
    ]
    with store.session() as session:
        db = DbProfile(name="shop", url="sqlite:///shop.db")
        llm = LlmProfile(name="offline", provider="heuristic")
        session.add_all([db, llm])
        session.flush()
        schedules = []
        for name, tz, cadence, next_fire, rest in rows:
            fields = {"llm_profile_id": llm.id, "created_at": made, "updated_at": made, "last_fire_utc": None, **rest}
            if rest.get("trigger", "cron") == "cron":
                fields.setdefault("fire_at_utc", next_fire)
            schedules.append(
                Schedule(name=name, tz=tz, cadence=cadence, next_fire_utc=next_fire, db_profile_id=db.id, **fields)
            )
        session.add_all(schedules)
        session.flush()
        return [row.id for row in schedules]


def listed_views(store, ids: list[int]):
    """get_schedule's views in the listing's order: next fire first (unscheduled last), then name."""
    views = [get_schedule(store, sid) for sid in ids]
    return sorted(views, key=lambda v: (v.next_fire_utc is None, v.next_fire_utc or datetime.min, v.name))
