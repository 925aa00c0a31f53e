"""Command palette entries for the verbs of the screen the palette was opened on (its `VERBS`, see amx_tui.verbs)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from amx_tui.verbs import VERBS, Verb


class VerbCommands(Provider):
    """`New schedule`, `Accept suggestion`, `Test connection`, ...: each runs the calling screen's action."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        verbs: tuple[Verb, ...] = getattr(self.screen, "VERBS", VERBS)
        for verb in verbs:
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
