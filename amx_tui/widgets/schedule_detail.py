"""The strip under the list: the highlighted schedule in full (cadence words, whole scope, last error)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from amx_core.views import ScheduleView
from amx_tui.formatting import TRIGGER_WORDS, hours_text, zone_text


def describe_timing(view: ScheduleView) -> str:
    if view.trigger == "change":
        return f"{TRIGGER_WORDS['change']}: at most every {hours_text(view.cap_hours)}"
    if view.cadence:
        return f"cron {view.cadence} · {view.cadence_text or ''} ({zone_text(view.tz)})"
    return f"one-shot ({zone_text(view.tz)})"


class ScheduleDetail(Static):
    """Three lines about one schedule (more when its whole scope needs them); all user text goes in as plain Text."""

    def show(self, view: ScheduleView | None) -> None:
        if view is None:
            self.update(Text("Select a schedule to see its details.", style="dim"))
            return
        where = view.db_profile + (f" / {view.database}" if view.database else "")
        scope = ", ".join(view.scope) if view.scope else "whole database"
        text = Text(overflow="fold")
        text.append(view.name, "bold")
        text.append(
            f"  #{view.id} · {describe_timing(view)} · missed policy {view.missed_policy} · version {view.version}\n"
        )
        text.append("Scope: ", "bold")
        text.append(f"{where}: {scope}\n")
        if view.last_error:
            text.append("Last error: ", "bold red")
            text.append(view.last_error, "red")
        else:
            next_utc = f"{view.next_fire_utc:%Y-%m-%d %H:%M} UTC" if view.next_fire_utc else "—"
            text.append(
                f"Next fire {next_utc} · review {view.review} · "
                f"{'missing descriptions only' if view.missing_only else 'all columns'}",
                "dim",
            )
        self.update(text)
