"""`amx schedule ...`: the schedule verbs (CLI contract: docs/ARCHITECTURE.md §12)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from itertools import chain

import click

from amx_cli.app import AmxGroup, store
from amx_cli.output import emit_json, emit_json_columns, pairs, say
from amx_cli.tables import table


def _install_daemon() -> click.Command:
    from amx_cli.commands.daemon import install_daemon_cmd

    return install_daemon_cmd


def _uninstall_daemon() -> click.Command:
    from amx_cli.commands.daemon import uninstall_daemon_cmd

    return uninstall_daemon_cmd


def _status() -> click.Command:
    from amx_cli.commands.daemon import status_cmd

    return status_cmd


def _run_now() -> click.Command:
    from amx_cli.commands.run_now import run_now_cmd

    return run_now_cmd


# the daemon and run-now commands live in their own modules, imported only when one of them runs
LAZY_COMMANDS = {
    "install-daemon": _install_daemon,
    "uninstall-daemon": _uninstall_daemon,
    "status": _status,
    "run-now": _run_now,
}


@click.group("schedule", cls=AmxGroup, lazy_commands=LAZY_COMMANDS)
def schedule_group() -> None:
    """Plan analyze and cache-refresh runs."""


def schedule_options(func):
    """The options shared by `add` and `edit` (all optional on edit)."""
    options = [
        click.option("--name"),
        click.option("--trigger", help="cron (default) or change"),
        click.option("--at", "at", help='Local date-time, e.g. "2027-03-01 09:00"'),
        click.option("--tz", help="IANA zone (default: this machine's)"),
        click.option("--cron", help="Cadence: 5-field cron evaluated in the zone (empty to clear on edit)"),
        click.option("--cap-hours", help="Change trigger: run at most every N hours"),
        click.option(
            "--settle-minutes", help="Change trigger: fire this long after the first change (default 15; 0 allowed)"
        ),
        click.option("--db-profile"),
        click.option("--database"),
        click.option("--scope", multiple=True, help="schema[.table[.column]]; repeat for more"),
        click.option("--llm-profile"),
        click.option("--review", help="auto or manual"),
        click.option("--kind", help="analyze (default) or cache_refresh"),
        click.option("--missed", help="ask (default), run or skip"),
        click.option(
            "--all-columns", is_flag=True, default=None, help="Describe every column, not only undescribed ones"
        ),
        click.option(
            "--with-statistics/--no-statistics",
            "with_statistics",
            default=None,
            help="Let descriptions state profile statistics, dated and scoped (default: no statistics)",
        ),
        click.option("--retries", help="Attempts on transient errors (default 3)"),
        click.option(
            "--max-tokens",
            help="Stop a run before a request that would pass this many tokens, in + out (empty or 0 to clear)",
        ),
        click.option(
            "--no-verify",
            "no_verify",
            is_flag=True,
            help="Save without checking --database and --scope against the catalog (offline)",
        ),
        click.option("--json", "as_json", is_flag=True),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _input(kw: dict, *, editing: bool):
    from amx_core.services.schedules import ScheduleInput

    scope = kw.get("scope")
    return ScheduleInput(
        name=kw.get("name"),
        trigger=kw.get("trigger"),
        at=kw.get("at"),
        tz=kw.get("tz"),
        cron=kw.get("cron"),
        cap_hours=kw.get("cap_hours"),
        settle_minutes=kw.get("settle_minutes"),
        db_profile=kw.get("db_profile"),
        database=kw.get("database"),
        scope=tuple(scope) if scope else (None if editing else ()),
        llm_profile=kw.get("llm_profile"),
        review=kw.get("review"),
        kind=kw.get("kind"),
        missed=kw.get("missed"),
        missing_only=(not kw["all_columns"]) if kw.get("all_columns") else None,
        with_statistics=kw.get("with_statistics"),
        retry_attempts=kw.get("retries"),
        max_tokens=kw.get("max_tokens"),
    )


def _fmt_local(view) -> str:
    return _fire_cell(view.next_fire_local, view.tz, view.trigger)


def _fire_cell(local: datetime | None, tz: str, trigger: str) -> str:
    if local is None:
        return "on change" if trigger == "change" else "-"
    return _fire_time(local, tz)


@lru_cache(maxsize=1024)
def _fire_time(local: datetime, tz: str) -> str:
    """A fire's local date and time with its zone, formatted once per distinct time (a listing repeats a few)."""
    return f"{local:%Y-%m-%d %H:%M} {tz}"


