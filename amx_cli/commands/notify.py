"""`amx notify add|list|rm|test`: where run outcomes and missed schedules are told."""

from __future__ import annotations

import click

from amx_cli.app import AmxGroup, store
from amx_cli.output import emit_json, say
from amx_cli.tables import table


@click.group("notify", cls=AmxGroup)
def notify_group() -> None:
    """Notifiers: a webhook (Slack-compatible; its URL only by reference), a command, or the desktop."""


@notify_group.command("add")
@click.argument("name")
@click.option("--webhook-env", help="Environment variable holding the webhook URL (also read from secrets.env)")
@click.option("--webhook-key", help="Key in $AMX_HOME/secrets.env holding the webhook URL")
@click.option("--command", help="Shell command run with AMX_SCHEDULE, AMX_RUN, AMX_STATUS, AMX_ERROR, ... set")
@click.option("--desktop", is_flag=True, default=None, help="A desktop notification (notify-send, osascript)")
@click.option("--on", "on", help="Events: failed,missed (default), completed, cancelled, stopped")
@click.option("--timeout", help="Seconds per attempt (default 5)")
@click.option("--json", "as_json", is_flag=True)
def add_cmd(name, webhook_env, webhook_key, command, desktop, on, timeout, as_json):
    """Add a notifier; the tick tells it after a run ends or a miss is recorded."""
    from amx_core.services.notify import add_notifier

    view = add_notifier(
        store(),
        name,
        webhook_env=webhook_env,
        webhook_key=webhook_key,
        command=command,
        desktop=bool(desktop),
        on=on,
        timeout=timeout,
    )
    if as_json:
        emit_json(view.to_json())
    else:
        say(f"added notifier {view.name} ({view.kind}, on {','.join(view.events)})")


@notify_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_cmd(as_json):
    """List notifiers (webhooks by reference only)."""
    from amx_core.services.notify import list_notifiers

    views = list_notifiers(store())
    if as_json:
        emit_json([v.to_json() for v in views])
        return
    table(
        ("NAME", "KIND", "TARGET", "ON", "TIMEOUT"),
        [(v.name, v.kind, v.target or "-", ",".join(v.events), f"{v.timeout_seconds:g}s") for v in views],
    )


@notify_group.command("rm")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
def rm_cmd(name, as_json):
    """Remove a notifier."""
    from amx_core.services.notify import remove_notifier

    view = remove_notifier(store(), name)
    if as_json:
        emit_json(view.to_json())
    else:
        say(f"removed notifier {view.name}")


@notify_group.command("test")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
def test_cmd(name, as_json):
    """Send a test notice now; exits 1 when it did not arrive."""
    from amx_core.services.notify import test_notifier

    result = test_notifier(store(), name)
    if as_json:
        emit_json(result.to_json())
    else:
        say(f"{result.name}: " + ("delivered" if result.ok else f"failed: {result.error}"))
    if not result.ok:
        raise SystemExit(1)
