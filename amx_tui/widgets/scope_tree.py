"""ScopeTree: a lazy checkbox tree profile -> database -> schema -> table -> column over the catalog listing.

The tick rules live in amx_core.scope.ScopeSelection; this widget only draws its states
(☑ checked, ◐ partial, ☐ unchecked) and loads children page by page in thread workers.
An empty selection means the whole database, so everything shows ☑ until a tick narrows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from amx_core.catalog.views import ChildPage
from amx_core.scope import ScopeSelection, summarize_scope
from amx_core.scope.paths import is_under
from amx_core.scope.selection import CHECKED, PARTIAL, UNCHECKED
from amx_core.store import Store
from amx_tui.workers import deliver, first_line

PAGE_SIZE = 200
GLYPHS = {CHECKED: "☑", PARTIAL: "◐", UNCHECKED: "☐"}
TICK_META = Style.from_meta({"tick": True})
EXPAND_META = Style.from_meta({"toggle": True})
TICKABLE = frozenset({"database", "schema", "table", "view", "materialized_view", "column"})
KIND_MARKS = {"view": "view", "materialized_view": "mat. view"}


@dataclass
class ScopeNode:
    """What a tree node stands for; `path` is relative to the database (() is the database itself)."""

    kind: str  # profile | database | schema | table | view | materialized_view | column | more | notice
    path: tuple[str, ...] = ()
    detail: str | None = None
    child_count: int | None = None
    loaded: int = 0
    total: int | None = None
    loading: bool = False
    error: str | None = None
    offset: int = 0  # a "more" node: where the next page starts


@dataclass(frozen=True)
class Target:
    """Which catalog the tree shows."""

    profile: str
    database: str | None
    label: str


class ScopeTree(Tree[ScopeNode]):
    """The scope picker; read `scope` for the paths to store, listen for `ScopeTree.Changed`."""

    BINDINGS = [
        Binding("space", "tick", "Tick/untick", tooltip="Tick or untick the node (narrow or widen the scope)"),
        Binding("enter", "toggle_expand", "Expand/collapse", show=False),
        Binding("right", "expand_or_down", "Expand", show=False),
        Binding("left", "collapse_or_up", "Collapse", show=False),
    ]

    class Changed(Message):
        """The selection changed: `scope` is what would be stored, `summary` how the list shows it."""

        def __init__(self, tree: ScopeTree, scope: list[str]) -> None:
            super().__init__()
            self.tree = tree
            self.scope = scope
            self.summary = summarize_scope(scope)

        @property
        def control(self) -> ScopeTree:
            return self.tree

    class Loaded(Message):
        """A page of children arrived from a worker (posted from the thread)."""

        def __init__(
            self, generation: int, node: TreeNode[ScopeNode], page: ChildPage | None, error: str | None
        ) -> None:
            super().__init__()
            self.generation = generation
            self.node = node
            self.page = page
            self.error = error

    def __init__(self, store_getter: Callable[[], Store], *, id: str | None = None) -> None:
        super().__init__(Text("(choose a DB profile)"), data=ScopeNode("profile"), id=id)
        self.store_getter = store_getter
        self.selection = ScopeSelection()
        self.target: Target | None = None
        self.auto_expand = False
        self.guide_depth = 3
        self._generation = 0
        self._expand_wanted: set[tuple[str, ...]] = set()

    # --- public API -------------------------------------------------------------------------------

    @property
    def scope(self) -> list[str]:
        return self.selection.scope()

    def load(self, target: Target | None, scope: list[str] | tuple[str, ...] = ()) -> None:
        """Show `target`'s catalog with `scope` ticked; branches that hold deeper ticks open as they load."""
        self._generation += 1
        self.clear()
        self.selection = ScopeSelection.from_scope(list(scope))
        self.target = target
        if target is None:
            self.root.set_label(Text("(choose a DB profile and database)"))
            self.root.data = ScopeNode("profile")
            self._changed()
            return
        self.root.set_label(Text(target.profile))
        self.root.data = ScopeNode("profile")
        self._expand_wanted = {p[:i] for p in self.selection.effective() for i in range(1, len(p))}
        database = self.root.add(Text(target.label), data=ScopeNode("database", ()), expand=False)
        self.root.expand()
        database.expand()
        self.move_cursor(database)
        self._changed()

    def node_state(self, node: TreeNode[ScopeNode]) -> str | None:
        data = node.data
        if data is None or data.kind not in TICKABLE:
            return None
        if data.kind == "database":
            return PARTIAL if self.selection.ticked else CHECKED
        if not self.selection.ticked:
            return CHECKED
        return self.selection.state(data.path)

    def find(self, path: tuple[str, ...]) -> TreeNode[ScopeNode] | None:
        """The loaded node for `path` (None when its branch is not loaded yet)."""
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            data = node.data
            if data is None:
                continue
            if data.path == path and data.kind in TICKABLE:
                return node
            if data.path and is_under(path, data.path) or data.kind == "database":
                stack.extend(node.children)
        return None

    def tick(self, path: tuple[str, ...]) -> str:
        """Space on the node at `path` (the core decides what ticking means)."""
        if path == ():
            self.selection.clear()
        else:
            self.selection.toggle(path)
        self._changed()
        return self.selection.state(path) if path else CHECKED

    # --- rendering --------------------------------------------------------------------------------

    def render_label(self, node: TreeNode[ScopeNode], base_style: Style, style: Style) -> Text:
        data = node.data
        text = Text(no_wrap=True, end="")
        if node.allow_expand:
            text.append("▼ " if node.is_expanded else "▶ ", base_style + EXPAND_META)
        elif data is not None and data.kind in TICKABLE:
            text.append("  ", base_style)
        state = self.node_state(node)
        if state is not None:
            text.append(GLYPHS[state], base_style + TICK_META + Style(bold=state != UNCHECKED))
            text.append(" ", base_style)
        label = node.label.copy() if isinstance(node.label, Text) else Text(str(node.label))
        label.stylize(style)
        text.append_text(label)
        hint = self._hint(data)
        if hint:
            text.append(f"  {hint}", base_style + Style(dim=True))
        return text

    @staticmethod
    def _hint(data: ScopeNode | None) -> str:
        if data is None:
            return ""
        if data.loading:
            return "loading…"
        if data.error:
            return f"⚠ {data.error}"
        if data.kind == "column":
            return data.detail or ""
        parts = [KIND_MARKS[data.kind]] if data.kind in KIND_MARKS else []
        if data.child_count is not None and data.kind != "database":
            unit = "columns" if data.kind in ("table", "view", "materialized_view") else "tables"
            parts.append(f"{data.child_count} {unit}")
        return " · ".join(parts)

    def _changed(self) -> None:
        self.root.refresh()
        self.refresh()
        self.post_message(self.Changed(self, self.selection.scope()))

    # --- loading ----------------------------------------------------------------------------------

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[ScopeNode]) -> None:
        event.stop()
        node = event.node
        data = node.data
        if data is None or data.kind not in TICKABLE or data.kind == "column":
            return
        if data.loaded == 0 and not data.loading:
            self._request(node, 0)

    def _request(self, node: TreeNode[ScopeNode], offset: int) -> None:
        if self.target is None or node.data is None:
            return
        node.data.loading = True
        node.data.error = None
        node.refresh()
        target, path, generation = self.target, node.data.path, self._generation
        self.run_worker(
            partial(self._fetch, generation, node, target, path, offset),
            thread=True,
            group="scope-load",
            exit_on_error=False,
            description=f"catalog children of {path or 'the database'}",
        )

    def _fetch(
        self, generation: int, node: TreeNode[ScopeNode], target: Target, path: tuple[str, ...], offset: int
    ) -> None:
        """Thread: read one page (the core refreshes a branch it never read), hand it to the UI thread."""
        from amx_core.catalog.listing import list_children

        try:
            store = self.store_getter()
            page = list_children(store, target.profile, target.database, path, offset=offset, limit=PAGE_SIZE)
        except Exception as exc:  # noqa: BLE001 - shown on the node; the form stays usable
            deliver(self, self.Loaded(generation, node, None, first_line(exc)))
            return
        deliver(self, self.Loaded(generation, node, page, None))

    def on_scope_tree_loaded(self, message: ScopeTree.Loaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        node, data, page = message.node, message.node.data, message.page
        if data is None:
            return
        data.loading = False
        if page is None:
            data.error = message.error
            node.refresh()
            return
        for child in list(node.children):
            if child.data is not None and child.data.kind == "more":
                child.remove()
        for item in page.items:
            kind = item.kind
            child_data = ScopeNode(kind, tuple(item.path), detail=item.detail, child_count=item.child_count)
            leaf = kind == "column" or item.child_count == 0
            child = node.add(Text(item.name), data=child_data, allow_expand=not leaf)
            if child_data.path in self._expand_wanted:
                child.expand()
        data.loaded = page.offset + len(page.items)
        data.total = page.total
        if data.loaded < data.total:
            more = f"… {data.total - data.loaded:,} more (of {data.total:,}): press space or enter to load {PAGE_SIZE}"
            node.add_leaf(Text(more), data=ScopeNode("more", data.path, offset=data.loaded))
        if not page.items and page.total == 0:
            data.total = 0
        node.refresh()

    # --- keys and mouse ---------------------------------------------------------------------------

    def _activate_special(self, node: TreeNode[ScopeNode]) -> bool:
        """Enter/space on a "more" or failed node loads (again); True when handled."""
        data = node.data
        if data is None:
            return False
        if data.kind == "more" and node.parent is not None:
            node.set_label(Text("loading…"))
            self._request(node.parent, data.offset)
            return True
        if data.error:
            self._request(node, data.loaded)
            return True
        return False

    def action_tick(self) -> None:
        node = self.cursor_node
        if node is None or self._activate_special(node):
            return
        if node.data is not None and node.data.kind in TICKABLE:
            self.tick(node.data.path)

    def action_toggle_expand(self) -> None:
        node = self.cursor_node
        if node is None or self._activate_special(node):
            return
        if node.allow_expand:
            node.toggle()

    def action_expand_or_down(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        elif node.is_expanded and node.children:
            self.move_cursor(node.children[0])

    def action_collapse_or_up(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)

    def on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        if not meta.get("tick") or "line" not in meta:
            return
        node = self.get_node_at_line(meta["line"])
        if node is not None and node.data is not None and node.data.kind in TICKABLE:
            event.stop()
            self.tick(node.data.path)