def print_schedule(view) -> None:
    pairs(
        [
            ("id", view.id),
            ("name", view.name),
            ("status", view.status.capitalize()),
            ("kind", view.kind),
            ("trigger", view.trigger),
            ("next fire", _fmt_local(view)),
            ("next fire (UTC)", view.next_fire_utc.isoformat() if view.next_fire_utc else "-"),
            (
                "cadence",
                f"{view.cadence} ({view.cadence_text})"
                if view.cadence
                else "one-shot"
                if view.trigger == "cron"
                else "-",
            ),
            ("cap hours", view.cap_hours if view.cap_hours is not None else "-"),
            ("settle minutes", f"{view.settle_minutes:g}" if view.settle_minutes is not None else "-"),
            ("db profile", f"{view.db_profile}" + (f" / {view.database}" if view.database else "")),
            ("scope", ", ".join(view.scope) if view.scope else "whole database"),
            ("llm profile", view.llm_profile or "-"),
            ("review", view.review),
            ("missing only", "yes" if view.missing_only else "no (all columns)"),
            ("statistics", "stated, dated and scoped" if view.with_statistics else "not stated"),
            ("token budget", f"{view.max_tokens:,} per run" if view.max_tokens else "none"),
            ("missed policy", view.missed_policy),
            ("last error", view.last_error or "-"),
            ("version", view.version),
        ]
    )


def _print(view, as_json: bool) -> None:
    if as_json:
        emit_json(view.to_json())
    else:
        print_schedule(view)


def _saved(view, as_json: bool, no_verify: bool) -> None:
    """Print the saved schedule; one saved offline says so on stderr (after success, so stdout stays clean for
    --json and a refusal still prints one line)."""
    _print(view, as_json)
    if no_verify:
        click.echo("warning: database and scope were not checked against the catalog (--no-verify)", err=True)


@schedule_group.command("add")
@schedule_options
def add(as_json, no_verify, **kw):
    """Create a schedule (its database and scope are checked against the catalog unless --no-verify)."""
    from amx_core.services.schedules import create_schedule

    _saved(create_schedule(store(), _input(kw, editing=False), verify=not no_verify), as_json, no_verify)


@schedule_group.command("edit")
@click.argument("ref")
@click.option("--expect-version", help="Refuse if the schedule's version differs (optimistic edit)")
@schedule_options
def edit(ref, expect_version, as_json, no_verify, **kw):
    """Edit a schedule (refused while it runs; a changed database or scope is checked unless --no-verify)."""
    from amx_core.services.schedules import edit_schedule, resolve_ref

    st = store()
    inp = _input(kw, editing=True)
    view = edit_schedule(st, resolve_ref(st, ref), inp, expected_version=expect_version, verify=not no_verify)
    _saved(view, as_json, no_verify)


@schedule_group.command("list")
@click.option("--status", help="Comma-separated statuses, e.g. pending,paused,failed")
@click.option("--kind", help="analyze or cache_refresh")
@click.option("--json", "as_json", is_flag=True)
def list_cmd(status, kind, as_json):
    """List schedules."""
    from amx_core.schedule.views import AS_ISO_TEXT
    from amx_core.services.schedule_listing import iter_schedule_fields, parse_statuses
    from amx_core.services.validation import one_of
    from amx_core.views import SCHEDULE_JSON

    kinds = (one_of(kind, ("analyze", "cache_refresh"), field="kind"),) if kind else ()
    statuses = parse_statuses(status)
    st = store()
    with _collector_paused():
        if as_json:
            batches = iter_schedule_fields(st, SCHEDULE_JSON, statuses=statuses, kinds=kinds, form=AS_ISO_TEXT)
            emit_json_columns((list(fields.values()) for fields in batches), SCHEDULE_JSON)
            return
        batches = iter_schedule_fields(st, _LISTED, statuses=statuses, kinds=kinds)
        rows = chain.from_iterable(map(_listed_rows, batches))
        table(("ID", "NAME", "FIRE TIME", "SCOPE", "STATUS", "LLM", "REVIEW"), rows)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The garbage collector kept out of a long listing, then left as it was. What the imports and the store built
    is frozen, so no pass walks that heap again every few thousand rows; and the listing makes no reference
    cycles, only short-lived batches, which the young passes would walk item by item (about 5 % of a listing of
    10,000 rows), so the collector is off while the rows stream."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


