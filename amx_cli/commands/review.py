"""`amx review list|show|accept|edit|reject|apply`: the review queue of suggestions."""

from __future__ import annotations

import sys

import click

from amx_cli.app import AmxGroup, store
from amx_cli.output import emit_json, pairs, say
from amx_cli.tables import table

PREVIEW = 60


@click.group("review", cls=AmxGroup)
def review_group() -> None:
    """Suggestions waiting for a person: accept, edit, reject, then apply."""


def _short(text: str | None, width: int = PREVIEW) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _print_views(views) -> None:
    table(
        ("ID", "RUN", "STATE", "BAND", "CONF", "FLAGS", "TARGET", "PROPOSED"),
        [
            (
                v.id,
                v.run_id,
                v.state,
                v.band,
                f"{v.confidence:.2f}",
                ",".join(v.flags) or "-",
                v.target,
                _short(v.proposed),
            )
            for v in views
        ],
    )


@review_group.command("list")
@click.option("--run", "run_id", help="Only this run's suggestions")
@click.option("--state", help="Comma-separated states, e.g. pending,stale")
@click.option("--json", "as_json", is_flag=True)
def list_cmd(run_id, state, as_json):
    """List suggestions (oldest first)."""
    from amx_core.services.review import list_suggestions

    views = list_suggestions(store(), run_id=run_id, states=state)
    if as_json:
        emit_json([v.to_json() for v in views])
    elif views:
        _print_views(views)
    else:
        say("no suggestions")


@review_group.command("show")
@click.argument("suggestion_id")
@click.option("--json", "as_json", is_flag=True)
def show_cmd(suggestion_id, as_json):
    """Show one suggestion in full."""
    from amx_core.services.review import get_suggestion

    view = get_suggestion(store(), suggestion_id)
    if as_json:
        emit_json(view.to_json())
        return
    data = view.to_json()
    data["alternatives"] = " | ".join(view.alternatives) or "-"
    data["flags"] = ", ".join(view.flags) or "-"
    data["quality"] = "; ".join(f"{q['flag']}: {q['message']}" for q in view.quality) or "passes every check"
    pairs([(key, "-" if value is None else value) for key, value in data.items()])


def _batch_command(name: str, service: str, help_text: str) -> None:
    @review_group.command(name, help=help_text)
    @click.argument("ids", nargs=-1, required=True)
    @click.option("--json", "as_json", is_flag=True)
    def _cmd(ids, as_json):
        from amx_core.services import review

        views = getattr(review, service)(store(), ids)
        if as_json:
            emit_json([v.to_json() for v in views])
        else:
            for v in views:
                say(f"{v.id} {v.state}: {v.target}")


_batch_command("accept", "accept_suggestions", "Accept suggestions: apply will write their proposed text.")
_batch_command("reject", "reject_suggestions", "Reject suggestions: nothing will be written for them.")


@review_group.command("edit")
@click.argument("suggestion_id")
@click.option("--text", required=True, help="The description to write instead of the proposal")
@click.option("--json", "as_json", is_flag=True)
def edit_cmd(suggestion_id, text, as_json):
    """Replace a suggestion's text with your own (state edited)."""
    from amx_core.services.review import edit_suggestion

    view = edit_suggestion(store(), suggestion_id, text)
    if as_json:
        emit_json(view.to_json())
    else:
        say(f"{view.id} {view.state}: {view.target}")


@review_group.command("apply")
@click.argument("ids", nargs=-1)
@click.option("--run", "run_id", help="Only this run's accepted and edited suggestions")
@click.option("--json", "as_json", is_flag=True)
def apply_cmd(ids, run_id, as_json):
    """Write accepted and edited suggestions to the database (all, one run's, or the given IDS).

    Exits 1 when any of them was not written (stale, failed, or not accepted).
    """
    from amx_core.services.review import apply_suggestions

    results = apply_suggestions(store(), run_id=run_id, ids=ids)
    report_writes(results, as_json, nothing="nothing to apply")


def report_writes(results, as_json: bool, *, nothing: str) -> None:
    """Per-item results of apply or revert: JSON or a table; exit 1 when any item was not written."""
    if as_json:
        emit_json([r.to_json() for r in results])
    elif not results:
        say(nothing)
    else:
        table(
            ("ID", "STATE", "TARGET", "DETAIL"),
            [(r.id, r.state, r.target, _short(r.error or r.note or "", 80)) for r in results],
        )
    if any(not r.ok for r in results):
        sys.exit(1)


@review_group.command("revert")
@click.argument("ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True)
def revert_cmd(ids, as_json):
    """Put back what applied suggestions replaced (or remove the description if there was none).

    Only where the database still holds exactly what AMX wrote; otherwise the item is stale and left
    alone. Exits 1 when any item was not reverted.
    """
    from amx_core.services.review import revert_suggestions

    report_writes(revert_suggestions(store(), ids), as_json, nothing="nothing to revert")
