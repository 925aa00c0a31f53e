"""ScopeTree: a lazy checkbox tree profile -> database -> schema -> table -> column over the catalog listing.

The tick rules live in amx_core.scope.ScopeSelection; this widget only draws its states
(☑ checked, ◐ partial, ☐ unchecked) and loads children page by page in thread workers.
An empty selection means the whole database, so everything shows ☑ until a tick narrows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from amx_core.catalog.counting import ScopeCount
from amx_core.catalog.views import CatalogNode, ChildPage
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
    written: str | None = None  # who wrote its description: person, amx (run 3), reviewed (run 3)
    child_count: int | None = None
    loaded: int = 0
    total: int | None = None
    loading: bool = False
    error: str | None = None
    offset: int = 0  # a "more" node: where the next page starts
    items: list[CatalogNode] = field(default_factory=list)  # every child read so far, filtered or not
    filter: str = ""  # what was typed to filter the children (case-insensitive substring)


@dataclass(frozen=True)
class Target:
    """Which catalog the tree shows."""

    profile: str
    database: str | None
    label: str


class ScopeTree(Tree[ScopeNode]):
    """The scope picker; read `scope` for the paths to store, listen for `ScopeTree.Changed`."""

    BINDINGS = [
        Binding("space", "tick", "Tick/untick", tooltip="Tick or untick the node the cursor is on"),
        Binding("ctrl+x", "only_this", "Only this", tooltip="Keep only this node ticked"),
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

    class Counted(Message):
        """How many tables and columns the selection picks (cached catalog), or None when unknown."""

        def __init__(self, generation: int, count: ScopeCount | None) -> None:
            super().__init__()
            self.generation = generation
            self.count = count

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
        self._changes = 0
        self._expand_wanted: set[tuple[str, ...]] = set()
        self.count: ScopeCount | None = None
        self._filtering: TreeNode[ScopeNode] | None = None  # the branch being filtered by typing

    # --- public API -------------------------------------------------------------------------------

    @property
    def scope(self) -> list[str]:
        return self.selection.scope()

    def load(self, target: Target | None, scope: list[str] | tuple[str, ...] = ()) -> None:
        """Show `target`'s catalog with `scope` ticked; branches that hold deeper ticks open as they load."""
        self._generation += 1
        self.clear()
        self.count = None
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
        """Space on the node at `path`: a ticked node is unticked (alone, when its tick comes from a ticked
        branch: the rest of that branch stays), any other node is ticked. The core's ScopeSelection holds it."""
        if path == ():
            self.selection.clear()
        elif self.node_state_of(path) == CHECKED and path not in self.selection.ticked:
            if not self._exclude(path):
                return CHECKED
        else:
            self.selection.toggle(path)
        self._changed()
        return self.selection.state(path) if path else CHECKED

    def only(self, path: tuple[str, ...]) -> None:
        """Tick this node and nothing else (the database: the whole database)."""
        self.selection.clear()
        if path:
            self.selection.toggle(path)
        self._changed()

    def node_state_of(self, path: tuple[str, ...]) -> str:
        if not path:
            return PARTIAL if self.selection.ticked else CHECKED
        return self.selection.state(path) if self.selection.ticked else CHECKED

    def _children_paths(self, parent: tuple[str, ...]) -> list[tuple[str, ...]] | None:
        """Every child path of a loaded branch, or None while some are not read yet."""
        node = self.find(parent)
        data = node.data if node is not None else None
        if data is None or data.total is None or len(data.items) < data.total:
            return None
        return [tuple(item.path) for item in data.items]

    def _exclude(self, path: tuple[str, ...]) -> bool:
        """Untick `path` inside a ticked branch: the branch is narrowed to everything else at each level."""
        anchor = next((leaf for leaf in self.selection.effective() if is_under(path, leaf)), ())
        ticked = set(self.selection.ticked) - {anchor}
        for depth in range(len(anchor) + 1, len(path) + 1):
            siblings = self._children_paths(path[: depth - 1])
            if siblings is None:
                self.notify("Load the whole level first (the “… more” line) to untick one of it.", severity="warning")
                return False
            ticked |= {p for p in siblings if p != path[:depth]}
        if not any(is_under(p, anchor) and p != anchor for p in ticked):
            if not anchor:
                self.notify("The scope cannot be empty: tick what to keep instead.", severity="warning")
                return False
            self.selection.toggle(anchor)  # nothing else in that branch: untick it whole
            return True
        self.selection.ticked = ticked
        return True

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
        written = f"described by {data.written}" if data.written else ""
        if data.kind == "column":
            return " · ".join(part for part in (data.detail or "", written) if part)
        parts = [KIND_MARKS[data.kind]] if data.kind in KIND_MARKS else []
        if written:
            parts.append(written)
        if data.child_count is not None and data.kind != "database":
            unit = "columns" if data.kind in ("table", "view", "materialized_view") else "tables"
            parts.append(f"{data.child_count} {unit}")
        if data.filter:
            parts.append(f"filter “{data.filter}” (esc clears)")
        return " · ".join(parts)

    def _changed(self) -> None:
        self.root.refresh()
        self.refresh()
        self.post_message(self.Changed(self, self.selection.scope()))
        self._changes += 1
        if self.target is not None:
            self._count(self._changes, self.target, self.selection.scope())

    @work(thread=True, exclusive=True, group="scope-count", exit_on_error=False)
    def _count(self, generation: int, target: Target, scope: list[str]) -> None:
        from amx_core.catalog.counting import count_scope

        try:
            count: ScopeCount | None = count_scope(self.store_getter(), target.profile, target.database, scope)
        except Exception:  # noqa: BLE001 - the count is a hint; the tree works without it
            count = None
        deliver(self, self.Counted(generation, count))

    def on_scope_tree_counted(self, message: ScopeTree.Counted) -> None:
        if message.generation != self._changes:
            message.stop()
            return
        self.count = message.count

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
        from amx_core.services.descriptions import catalog_children

        try:
            store = self.store_getter()
            page = catalog_children(
                store, target.profile, target.database, path, offset=offset, limit=PAGE_SIZE, live=False
            )
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
        known = {tuple(item.path) for item in data.items}
        data.items.extend(item for item in page.items if tuple(item.path) not in known)
        data.loaded = page.offset + len(page.items)
        data.total = page.total
        self._populate(node, [item for item in page.items if tuple(item.path) not in known])
        if self.target is not None:  # the cache holds this branch now: count again
            self._count(self._changes, self.target, self.selection.scope())

    def _populate(self, node: TreeNode[ScopeNode], fresh: list[CatalogNode] | None = None) -> None:
        """Add the children that match the node's filter (only `fresh` ones, or all again when None)."""
        data = node.data
        if data is None:
            return
        for child in list(node.children):
            if fresh is None or (child.data is not None and child.data.kind == "more"):
                child.remove()
        needle = data.filter.casefold()
        for item in data.items if fresh is None else fresh:
            if needle and needle not in item.name.casefold():
                continue
            kind = item.kind
            child_data = ScopeNode(
                kind, tuple(item.path), detail=item.detail, child_count=item.child_count, written=item.written
            )
            leaf = kind == "column" or item.child_count == 0
            child = node.add(Text(item.name), data=child_data, allow_expand=not leaf)
            if child_data.path in self._expand_wanted:
                child.expand()
        if data.total is not None and data.loaded < data.total:
            more = f"… {data.total - data.loaded:,} more (of {data.total:,}): press space or enter to load {PAGE_SIZE}"
            node.add_leaf(Text(more), data=ScopeNode("more", data.path, offset=data.loaded))
        node.refresh()

    # --- type to filter -------------------------------------------------------------------------------

    def _level(self) -> TreeNode[ScopeNode] | None:
        """The branch whose children the cursor is among (the one being filtered while its children change)."""
        node = self.cursor_node
        parent = node.parent if node is not None and node.data is not None and node.data.kind != "profile" else None
        if self._filtering is not None and (parent is None or parent is self._filtering.parent):
            return self._filtering
        return parent if parent is not None and parent.data is not None and parent.data.kind != "profile" else None

    def filter_level(self, text: str) -> None:
        """Show only the children, at the cursor's level, whose name holds `text` (the loaded ones)."""
        parent = self._level()
        if parent is None or parent.data is None:
            return
        parent.data.filter = text
        self._filtering = parent if text else None
        self._populate(parent)
        self.call_after_refresh(self._cursor_to_first, parent)

    def _cursor_to_first(self, parent: TreeNode[ScopeNode]) -> None:
        self.move_cursor(parent.children[0] if parent.children else parent)

    @property
    def level_filter(self) -> str:
        parent = self._level()
        return parent.data.filter if parent is not None and parent.data is not None else ""

    def on_key(self, event: events.Key) -> None:
        """Printable keys filter the cursor's level; backspace edits the filter, esc clears it."""
        if event.key == "backspace" and self.level_filter:
            self.filter_level(self.level_filter[:-1])
        elif event.key == "escape" and self.level_filter:
            self.filter_level("")
        elif event.is_printable and event.character and event.character != " " and event.key not in ("space",):
            self.filter_level(self.level_filter + event.character)
        else:
            return
        event.stop()
        event.prevent_default()

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

    def action_only_this(self) -> None:
        node = self.cursor_node
        if node is not None and node.data is not None and node.data.kind in TICKABLE:
            self.only(node.data.path)

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