# the fields the schedule table shows (read and converted alone: a third of a view's)
_LISTED = ("id", "name", "next_fire_local", "tz", "trigger", "scope_summary", "status", "llm_profile", "review")


def _listed_rows(fields: dict) -> Iterator[tuple]:
    """A batch of the listing's fields as the table's rows, a column at a time."""
    return zip(
        fields["id"],
        fields["name"],
        map(_fire_cell, fields["next_fire_local"], fields["tz"], fields["trigger"]),
        fields["scope_summary"],
        map(str.capitalize, fields["status"]),
        [llm or "-" for llm in fields["llm_profile"]],
        fields["review"],
        strict=True,
    )


@schedule_group.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
def show(ref, as_json):
    """Show one schedule."""
    from amx_core.services.schedules import get_schedule, resolve_ref

    st = store()
    _print(get_schedule(st, resolve_ref(st, ref)), as_json)


def _event_command(name: str, service: str, doc: str) -> None:
    @schedule_group.command(name, help=doc)
    @click.argument("ref")
    @click.option("--json", "as_json", is_flag=True)
    def _cmd(ref, as_json):
        from amx_core.services import schedules

        st = store()
        view = getattr(schedules, service)(st, schedules.resolve_ref(st, ref))
        if as_json:
            emit_json(view.to_json())
        else:
            say(f"{view.name}: {view.status.capitalize()}")


_event_command("pause", "pause_schedule", "Pause a schedule.")
_event_command("resume", "resume_schedule", "Resume a paused schedule at its next future occurrence.")
_event_command("skip", "skip_schedule", "Skip a Missed schedule's occurrence.")
_event_command("cancel", "cancel_schedule", "Cancel a schedule (kept in the list as Cancelled).")


@schedule_group.command("rm")
@click.argument("ref")
@click.option("--yes", is_flag=True, help="Do not ask")
def rm(ref, yes):
    """Delete a schedule (its runs stay in history)."""
    from amx_core.services.schedules import delete_schedule, get_schedule, resolve_ref

    st = store()
    sid = resolve_ref(st, ref)
    view = get_schedule(st, sid)
    if not yes and not click.confirm(f"Delete schedule {view.id} {view.name!r}?", default=False):
        raise SystemExit(1)
    delete_schedule(st, sid)
    say(f"deleted {view.name}")


@schedule_group.command("estimate")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
def estimate_cmd(ref, as_json):
    """What the schedule's next run would ask and cost: tables, columns, requests, tokens (asks no model)."""
    from amx_core.services.estimate import estimate_schedule
    from amx_core.services.schedules import resolve_ref

    st = store()
    estimate = estimate_schedule(st, resolve_ref(st, ref))
    if as_json:
        emit_json(estimate.to_json())
        return
    say(f"{estimate.schedule_name}: {estimate.line()}")
    for note in estimate.notes:
        say(f"note: {note}")


@schedule_group.command("preview")
@click.option("--cron", required=True)
@click.option("--tz")
@click.option("--from", "start", help="ISO instant to start from (default now)")
@click.option("--count", default="5", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def preview_cmd(cron, tz, start, count, as_json):
    """The next fire times of a cadence, in local time and UTC."""
    from amx_core.instants import parse_instant
    from amx_core.services.schedules import preview
    from amx_core.timing import describe_cadence, local_zone_name

    fires = preview(cron, tz, start=parse_instant(start, field="from") if start else None, count=count)
    if as_json:
        emit_json([f.to_json() for f in fires])
        return
    say(f"{cron}: {describe_cadence(cron)} ({tz or local_zone_name()})")
    table(("LOCAL", "UTC"), [(f.local.isoformat(), f.utc.isoformat()) for f in fires])
