"""Shared pieces of the history, review and profiles screen tests: an analyze run against the loopback LLM
server, fixed seeds for snapshots, and readers of what a review changed (suggestions, local catalog, marks)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select
from tui_support import NOW

from amx_core.models import LocalComment, MissedSlot, Run, Suggestion, WrittenMark

PATH = "/chat/completions"
CONFIDENCES = (0.92, 0.35)  # high, low by the column's place in the request; tables are medium


def scripted_responder():
    """Answers each table request with proposals that carry alternatives, a reason and varied confidence."""
    from llm_server import Reply, asked_columns, openai_reply, proposal

    def respond(request):
        columns, wants_table = asked_columns(request)
        data = {
            "columns": {
                name: proposal(
                    f"Meaning of {name}, as the data shows it.",
                    CONFIDENCES[i % 2],
                    alternatives=[f"Another wording for {name}.", f"{name}: a second option."],
                    reason=f"read from the values of {name}",
                )
                for i, name in enumerate(columns)
            }
        }
        if wants_table:
            data["table"] = proposal(
                "Table described by the model.", 0.7, alternatives=["A table of things."], reason="from its columns"
            )
        return Reply(openai_reply(json.dumps(data)))

    return respond


def analyzed_run(store, db_url: str, llm_server, *, scope=("main.Genre", "main.MediaType"), review="manual") -> int:
    """Profiles `db` (the target) and `llm` (openai at the loopback server) and one analyze run over `scope`."""
    from analyze_support import add_profiles, make_schedule, start_run

    from amx_core.analyze.executor import AnalyzeOptions, make_analyzer
    from amx_core.llm.client import RetryPolicy
    from amx_core.llm.registry import Wiring

    add_profiles(store, db_url, llm="openai", base_url=llm_server.url, concurrency=1)
    llm_server.respond(PATH, scripted_responder())
    handle = start_run(store, make_schedule(store, scope=list(scope), review=review))
    options = AnalyzeOptions(wiring=Wiring(retry=RetryPolicy(attempts=1, base_delay=0.01), sleep=lambda _s: None))
    assert make_analyzer(options)(handle.ctx).ok
    return handle.run_id


def review_outcome(store) -> dict:
    """Everything a review decision can change: each suggestion's fields, the local catalog, AMX's marks."""
    with store.session() as s:
        suggestions = {
            r.id: (
                r.target,
                r.state,
                r.proposed,
                r.current_text,
                r.alternatives_json,
                r.applied_sql,
                r.old_value,
                r.error,
            )
            for r in s.exec(select(Suggestion))
        }
        comments = {(r.target, r.text) for r in s.exec(select(LocalComment))}
        marks = {(r.target, r.text_hash) for r in s.exec(select(WrittenMark))}
    return {"suggestions": suggestions, "local_comments": comments, "written_marks": marks}


def local_comments(store) -> dict[str, str]:
    with store.session() as s:
        return {r.target: r.text for r in s.exec(select(LocalComment))}


def write_underneath(store, target: str, text: str) -> None:
    """A person describes `target` in the local catalog after the suggestion was made (SQLite keeps it there)."""
    from amx_core.services.profiles import show_db_profile

    profile_id = show_db_profile(store, "db").id
    with store.write_session() as s:
        s.add(LocalComment(profile_id=profile_id, database="", target=target, text=text))


# --- fixed seeds for the snapshots ------------------------------------------------------------------


def seed_history(store, schedule_id: int, name: str) -> None:
    """A completed, a failed and a running run plus two missed occurrences, all at fixed instants."""
    runs = [
        dict(
            reason="time",
            status="completed",
            started_at=NOW - timedelta(days=1, hours=2),
            ended_at=NOW - timedelta(days=1, hours=2) + timedelta(minutes=3, seconds=12),
            tables_planned=8,
            tables_done=8,
            columns_planned=46,
            columns_described=46,
            columns_applied=40,
            columns_queued=6,
            tokens_in=18_400,
            tokens_out=6_250,
            log="2027-02-28T08:00:00+00:00 8 tables in scope\n",
        ),
        dict(
            reason="retry",
            status="failed",
            started_at=NOW - timedelta(hours=5),
            ended_at=NOW - timedelta(hours=5) + timedelta(seconds=9),
            attempt=2,
            tables_planned=8,
            tables_done=0,
            columns_planned=46,
            columns_failed=46,
            error="cannot connect to postgresql://amx:***@db/shop: timeout",
        ),
        dict(
            reason="run-now",
            status="running",
            started_at=NOW - timedelta(minutes=2, seconds=30),
            heartbeat_at=NOW - timedelta(seconds=2),
            tables_planned=8,
            tables_done=3,
            columns_planned=46,
            columns_described=17,
            columns_queued=17,
            tokens_in=5_100,
            tokens_out=1_730,
            host="build-7",
            pid=4242,
            log="2027-03-01T09:57:30+00:00 8 tables in scope, 8 to describe\n"
            "2027-03-01T09:58:10+00:00 main.customers: 8 of 8 columns described, 0 applied, 8 queued for review\n",
        ),
    ]
    with store.write_session() as s:
        for values in runs:
            values.setdefault("heartbeat_at", values.get("ended_at"))
            s.add(
                Run(
                    schedule_id=schedule_id,
                    schedule_name=name,
                    host=values.pop("host", "build-7"),
                    pid=values.pop("pid", 4100),
                    occurrence_utc=values["started_at"],
                    **values,
                )
            )
        for days, reason, action in ((3, "no tick ran (machine asleep)", "ask"), (2, "paused at fire time", "skip")):
            slot = NOW - timedelta(days=days, hours=-16)
            s.add(
                MissedSlot(
                    schedule_id=schedule_id,
                    slot_utc=slot,
                    detected_at=slot + timedelta(hours=7),
                    reason=reason,
                    action=action,
                )
            )


def seed_suggestions(store, run_id: int, profile_id: int) -> None:
    """Suggestions in every visual state: bands, flags, a note, a stale current text, an apply error."""
    rows = [
        (
            "main.orders",
            "table",
            None,
            "One row per customer order: who ordered, when, status and total.",
            0.91,
            "pending",
            ["Customer orders."],
            "from its columns and keys",
            [],
            None,
        ),
        (
            "main.orders.order_id",
            "column",
            None,
            "Unique identifier of the order.",
            0.95,
            "accepted",
            [],
            "primary key",
            [],
            None,
        ),
        (
            "main.orders.status",
            "column",
            "Order state",
            "Lifecycle state of the order: placed, paid, shipped, delivered, returned or cancelled.",
            0.83,
            "stale",
            ["Order status."],
            "six distinct values",
            [],
            "the database text changed since this suggestion was made; nothing written",
        ),
        (
            "main.orders.total_amt",
            "column",
            None,
            "Order total in the shop currency, after line discounts.",
            0.62,
            "edited",
            ["Total amount of the order."],
            "numeric, 2 decimals",
            [],
            None,
        ),
        (
            "main.orders.ship_addr",
            "column",
            None,
            "See http://wiki.example/shipping",
            0.41,
            "pending",
            ["Shipping address line."],
            "text values look like street addresses",
            ["url"],
            "note: queued: flagged: url",
        ),
        (
            "main.payments.card_last4",
            "column",
            None,
            "Last four digits of the card, when paid by card.",
            0.77,
            "apply_failed",
            [],
            "four digits, mostly null",
            [],
            "permission denied for table payments",
        ),
        (
            "main.payments",
            "table",
            None,
            "[bold]Payments[/] received for orders.",
            0.58,
            "rejected",
            [],
            "from its columns",
            [],
            None,
        ),
    ]
    with store.write_session() as s:
        for target, kind, current, proposed, confidence, state, alternatives, reason, flags, error in rows:
            band = "high" if confidence >= 0.8 else "medium" if confidence >= 0.5 else "low"
            s.add(
                Suggestion(
                    run_id=run_id,
                    db_profile_id=profile_id,
                    target=target,
                    target_kind=kind,
                    current_text=current,
                    proposed=proposed,
                    confidence=confidence,
                    band=band,
                    alternatives_json=json.dumps(alternatives),
                    reason=reason,
                    flags_json=json.dumps(flags),
                    state=state,
                    error=error,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )


def notes(app) -> str:
    """The notifications the app is showing, one per line (`title: message`)."""
    return "\n".join(f"{n.title}: {n.message}" if n.title else n.message for n in app._notifications)
