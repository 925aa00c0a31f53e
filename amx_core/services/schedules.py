"""Schedule services: create, edit, pause, resume, skip, cancel, delete, list, show, preview.

Every field check lives here and the state machine and missed-slot ledger in amx_core.schedule,
so the TUI, the CLI and the tick agree; every refusal is a ValidationError naming the field
(exit 2), and a refused call writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from amx_core.catalog.verify import check_database, check_scope
from amx_core.engines.registry import engine_for_url
from amx_core.errors import ConflictError, NotFoundError, ValidationError
from amx_core.instants import iso
from amx_core.models import DbProfile, LlmProfile, Schedule
from amx_core.models.base import saved_id, utcnow
from amx_core.profiles.rows import get_db_row, get_llm_row
from amx_core.schedule import rules
from amx_core.schedule.ledger import record_missed, slots_between
from amx_core.schedule.views import schedule_view
from amx_core.scope.paths import normalize_scope
from amx_core.services.schedule_listing import iter_schedules
from amx_core.services.validation import (
    clean_name,
    looks_like_id,
    one_of,
    plain_text,
    positive_number,
    record_id,
    whole_number,
    yes_no,
)
from amx_core.store import Store
from amx_core.text import storable
from amx_core.tick.settings import TickSettings
from amx_core.timing import (
    ensure_future,
    local_zone_name,
    next_fire_after,
    next_fires,
    parse_local,
    resolve_zone,
    to_local,
    validate_cadence,
)
from amx_core.views import ScheduleView

MAX_CAP_HOURS = 24 * 366
MIN_CAP_HOURS = 1 / 60  # the tick runs once a minute; a shorter cap could not be kept
DATABASE_MAX = 255
DEFAULT_SETTLE_MINUTES = 15.0
MAX_SETTLE_MINUTES = 7 * 24 * 60
MAX_RETRIES = 10


@dataclass(frozen=True)
class ScheduleInput:
    """What a form or the CLI supplies; None means "not given" (keep the current value on edit)."""

    name: str | None = None
    trigger: str | None = None
    at: str | None = None
    tz: str | None = None
    cron: str | None = None  # "" clears the cadence on edit
    cap_hours: float | str | None = None
    settle_minutes: float | str | None = None
    db_profile: str | None = None
    database: str | None = None
    scope: tuple[str, ...] | list[str] | None = None
    llm_profile: str | None = None
    review: str | None = None
    kind: str | None = None
    missed: str | None = None
    missing_only: bool | None = None
    with_statistics: bool | None = None
    retry_attempts: int | None = None
    max_tokens: int | str | None = None  # "" or 0 clears it on edit (no budget)


@dataclass(frozen=True)
class FirePreview:
    utc: datetime
    local: datetime

    def to_json(self) -> dict[str, str]:
        return {"utc": self.utc.isoformat(), "local": self.local.isoformat()}


def _now(now: datetime | None) -> datetime:
    return (now or utcnow()).astimezone(UTC)


def _profiles_of(session: Session, row: Schedule) -> tuple[str, str | None]:
    db = session.get(DbProfile, row.db_profile_id)
    llm = session.get(LlmProfile, row.llm_profile_id) if row.llm_profile_id else None
    return db.name if db else "?", llm.name if llm else None


def view_of(session: Session, row: Schedule) -> ScheduleView:
    return schedule_view(row, *_profiles_of(session, row))


def get_row(session: Session, schedule_id: int, *, for_update: bool = False) -> Schedule:
    stmt = select(Schedule).where(Schedule.id == schedule_id)
    if for_update and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = session.exec(stmt).first()
    if row is None:
        raise NotFoundError("id", f"no schedule with id {schedule_id} (`amx schedule list` shows them)")
    return row


def resolve_ref(store: Store, ref: str | int) -> int:
    """An id (digits 0-9), or a unique name, to the schedule id (the CLI accepts either; names are never digits)."""
    if isinstance(ref, int) or looks_like_id(ref.strip()):
        return record_id(ref, field="id", what="schedule")
    row = None
    if storable(ref):
        with store.session() as s:
            row = s.exec(select(Schedule.id).where(Schedule.name == ref)).first()
    if row is None:
        raise NotFoundError("id", f"no schedule with id or name {ref!r} (`amx schedule list` shows them)")
    return row


# --- field normalisation -------------------------------------------------------------------


def _scope(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return normalize_scope(list(value), field="scope")


def check_cap_hours(value) -> float:
    """The change cap ("at most every N hours") as saving checks it; forms use it for their live hints."""
    hours = positive_number(value, field="cap-hours", maximum=MAX_CAP_HOURS)
    if hours < MIN_CAP_HOURS:
        raise ValidationError("cap-hours", f"must be at least one minute ({MIN_CAP_HOURS:.3f} hours), got {value!r}")
    return hours


def _settle(value) -> float:
    return positive_number(value, field="settle-minutes", maximum=MAX_SETTLE_MINUTES, allow_zero=True)


MAX_TOKENS = 10**12


def _max_tokens(inp: ScheduleInput, current: Schedule | None, kind: str) -> int | None:
    """A run's token budget: a whole number of tokens (in + out), for analyze schedules; "" or 0 clears it."""
    if inp.max_tokens is None:
        return current.max_tokens if current is not None and kind == "analyze" else None
    if isinstance(inp.max_tokens, str) and not inp.max_tokens.strip():
        return None
    number = int(positive_number(inp.max_tokens, field="max-tokens", maximum=MAX_TOKENS, integer=True, allow_zero=True))
    if number and kind != "analyze":
        raise ValidationError("max-tokens", "applies to analyze schedules only (they ask a language model)")
    return number or None


