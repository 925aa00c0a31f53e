"""The ScopeTree's additive selection, kept in the core so every face behaves the same.

Ticked nodes form a forest; the effective scope is its leaves. Ticking a node below a
ticked node narrows that branch to the deeper ticks; unticking the last deeper tick
widens the branch back to the whole of it, because the ancestor is still ticked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from amx_core.scope.paths import Path, format_path, is_under, parse_path

CHECKED, PARTIAL, UNCHECKED = "checked", "partial", "unchecked"


@dataclass
class ScopeSelection:
    ticked: set[Path] = field(default_factory=set)

    @classmethod
    def from_scope(cls, scope: list[str] | tuple[str, ...]) -> ScopeSelection:
        return cls({parse_path(p) for p in scope})

    def effective(self) -> list[Path]:
        """The leaves of the ticked forest, sorted: what gets stored."""
        return sorted(p for p in self.ticked if not any(o != p and is_under(o, p) for o in self.ticked))

    def scope(self) -> list[str]:
        return [format_path(p) for p in self.effective()]

    def state(self, path: Path) -> str:
        eff = self.effective()
        if any(is_under(path, leaf) for leaf in eff):
            return CHECKED
        if any(is_under(leaf, path) for leaf in eff):
            return PARTIAL
        return UNCHECKED

    def toggle(self, path: Path) -> str:
        """Space on a node; tri-state cycle: partial -> checked -> unchecked.

        - partial: take the whole branch (drop the deeper ticks, tick the node);
        - checked through a ticked ancestor: tick it, which narrows that ancestor's branch;
        - checked itself: untick it and everything ticked below it;
        - unchecked: tick it.
        """
        current = self.state(path)
        below = {p for p in self.ticked if is_under(p, path)}
        if current == PARTIAL:
            self.ticked = (self.ticked - below) | {path}
        elif current == CHECKED and path in self.ticked:
            self.ticked -= below
        else:
            self.ticked.add(path)
        return self.state(path)

    def clear(self) -> None:
        self.ticked.clear()
