"""What a notice says: a Slack-compatible JSON body (`text`, plus structured fields) and the environment a
command notifier runs with. No link, no URL, no secret: facts only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from amx_core.text import shown
from amx_core.wording import counted


@dataclass(frozen=True)
class Notice:
    """One notice to send (a Notification row's facts)."""

    id: int
    notifier: str
    event: str
    schedule_id: int | None
    schedule_name: str | None
    run_id: int | None
    facts: dict[str, Any]

    def text(self) -> str:
        """One line for people (Slack's `text`, the desktop notice, AMX_TEXT)."""
        name = shown(self.schedule_name or f"schedule {self.schedule_id}")
        if self.event == "missed":
            slots = int(self.facts.get("slots") or 1)
            why = shown(self.facts.get("why") or "")
            return f"AMX: {name} missed {counted(slots, 'slot')} ({why}; policy {self.facts.get('policy')})"
        if self.event == "test":
            return f"AMX: test notice from notifier {shown(self.notifier)}"
        line = f"AMX: {name} run {self.run_id} {self.event}"
        error = self.facts.get("error")
        if error and self.event != "completed":
            line += f": {shown(error)}"
        if self.facts.get("retry_at"):
            line += f" (retry at {self.facts['retry_at']})"
        return line

    def body(self) -> dict[str, Any]:
        """The webhook's JSON body: Slack reads `text`; scripts read the rest."""
        return {
            "text": self.text(),
            "event": self.event,
            "schedule": self.schedule_name,
            "schedule_id": self.schedule_id,
            "run": self.run_id,
            "status": self.facts.get("status", self.event),
            "error": self.facts.get("error"),
            **{k: v for k, v in self.facts.items() if k not in ("status", "error")},
        }

    def environment(self) -> dict[str, str]:
        """The facts as AMX_* variables, for a command notifier."""
        values = {
            "AMX_EVENT": self.event,
            "AMX_SCHEDULE": self.schedule_name or "",
            "AMX_SCHEDULE_ID": "" if self.schedule_id is None else str(self.schedule_id),
            "AMX_RUN": "" if self.run_id is None else str(self.run_id),
            "AMX_STATUS": str(self.facts.get("status", self.event)),
            "AMX_ERROR": str(self.facts.get("error") or ""),
            "AMX_TEXT": self.text(),
        }
        if self.event == "missed":
            values["AMX_SLOTS"] = str(self.facts.get("slots") or "")
        return {key: value.replace("\x00", "") for key, value in values.items()}