def check_retries(value) -> int:
    """Attempts on transient errors as saving checks it; forms use it for their live hints."""
    number = positive_number(value, field="retries", maximum=MAX_RETRIES, integer=True)
    return int(number)


_cap = check_cap_hours
_retries = check_retries


def _statistics(inp: ScheduleInput, current: Schedule | None, kind: str) -> bool:
    """Whether descriptions may state dated statistics: an analyze schedule's choice, off by default."""
    if inp.with_statistics is not None:
        wanted = yes_no(inp.with_statistics, field="with-statistics")
        if wanted and kind != "analyze":
            raise ValidationError("with-statistics", "applies to analyze schedules only (they write descriptions)")
        return wanted
    return bool(current.with_statistics) if current is not None and kind == "analyze" else False


@dataclass
class _Plan:
    """The fully validated target state of a schedule, before it touches a row."""

    name: str
    kind: str
    trigger: str
    tz: str
    fire_at_utc: datetime | None
    cadence: str | None
    cap_hours: float | None
    settle_minutes: float
    db_profile_id: int
    db_profile: str
    database: str | None
    scope: list[str]
    llm_profile_id: int | None
    review: str
    missing_only: bool
    with_statistics: bool
    missed_policy: str
    retry_max_attempts: int
    time_changed: bool
    max_tokens: int | None = None


