"""`amx schedule estimate`: what a schedule's next run would ask and cost, before it spends anything
(amx_core.analyze.estimate plans it exactly as the run does)."""

from __future__ import annotations

from amx_core.errors import ValidationError
from amx_core.profiles.rows import get_db_row, get_llm_row
from amx_core.profiles.views import llm_view
from amx_core.services.schedules import ScheduleInput, draft_view, get_schedule
from amx_core.store import Store
from amx_core.views import ScheduleView


def _estimate(store: Store, view: ScheduleView, field: str):
    from amx_core.analyze.estimate import estimate_run

    if view.kind != "analyze" or not view.llm_profile:
        raise ValidationError(field, f"schedule {view.name!r} is a {view.kind} schedule; it asks no language model")
    with store.session() as s:
        llm = llm_view(get_llm_row(s, view.llm_profile, "llm-profile"))
        sample_mode = get_db_row(s, view.db_profile, "db-profile").sample_mode
    return estimate_run(store, view, llm, sample_mode=sample_mode)


def estimate_schedule(store: Store, schedule_id: int):
    """The estimate of a saved schedule's run (reads the database live; asks no model)."""
    return _estimate(store, get_schedule(store, schedule_id), "id")


def estimate_draft(store: Store, inp: ScheduleInput, schedule_id: int | None = None):
    """The estimate of the schedule a form holds (new, or `schedule_id` edited), checked but not saved."""
    return _estimate(store, draft_view(store, inp, schedule_id), "kind")
