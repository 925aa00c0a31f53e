"""A keyed, virtual table: rows addressed by key, diffed on every refresh, only visible lines rendered.

Textual's DataTable measures every cell of every new row and costs about 2 s for 10,000 rows
(see bench/tui.py); this table keeps DataTable's keyed-row model (update a row by key, cursor
follows its key across refreshes) but formats a row only when it is first drawn or has changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Row = TypeVar("Row")  # what one row shows (a view; the table never looks inside)

PADDING = 1
STRIP_CACHE_LIMIT = 400


@dataclass(frozen=True)
class Column:
    """A column: fixed `width` in cells, or flexible (width None) sharing the rest by `ratio`.

    When the table is too narrow, columns with a `drop_order` are hidden, lowest first.
    """

    key: str
    label: str
    width: int | None = None
    min_width: int = 8
    ratio: int = 1
    drop_order: int | None = None


@dataclass(frozen=True)
class TableDiff:
    """What one `set_rows` changed, by row key."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    reordered: bool

    @property
    def untouched(self) -> bool:
        return not (self.added or self.removed or self.changed or self.reordered)


def _needed(columns: Sequence[Column]) -> int:
    return sum((c.width if c.width is not None else c.min_width) + 2 * PADDING for c in columns)


def column_widths(columns: Sequence[Column], available: int) -> list[int]:
    """Content widths (padding excluded; 0 = hidden): fixed as given, flexible ones share what is left."""
    shown = list(columns)
    droppable = sorted((c for c in columns if c.drop_order is not None), key=lambda c: c.drop_order or 0)
    while droppable and _needed(shown) > available:
        shown.remove(droppable.pop(0))
    fixed = sum(c.width + 2 * PADDING for c in shown if c.width is not None)
    flexible = [c for c in shown if c.width is None]
    spare = available - fixed - 2 * PADDING * len(flexible)
    total_ratio = sum(c.ratio for c in flexible) or 1
    widths: list[int] = []
    for column in columns:
        if column not in shown:
            widths.append(0)
        elif column.width is not None:
            widths.append(column.width)
        else:
            widths.append(max(column.min_width, spare * column.ratio // total_ratio))
    _give_back(columns, widths, sum(widths[i] for i, c in enumerate(columns) if c.width is None) - spare)
    return widths


def _give_back(columns: Sequence[Column], widths: list[int], excess: int) -> None:
    """Narrow the widest flexible columns (never below their minimum) when raising one to its minimum overflowed."""
    while excess > 0:
        room = [i for i, c in enumerate(columns) if c.width is None and widths[i] > c.min_width]
        if not room:
            return
        widest = max(room, key=lambda i: widths[i] - columns[i].min_width)
        widths[widest] -= 1
        excess -= 1


def _span(width: int) -> int:
    return width + 2 * PADDING if width else 0


class KeyedTable(Generic[Row], ScrollView, can_focus=True):
    """Rows of cells addressed by key; subclasses say how an object becomes cells (`format_row`)."""

    COMPONENT_CLASSES = {
        "keyed-table--header",
        "keyed-table--cursor",
        "keyed-table--hover",
        "keyed-table--odd",
        "keyed-table--empty",
    }

    DEFAULT_CSS = """
    KeyedTable {
        background: $surface;
        height: 1fr;
        & > .keyed-table--header { background: $panel; color: $text-accent; text-style: bold; }
        & > .keyed-table--cursor { background: $block-cursor-blurred-background; text-style: bold; }
        & > .keyed-table--hover { background: $block-hover-background; }
        & > .keyed-table--odd { background: $surface-lighten-1; }
        & > .keyed-table--empty { color: $text-muted; text-style: italic; }
        &:focus > .keyed-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first_row", "First row", show=False),
        Binding("end", "last_row", "Last row", show=False),
    ]

    cursor_row: reactive[int] = reactive(0)
    hover_row: reactive[int] = reactive(-1)

    class RowHighlighted(Message):
        """The cursor moved to the row `key` (None when the table is empty)."""

        def __init__(self, table: KeyedTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> KeyedTable:
            return self.table

    class CellClicked(Message):
        """A mouse click on the cell of row `key` in column `column` (`double` for a double click)."""

        def __init__(self, table: KeyedTable, key: str, column: str, double: bool = False) -> None:
            super().__init__()
            self.table = table
            self.key = key
            self.column = column
            self.double = double

        @property
        def control(self) -> KeyedTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        empty_text: str = "Nothing to show",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: tuple[Column, ...] = tuple(columns)
        self.empty_text = empty_text
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._objects: dict[str, Row] = {}
        self._versions: dict[str, int] = {}
        self._cells: dict[str, tuple[int, tuple[Text, ...]]] = {}
        self._strips: dict[tuple[object, ...], Strip] = {}
        self._widths: list[int] = []
        self._formatted = 0  # rows formatted so far (tests and the bench read it)

    # --- what subclasses provide ------------------------------------------------------------------

    def format_row(self, key: str, obj: Row) -> Sequence[Text]:
        """The cells of one row, in column order (override)."""
        return tuple(Text(str(obj)) for _ in self.columns)

    # --- public API -------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._keys)

    @property
    def cursor_key(self) -> str | None:
        if 0 <= self.cursor_row < len(self._keys):
            return self._keys[self.cursor_row]
        return None

    @property
    def formatted_rows(self) -> int:
        return self._formatted

    def row_text(self, key: str) -> str:
        return " | ".join(cell.plain for cell in self._cells_of(key))

    def move_to_key(self, key: str) -> bool:
        index = self._index.get(key)
        if index is None:
            return False
        self.cursor_row = index
        return True

    def set_rows(self, rows: Sequence[tuple[str, Row]]) -> TableDiff:
        """Replace the rows by key: new keys are added, missing ones removed, changed objects redrawn.

        The cursor stays on its key (and at the same height on screen) when that key survives.
        """
        old_keys, old_objects = self._keys, self._objects
        cursor_key = self.cursor_key
        screen_line = self.cursor_row - round(self.scroll_offset.y)
        new_keys = [key for key, _ in rows]
        new_objects = dict(rows)
        if len(new_objects) != len(new_keys):
            raise ValueError("duplicate row keys")
        added = tuple(k for k in new_keys if k not in old_objects)
        removed = tuple(k for k in old_keys if k not in new_objects)
        changed = tuple(
            k
            for k in new_keys
            if k in old_objects and old_objects[k] is not new_objects[k] and old_objects[k] != new_objects[k]
        )
        for key in removed:
            self._versions.pop(key, None)
            self._cells.pop(key, None)
        for key in changed:
            self._versions[key] = self._versions.get(key, 0) + 1
        survivors_old = [k for k in old_keys if k in new_objects]
        survivors_new = [k for k in new_keys if k in old_objects]
        diff = TableDiff(added, removed, changed, survivors_old != survivors_new)
        self._keys = new_keys
        self._objects = new_objects
        self._index = {key: i for i, key in enumerate(new_keys)}
        if len(self._strips) > STRIP_CACHE_LIMIT or diff.reordered or removed:
            self._strips.clear()
        self._update_virtual_size()
        self._restore_cursor(cursor_key, screen_line)
        if not diff.untouched:
            self.refresh()
        return diff

    # --- cursor -------------------------------------------------------------------------------------

    def _restore_cursor(self, key: str | None, screen_line: int) -> None:
        index = self._index.get(key) if key is not None else None
        if index is None:
            self.cursor_row = max(0, min(self.cursor_row, len(self._keys) - 1))
            self.post_message(self.RowHighlighted(self, self.cursor_key))
            return
        self.set_reactive(KeyedTable.cursor_row, index)
        self.scroll_to(y=max(0, index - max(0, screen_line)), animate=False, immediate=True)
        self.refresh()

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._keys) - 1)) if self._keys else 0

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.RowHighlighted(self, self.cursor_key))

    def watch_hover_row(self) -> None:
        self.refresh()

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + self._page:
            self.scroll_to(y=self.cursor_row - self._page + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._page

    def action_page_down(self) -> None:
        self.cursor_row += self._page

    def action_first_row(self) -> None:
        self.cursor_row = 0

    def action_last_row(self) -> None:
        self.cursor_row = len(self._keys) - 1

    # --- mouse --------------------------------------------------------------------------------------

    def _row_at(self, y: int) -> int | None:
        if y < 1:
            return None
        index = round(self.scroll_offset.y) + y - 1
        return index if 0 <= index < len(self._keys) else None

    def _column_at(self, x: int) -> str | None:
        if not self._widths:  # not laid out yet
            return None
        edge = 0
        for column, width in zip(self.columns, self._widths, strict=True):
            edge += _span(width)
            if width and x < edge:
                return column.key
        return None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self._row_at(offset.y)
        if index is None:
            return
        self.cursor_row = index
        column = self._column_at(offset.x + round(self.scroll_offset.x))
        if column is not None:
            self.post_message(self.CellClicked(self, self._keys[index], column, event.chain >= 2))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self)
        index = None if offset is None else self._row_at(offset.y)
        self.hover_row = -1 if index is None else index

    def on_leave(self, _event: events.Leave) -> None:
        self.hover_row = -1

    # --- layout and rendering -----------------------------------------------------------------------

    def on_resize(self, _event: events.Resize) -> None:
        self._update_virtual_size()

    def on_focus(self, _event: events.Focus) -> None:
        self._strips.clear()
        self.refresh()

    def on_blur(self, _event: events.Blur) -> None:
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._cells.clear()

    def _update_virtual_size(self) -> None:
        available = self.scrollable_content_region.width or self.size.width
        widths = column_widths(self.columns, available)
        if widths != self._widths:
            self._widths = widths
            self._strips.clear()
        total = sum(_span(w) for w in widths)
        self.virtual_size = Size(total, len(self._keys) + 1)

    def _cells_of(self, key: str) -> tuple[Text, ...]:
        version = self._versions.get(key, 0)
        cached = self._cells.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        cells = tuple(self.format_row(key, self._objects[key]))
        self._formatted += 1
        self._cells[key] = (version, cells)
        return cells

    def _line(self, cells: Sequence[Text], style: Style) -> Strip:
        line = Text(no_wrap=True, end="")
        pad = " " * PADDING
        for cell, width in zip(cells, self._widths, strict=True):
            if not width:
                continue
            piece = cell.copy()
            piece.truncate(width, overflow="ellipsis", pad=True)
            line.append(pad)
            line.append_text(piece)
            line.append(pad)
        line.stylize_before(style)  # the row's style under the cells' own (Text.render ignores Text.style)
        segments = list(line.render(self.app.console))
        return Strip(segments, sum(_span(w) for w in self._widths))

    def _header_strip(self) -> Strip:
        key = ("header", tuple(self._widths))
        strip = self._strips.get(key)
        if strip is None:
            style = self.get_component_rich_style("keyed-table--header")
            strip = self._line([Text(c.label) for c in self.columns], style)
            self._strips[key] = strip
        return strip

    def _row_style(self, index: int) -> tuple[str, Style]:
        if index == self.cursor_row:
            return "cursor", self.rich_style + self.get_component_rich_style("keyed-table--cursor")
        if index == self.hover_row:
            return "hover", self.rich_style + self.get_component_rich_style("keyed-table--hover")
        if index % 2:
            return "odd", self.rich_style + self.get_component_rich_style("keyed-table--odd")
        return "even", self.rich_style

    def _row_strip(self, index: int) -> Strip:
        key = self._keys[index]
        state, style = self._row_style(index)
        cache_key = (key, self._versions.get(key, 0), state, tuple(self._widths), self.has_focus)
        strip = self._strips.get(cache_key)
        if strip is None:
            cells = self._cells_of(key)
            if state == "cursor":
                cells = tuple(Text(cell.plain, no_wrap=True) for cell in cells)
            strip = self._line(cells, style)
            if len(self._strips) >= STRIP_CACHE_LIMIT:  # scrolling through thousands of rows stays bounded
                self._strips.clear()
            self._strips[cache_key] = strip
        return strip

    def _empty_strip(self, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("keyed-table--empty")
        text = Text(f"  {self.empty_text}", no_wrap=True, end="")
        text.truncate(width, pad=True)
        text.stylize_before(style)
        return Strip(list(text.render(self.app.console)), width)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = round(self.scroll_offset.x), round(self.scroll_offset.y)
        if not self._widths:
            self._update_virtual_size()
        if y == 0:
            strip = self._header_strip()
        elif not self._keys:
            return self._empty_strip(width) if y == 1 else Strip.blank(width, self.rich_style)
        else:
            index = scroll_y + y - 1
            if index >= len(self._keys):
                return Strip.blank(width, self.rich_style)
            strip = self._row_strip(index)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)
