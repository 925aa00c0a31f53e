"""`amx schedule install-daemon | uninstall-daemon | status`: the daemon services, printed for people or as JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from amx_cli.output import emit_json, say
from amx_core.daemon import DaemonSetup, DaemonStatus, daemon_status, install_daemon, uninstall_daemon
from amx_core.daemon.text import age_text, badge_text, size_text

YES_NO = {True: "yes", False: "no", None: "unknown"}


def _setup(ctx: click.Context) -> DaemonSetup | None:
    """A DaemonSetup put in the context object (tests, other platforms), else this machine's."""
    return ctx.find_object(DaemonSetup)


def _seconds_since(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else (now - moment).total_seconds()


def render_status(status: DaemonStatus, now: datetime | None = None) -> str:
    """The status as a few aligned lines: badge, unit files, user bus, store, switches, log, last tick, warnings."""
    now = now or datetime.now(UTC)
    how = ", ".join(part for part in (status.mechanism, status.platform) if part)
    lines = [f"Daemon:     {badge_text(status.state)} ({how})"]
    lines.extend(f"unit:       {path}" for path in status.unit_files)
    if status.user_bus:
        lines.append(f"user bus:   {status.user_bus}")
    if status.store:
        lines.append(f"store:      {status.store}")
    switches = [f"enabled: {YES_NO[status.enabled]}"]
    if status.linger is not None:
        switches.append(f"linger: {YES_NO[status.linger]}")
    if status.disabled_by_user is not None:
        switches.append(f"disabled by user: {YES_NO[status.disabled_by_user]}")
    if status.installed or status.loaded:
        lines.append(f"switches:   {'   '.join(switches)}")
    if status.log_size_bytes is None:
        lines.append(f"log:        {status.log_path} (absent)")
    else:
        written = age_text(_seconds_since(status.log_mtime, now))
        lines.append(f"log:        {status.log_path} ({size_text(status.log_size_bytes)}, written {written})")
    tick = f"last tick:  {age_text(status.last_tick_age_seconds)}"
    if status.last_tick_at is not None:
        extra = [f"on {status.last_tick_host}"] if status.last_tick_host else []
        if status.last_tick_duration_ms is not None:
            extra.append(f"took {status.last_tick_duration_ms:.0f} ms")
        tick += f" ({', '.join(extra)})" if extra else ""
    lines.append(tick)
    lines.extend(f"warning:    {warning}" for warning in status.warnings)
    return "\n".join(lines)


def _emit(status: DaemonStatus, as_json: bool, headline: str | None = None) -> None:
    if as_json:
        emit_json(status.to_json())
        return
    if headline:
        say(headline)
    say(render_status(status))


@click.command("install-daemon")
@click.option("--json", "as_json", is_flag=True, help="Print the resulting status as JSON.")
@click.pass_context
def install_daemon_cmd(ctx: click.Context, as_json: bool) -> None:
    """Install (or repair) the per-user OS hook that runs amx-tick every minute."""
    status = install_daemon(_setup(ctx))
    where = status.unit_path or "the user crontab"
    _emit(status, as_json, f"Installed the tick hook ({status.mechanism}): {where}")


@click.command("uninstall-daemon")
@click.option("--json", "as_json", is_flag=True, help="Print the resulting status as JSON.")
@click.pass_context
def uninstall_daemon_cmd(ctx: click.Context, as_json: bool) -> None:
    """Remove the OS hook; schedules stay queued and fire again once a hook or a manual tick runs."""
    status = uninstall_daemon(_setup(ctx))
    _emit(status, as_json, "Removed the tick hook; schedules stay queued.")


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_context
def status_cmd(ctx: click.Context, as_json: bool) -> None:
    """Show whether the OS will run the tick, its log, and when it last ran."""
    _emit(daemon_status(_setup(ctx)), as_json)