def _plan(session: Session, inp: ScheduleInput, current: Schedule | None, now: datetime) -> _Plan:
    get = lambda attr, default: getattr(inp, attr) if getattr(inp, attr) is not None else default  # noqa: E731
    name = clean_name(get("name", current.name if current else None), field="name")
    kind = one_of(get("kind", current.kind if current else "analyze"), rules.KINDS, field="kind")
    trigger = one_of(get("trigger", current.trigger if current else "cron"), rules.TRIGGERS, field="trigger")
    tz_name = get("tz", current.tz if current else None) or local_zone_name()
    resolve_zone(tz_name, field="tz")
    review = one_of(get("review", current.review if current else "manual"), rules.REVIEWS, field="review")
    missed = one_of(get("missed", current.missed_policy if current else "ask"), rules.MISSED_POLICIES, field="missed")
    missing_only = get("missing_only", current.missing_only if current else True)
    with_statistics = _statistics(inp, current, kind)
    max_tokens = _max_tokens(inp, current, kind)
    retries = _retries(get("retry_attempts", current.retry_max_attempts if current else 3))

    db_name = inp.db_profile
    if db_name is not None:
        db_row = get_db_row(session, db_name, "db-profile")
    elif current is not None:
        kept = session.get(DbProfile, current.db_profile_id)
        if kept is None:  # cannot happen while removing a profile in use is refused
            raise NotFoundError("db-profile", f"the schedule's DB profile (id {current.db_profile_id}) is gone")
        db_row = kept
    else:
        raise ValidationError("db-profile", "is required")
    given_database = plain_text(inp.database, field="database", max_len=DATABASE_MAX)
    kept_database = current.database if current and db_name is None else None
    database = given_database if inp.database is not None else kept_database
    engine = engine_for_url(db_row.url)
    database = (database or db_row.default_database or None) if not engine.single_database else None
    if given_database and engine.single_database:
        raise ValidationError("database", f"a {engine.label} profile has a single database; leave --database out")
    if not engine.single_database and not database and not sa.engine.make_url(db_row.url).database:
        raise ValidationError(
            "database",
            f"profile {db_row.name!r} is server-wide (no database in its URL and no default); pass --database",
        )

    llm_id = current.llm_profile_id if current else None
    if inp.llm_profile is not None:
        llm_id = get_llm_row(session, inp.llm_profile, "llm-profile").id if inp.llm_profile else None
    if kind == "analyze" and llm_id is None:
        raise ValidationError("llm-profile", "is required for an analyze schedule")

    scope = _scope(inp.scope) if inp.scope is not None else (json.loads(current.scope_json) if current else [])

    cadence = current.cadence if current else None
    if inp.cron is not None:
        cadence = validate_cadence(inp.cron, field="cron") if inp.cron.strip() else None

    fire_at = current.fire_at_utc if current else None
    cap = current.cap_hours if current else None
    settle = current.settle_minutes if current else DEFAULT_SETTLE_MINUTES
    time_changed = False
    if trigger == "cron":
        if inp.cap_hours is not None:
            raise ValidationError("cap-hours", "applies to change-triggered schedules only (use --trigger change)")
        if inp.settle_minutes is not None:
            raise ValidationError("settle-minutes", "applies to change-triggered schedules only (use --trigger change)")
        cap = None
        if inp.at is not None:
            fire_at = parse_local(inp.at, tz_name, field="at").utc
            time_changed = True
        elif current is not None and fire_at is not None and tz_name != current.tz:
            # Editing the zone keeps the local wall time and recomputes the UTC instant.
            wall = to_local(fire_at, current.tz).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S")
            fire_at = parse_local(wall, tz_name, field="tz").utc
            time_changed = True
        if fire_at is None:
            raise ValidationError("at", 'is required for a cron schedule (local date-time like "2027-03-01 09:00")')
        if inp.cron is not None and current is not None and cadence != current.cadence:
            time_changed = True
        if current is None or inp.at is not None or current.trigger != "cron":
            ensure_future(fire_at, now, field="at")
        elif time_changed and not cadence:
            ensure_future(fire_at, now, field="tz")
    else:
        if inp.at is not None:
            raise ValidationError("at", "a change-triggered schedule has no fire time; use --cap-hours")
        if inp.cron is not None and inp.cron.strip():
            raise ValidationError("cron", "a change-triggered schedule has no cadence; use --cap-hours")
        cadence = None
        fire_at = None
        cap = _cap(inp.cap_hours) if inp.cap_hours is not None else cap
        settle = _settle(inp.settle_minutes) if inp.settle_minutes is not None else settle
        if cap is None:
            raise ValidationError(
                "cap-hours", "is required for a change-triggered schedule (run at most every N hours)"
            )
        time_changed = current is None or current.trigger != "change"

    return _Plan(
        name=name,
        kind=kind,
        trigger=trigger,
        tz=tz_name,
        fire_at_utc=fire_at,
        cadence=cadence,
        cap_hours=cap,
        settle_minutes=settle,
        db_profile_id=saved_id(db_row),
        db_profile=db_row.name,
        database=database,
        scope=scope,
        llm_profile_id=llm_id,
        review=review,
        missing_only=bool(missing_only),
        with_statistics=with_statistics,
        missed_policy=missed,
        retry_max_attempts=retries,
        time_changed=time_changed,
        max_tokens=max_tokens,
    )


def _unique_name(session: Session, name: str, own_id: int | None) -> None:
    other = session.exec(select(Schedule.id).where(Schedule.name == name)).first()
    if other is not None and other != own_id:
        raise ConflictError("name", f"a schedule named {name!r} already exists (id {other})")


def _apply(row: Schedule, plan: _Plan) -> None:
    for attr in (
        "name",
        "kind",
        "trigger",
        "tz",
        "fire_at_utc",
        "cadence",
        "cap_hours",
        "settle_minutes",
        "db_profile_id",
        "database",
        "llm_profile_id",
        "review",
        "missing_only",
        "with_statistics",
        "missed_policy",
        "retry_max_attempts",
        "max_tokens",
    ):
        setattr(row, attr, getattr(plan, attr))
    row.scope_json = json.dumps(plan.scope)


def _first_fire(plan: _Plan, now: datetime) -> datetime | None:
    """Cron: fire-at, or for an edited recurring schedule whose fire-at passed, the next cadence slot."""
    if plan.trigger != "cron":
        return None
    if plan.fire_at_utc and plan.fire_at_utc > now:
        return plan.fire_at_utc
    if plan.cadence:
        return next_fire_after(plan.cadence, plan.tz, now)
    return plan.fire_at_utc


