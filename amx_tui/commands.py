"""Command palette entries for the schedule verbs (the same table as the keys: amx_tui.verbs)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from amx_tui.verbs import VERBS


class ScheduleCommands(Provider):
    """`New schedule`, `Run schedule now`, `Install daemon`, ...: each runs the main screen's action."""

    def _commands(self):
        for verb in VERBS:
            keys = f" · key {verb.key_display}" if verb.keys else ""
            cli = f" · {verb.cli}" if verb.cli else ""
            yield verb.title, f"{verb.help}{cli}{keys}", partial(self.screen.run_action, verb.action)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
