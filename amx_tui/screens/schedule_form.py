"""What the schedule dialog holds, as plain values, and how it becomes a ScheduleInput for the core.

Kept apart from the widgets so the rules (send only what changed on edit, per trigger) are testable alone.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from amx_core.services.schedules import ScheduleInput
from amx_core.timing import to_local
from amx_core.views import ScheduleView
from amx_tui.formatting import local_input_text

# Core error field -> the dialog field that shows it; anything else goes to the dialog's top line.
FIELD_OF_ERROR = {
    "name": "name",
    "trigger": "trigger",
    "at": "at",
    "cron": "cron",
    "cap-hours": "cap",
    "settle-minutes": "settle",
    "tz": "tz",
    "db-profile": "db",
    "database": "database",
    "scope": "scope",
    "llm-profile": "llm",
    "review": "review",
    "with-statistics": "statistics",
    "missed": "missed",
    "retries": "retries",
    "missing-only": "columns",
}


@dataclass(frozen=True)
class FormValues:
    """The dialog's fields as text and choices; `database` is None for a single-database (SQLite) profile."""

    trigger: str = "cron"
    name: str = ""
    at: str = ""
    cron: str = ""
    cap: str = ""
    settle: str = ""
    tz: str = ""
    db: str | None = None
    database: str | None = None
    scope: tuple[str, ...] = ()
    llm: str | None = None
    review: str = "manual"
    statistics: str = "off"  # "on": descriptions may state dated statistics
    missed: str = "ask"  # missed policy: ask | run | skip
    retries: str = "3"  # attempts on transient errors
    columns: str = "missing"  # "missing": only what has no description (or an AMX one); "all": every column

    @classmethod
    def of_view(cls, view: ScheduleView) -> FormValues:
        at = local_input_text(to_local(view.fire_at_utc, view.tz)) if view.fire_at_utc else ""
        return cls(
            trigger=view.trigger,
            name=view.name,
            at=at,
            cron=view.cadence or "",
            cap=f"{view.cap_hours:g}" if view.cap_hours is not None else "",
            settle=f"{view.settle_minutes:g}" if view.settle_minutes is not None else "",
            tz=view.tz,
            db=view.db_profile,
            database=view.database,
            scope=tuple(view.scope),
            llm=view.llm_profile,
            review=view.review,
            statistics="on" if view.with_statistics else "off",
            missed=view.missed_policy,
            retries=str(view.retry_max_attempts),
            columns="missing" if view.missing_only else "all",
        )

    def changed(self, other: FormValues) -> set[str]:
        return {f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)}


def _blank_none(text: str) -> str | None:
    return text.strip() or None


def build_input(values: FormValues, initial: FormValues | None = None) -> ScheduleInput:
    """A create input (all fields) or, with `initial`, an edit input carrying only what the user changed.

    Switching the trigger sends that trigger's own time fields (fire-at and cadence, or the cap and settle);
    a blank field on create is left out so the core says it is required (a blank settle keeps the default).
    """
    editing = initial is not None
    changed = values.changed(initial) if initial is not None else {f.name for f in fields(values)}
    switched = "trigger" in changed
    text = (lambda value: value.strip()) if editing else _blank_none

    def wanted(name: str) -> bool:
        return name in changed or (switched and name in ("at", "cron", "cap", "settle"))

    cron_trigger = values.trigger == "cron"
    at = text(values.at) if cron_trigger and wanted("at") else None
    cron = None
    if cron_trigger and wanted("cron") and (editing or values.cron.strip()):
        cron = values.cron.strip()
    cap = text(values.cap) if not cron_trigger and wanted("cap") else None
    settle = _blank_none(values.settle) if not cron_trigger and wanted("settle") else None
    return ScheduleInput(
        name=values.name if "name" in changed else None,
        trigger=values.trigger if switched else None,
        at=at,
        tz=_blank_none(values.tz) if "tz" in changed else None,
        cron=cron,
        cap_hours=cap,
        settle_minutes=settle,
        db_profile=values.db if "db" in changed else None,
        database=values.database if ("database" in changed or "db" in changed) else None,
        scope=tuple(values.scope) if "scope" in changed else None,
        llm_profile=values.llm if "llm" in changed else None,
        review=values.review if "review" in changed else None,
        with_statistics=values.statistics == "on" if "statistics" in changed else None,
        missed=values.missed if "missed" in changed else None,
        retry_attempts=values.retries.strip() if "retries" in changed else None,  # type: ignore[arg-type]
        missing_only=values.columns == "missing" if "columns" in changed else None,
        kind=None if editing else "analyze",
    )