# --- services ------------------------------------------------------------------------------


def _verify(store: Store, inp: ScheduleInput, schedule_id: int | None, now: datetime) -> None:
    """Check the database and scope the schedule would have against the catalog (before any write lock is held:
    the check may read the server and fill the cache). An edit is checked only when it changes one of them."""
    if schedule_id is not None and inp.db_profile is None and inp.database is None and inp.scope is None:
        return
    with store.session() as s:
        current = get_row(s, schedule_id) if schedule_id is not None else None
        if current is not None:
            rules.check_transition("edit", current.status, running_since=iso(current.running_since, timespec="seconds"))
        plan = _plan(s, inp, current, now)
    if inp.database and plan.database:
        check_database(store, plan.db_profile, plan.database)
    check_scope(store, plan.db_profile, plan.database, plan.scope)


def create_schedule(
    store: Store, inp: ScheduleInput, *, now: datetime | None = None, verify: bool = True
) -> ScheduleView:
    """Create a schedule; with `verify` (the default) its database and scope must exist in the catalog."""
    now = _now(now)
    if verify:
        _verify(store, inp, None, now)
    with store.write_session() as s:
        plan = _plan(s, inp, None, now)
        _unique_name(s, plan.name, None)
        row = Schedule(name=plan.name, tz=plan.tz, db_profile_id=plan.db_profile_id, status=rules.PENDING)
        _apply(row, plan)
        row.next_fire_utc = _first_fire(plan, now)
        row.created_at = row.updated_at = now
        s.add(row)
        s.flush()
        return view_of(s, row)


def edit_schedule(
    store: Store,
    schedule_id: int,
    inp: ScheduleInput,
    *,
    expected_version: int | str | None = None,
    now: datetime | None = None,
    verify: bool = True,
) -> ScheduleView:
    """Edit any field; refused while Running and when `expected_version` is stale; a changed database or scope is
    checked against the catalog unless `verify` is False."""
    now = _now(now)
    if expected_version is not None:
        expected_version = whole_number(expected_version, field="expect-version", minimum=1)
    if verify:
        _verify(store, inp, schedule_id, now)
    with store.write_session() as s:
        row = get_row(s, schedule_id, for_update=True)
        if expected_version is not None and row.version != expected_version:
            raise ConflictError(
                "version",
                f"the schedule changed since you loaded it (version {expected_version}, now {row.version}); "
                "reload and edit again",
            )
        rules.check_transition("edit", row.status, running_since=iso(row.running_since, timespec="seconds"))
        plan = _plan(s, inp, row, now)
        _unique_name(s, plan.name, row.id)
        _apply(row, plan)
        if plan.time_changed:
            row.next_fire_utc = _first_fire(plan, now)
            row.change_seen_utc = None
            if row.status in (rules.COMPLETED, rules.CANCELLED, rules.MISSED, rules.FAILED):
                row.status = rules.PENDING
        row.version += 1
        row.updated_at = now
        s.add(row)
        s.flush()
        return view_of(s, row)


def _event(store: Store, schedule_id: int, event: str, mutate, now: datetime | None) -> ScheduleView:
    now = _now(now)
    with store.write_session() as s:
        row = get_row(s, schedule_id, for_update=True)
        if rules.check_transition(event, row.status, running_since=iso(row.running_since, timespec="seconds")):
            mutate(s, row, now)
            row.version += 1
            row.updated_at = now
            s.add(row)
            s.flush()
        return view_of(s, row)


def pause_schedule(store: Store, schedule_id: int, *, now: datetime | None = None) -> ScheduleView:
    def mutate(_s, row, _now):
        row.status = rules.PAUSED

    return _event(store, schedule_id, "pause", mutate, now)


def resume_schedule(store: Store, schedule_id: int, *, now: datetime | None = None) -> ScheduleView:
    """Back to Pending at the next occurrence: a slot still inside the tick's grace window fires at the next
    tick; slots older than that go to the ledger (reason `paused`); a one-shot whose time passed the grace
    window becomes Missed."""

    def mutate(s, row, now):
        due = row.next_fire_utc
        if row.trigger == "change":
            row.status = rules.PENDING
            return
        if due is not None and due <= now:
            grace = timedelta(seconds=TickSettings.from_env().grace_seconds)
            slots = slots_between(row, due, now + timedelta(microseconds=1))
            fresh = [slot for slot in slots if slot >= now - grace]
            missed = [slot for slot in slots if slot < now - grace] + fresh[:-1]
            record_missed(s, row, missed, "paused", row.missed_policy, now)
            if fresh:  # still inside the grace window: the next tick fires it, as if never paused
                row.next_fire_utc = fresh[-1]
                row.status = rules.PENDING
            elif row.cadence:
                row.next_fire_utc = next_fire_after(row.cadence, row.tz, now)
                row.status = rules.PENDING
            else:
                row.status = rules.MISSED
                row.last_error = f"fire time {iso(due, timespec='seconds')} passed while paused"
            return
        row.status = rules.PENDING

    return _event(store, schedule_id, "resume", mutate, now)


def skip_schedule(store: Store, schedule_id: int, *, now: datetime | None = None) -> ScheduleView:
    """Drop a Missed occurrence: a one-shot is Cancelled, a recurring one waits for its next slot."""

    def mutate(_s, row, now):
        if row.trigger == "cron" and row.cadence:
            row.next_fire_utc = next_fire_after(row.cadence, row.tz, now)
            row.status = rules.PENDING
        elif row.trigger == "change":
            row.status = rules.PENDING
        else:
            row.status = rules.CANCELLED
            row.next_fire_utc = None

    return _event(store, schedule_id, "skip", mutate, now)


def cancel_schedule(store: Store, schedule_id: int, *, now: datetime | None = None) -> ScheduleView:
    def mutate(_s, row, _now):
        row.status = rules.CANCELLED
        row.next_fire_utc = None

    return _event(store, schedule_id, "cancel", mutate, now)


def delete_schedule(store: Store, schedule_id: int) -> ScheduleView:
    """Remove the schedule; its runs, suggestions and ledger stay as history."""
    with store.write_session() as s:
        row = get_row(s, schedule_id, for_update=True)
        rules.check_transition("delete", row.status, running_since=iso(row.running_since, timespec="seconds"))
        view = view_of(s, row)
        s.delete(row)
        return view


def draft_view(
    store: Store, inp: ScheduleInput, schedule_id: int | None = None, *, now: datetime | None = None
) -> ScheduleView:
    """The schedule `inp` describes (a new one, or `schedule_id` edited) as a view, checked but not saved:
    what a form shows an estimate for before the person saves it."""
    now = _now(now)
    if schedule_id is None and not (inp.name or "").strip():
        inp = replace(inp, name="new schedule")  # an estimate needs no name yet
    with store.session() as s:
        current = get_row(s, schedule_id) if schedule_id is not None else None
        plan = _plan(s, inp, current, now)
        row = Schedule(name=plan.name, tz=plan.tz, db_profile_id=plan.db_profile_id, status=rules.PENDING)
        _apply(row, plan)
        row.id = schedule_id or 0
        row.next_fire_utc = _first_fire(plan, now)
        row.created_at = row.updated_at = now
        row.version = current.version if current is not None else 1
        view = view_of(s, row)
        s.expunge_all()
    return view


def get_schedule(store: Store, schedule_id: int) -> ScheduleView:
    with store.session() as s:
        return view_of(s, get_row(s, schedule_id))


def list_schedules(store: Store, *, statuses: tuple[str, ...] = (), kinds: tuple[str, ...] = ()) -> list[ScheduleView]:
    """Schedules ordered by next fire (unscheduled last), then name; optional status/kind filters."""
    return list(iter_schedules(store, statuses=statuses, kinds=kinds))


def status_counts(store: Store, *, kinds: tuple[str, ...] = ()) -> dict[str, int]:
    from sqlalchemy import func

    with store.session() as s:
        stmt = select(Schedule.status, func.count()).group_by(Schedule.status)
        if kinds:
            stmt = stmt.where(col(Schedule.kind).in_(kinds))
        counts = {status: n for status, n in s.exec(stmt).all()}
    return {status: counts.get(status, 0) for status in rules.STATUSES}


def preview(cron: str, tz: str | None = None, *, start: datetime | None = None, count: int = 5) -> list[FirePreview]:
    """The next `count` fire times of a cadence, in UTC and in the zone's local time."""
    expr = validate_cadence(cron, field="cron")
    tz_name = tz or local_zone_name()
    resolve_zone(tz_name, field="tz")
    count = whole_number(count, field="count", minimum=1, maximum=1000)
    start = _now(start)
    return [FirePreview(utc=u, local=to_local(u, tz_name)) for u in next_fires(expr, tz_name, start, count)]
