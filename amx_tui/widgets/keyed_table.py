"""A keyed, virtual table: rows addressed by key, diffed on every refresh, only visible lines rendered.

It offers what users of a DataTable expect (sort by any column from the header or a key, widths that follow
the content, columns dropped by priority when narrow, copy of the highlighted row) while keeping the keyed
model: update a row by key, the cursor follows its key across refreshes and sorts. textual-fastdatatable
renders every visible cell through Rich after each data change, which put the list's chip toggle over its
150 ms target (bench/tui.py); this table draws a row as one line and only when it changed.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Row = TypeVar("Row")  # what one row shows (a view; the table only reads it through `cells` and `sort_value`)

PADDING = 1
STRIP_CACHE_LIMIT = 400
SORT_MARKS = {False: " ▲", True: " ▼"}


@dataclass(frozen=True)
class Column:
    """A column whose width follows its content: at least `min_width`, at most `max_width` (None: no cap).

    `width` fixes it instead. Room left over goes to the columns with `grow` (by that share); when the table
    is too narrow for every minimum, columns with a `drop_order` are hidden, lowest first.
    """

    key: str
    label: str
    min_width: int = 4
    max_width: int | None = None
    width: int | None = None
    grow: int = 0
    drop_order: int | None = None
    sortable: bool = True
    comfort: int | None = None  # a column that stays asks for this much (None: its content) before others drop


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


def _span(width: int) -> int:
    return width + 2 * PADDING if width else 0


def column_widths(columns: Sequence[Column], natural: Sequence[int], available: int) -> list[int]:
    """Content widths (padding excluded; 0 = hidden) for `natural` content widths in `available` cells.

    Each column wants its content (within its bounds). Droppable columns go (lowest `drop_order` first) until
    the others fit at their content's width and the droppable ones left at their minimum; then, if still too
    wide, the widest columns give way first (never below their minimum).
    """
    low = [c.width if c.width is not None else c.min_width for c in columns]
    want = [
        c.width if c.width is not None else max(c.min_width, min(n, c.max_width if c.max_width is not None else n))
        for c, n in zip(columns, natural, strict=True)
    ]
    shown = list(range(len(columns)))
    droppable = sorted(
        (i for i, c in enumerate(columns) if c.drop_order is not None), key=lambda i: columns[i].drop_order or 0
    )
    # the columns that always stay get their content's width before a droppable one gets even its minimum
    needed = [
        low[i] if c.drop_order is not None else min(want[i], max(low[i], c.comfort or want[i]))
        for i, c in enumerate(columns)
    ]
    while droppable and sum(_span(needed[i]) for i in shown) > available:
        shown.remove(droppable.pop(0))
    widths = [want[i] if i in shown else 0 for i in range(len(columns))]
    excess = sum(_span(widths[i]) for i in shown) - available
    while excess > 0:
        room = [i for i in shown if widths[i] > low[i]]
        if not room:
            break
        widest = max(room, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    growers = [i for i in shown if columns[i].grow and columns[i].width is None]
    if excess < 0 and growers:
        spare, total = -excess, sum(columns[i].grow for i in growers)
        for i in growers:
            widths[i] += spare * columns[i].grow // total
        widths[growers[-1]] += spare - sum(spare * columns[i].grow // total for i in growers)
    return widths


def _widths(texts: Sequence[str]) -> tuple[int, ...]:
    """Cells each text takes (a row of plain ASCII, the usual case: their lengths, without asking Rich)."""
    if "".join(texts).isascii():
        return tuple(map(len, texts))
    return tuple(map(cell_len, texts))


def _sortable(value: Any) -> tuple[bool, Any]:
    """None sorts last in either direction's natural reading (`(True, …)` after every real value)."""
    return (value is None, value if value is not None else 0)


class KeyedTable(Generic[Row], ScrollView, can_focus=True):
    """Rows of cells addressed by key; subclasses say what a row shows (`cells`, `inks`, `sort_value`)."""

    COMPONENT_CLASSES = {
        "keyed-table--header",
        "keyed-table--sorted",
        "keyed-table--cursor",
        "keyed-table--hover",
        "keyed-table--odd",
        "keyed-table--empty",
    }
    INK_PREFIX = "keyed-table"  # component classes `<prefix>--<ink>` colour the cells `inks` names

    DEFAULT_CSS = """
    KeyedTable {
        background: $surface;
        height: 1fr;
        & > .keyed-table--header { background: $panel; color: $text-accent; text-style: bold; }
        & > .keyed-table--sorted { background: $panel; color: $text-primary; text-style: bold underline; }
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

    class Sorted(Message):
        """The sort changed: by column `column` (None: the order the rows were given in)."""

        def __init__(self, table: KeyedTable, column: str | None, descending: bool) -> None:
            super().__init__()
            self.table = table
            self.column = column
            self.descending = descending

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
        self.sort_column: str | None = None
        self.sort_descending = False
        self._given: list[tuple[str, Row]] = []  # rows in the order the caller gave them
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._objects: dict[str, Row] = {}
        self._versions: dict[str, int] = {}
        self._cells: dict[str, tuple[int, tuple[Text, ...]]] = {}
        self._measures: dict[str, tuple[Row, tuple[int, ...]]] = {}  # key -> (the object measured, cell widths)
        self._natural: list[int] = [0] * len(self.columns)
        self._strips: dict[tuple[object, ...], Strip] = {}
        self._inks: dict[str, Style] = {}
        self._widths: list[int] = []
        self._formatted = 0  # rows formatted so far (tests and the bench read it)

    # --- what subclasses provide ------------------------------------------------------------------

    def cells(self, key: str, obj: Row) -> Sequence[str]:
        """The plain text of each cell, in column order (never markup): drawn, measured, searched, copied."""
        return tuple(str(obj) for _ in self.columns)

    def inks(self, key: str, obj: Row) -> Sequence[str | None] | None:
        """Per cell, the name of a component class (`<INK_PREFIX>--<name>`) that colours it, or None."""
        return None

    def sort_value(self, column: str, key: str, obj: Row) -> Hashable:
        """What a column sorts by (default: its text, case-folded); times and counts sort by their value."""
        index = self.column_index(column)
        return self.cells(key, obj)[index].casefold()

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

    @property
    def widths(self) -> dict[str, int]:
        """Each column's content width as last laid out (0 = hidden)."""
        return {c.key: w for c, w in zip(self.columns, self._widths, strict=True)} if self._widths else {}

    def column_index(self, column: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == column)

    def row(self, key: str) -> Row:
        return self._objects[key]

    def row_text(self, key: str) -> str:
        return " | ".join(self.cells(key, self._objects[key]))

    def move_to_key(self, key: str) -> bool:
        index = self._index.get(key)
        if index is None:
            return False
        self.cursor_row = index
        return True

    def set_rows(self, rows: Sequence[tuple[str, Row]]) -> TableDiff:
        """Replace the rows by key: new keys are added, missing ones removed, changed objects redrawn.

        The rows are shown in the given order unless a sort is on. The cursor stays on its key (and at the
        same height on screen) when that key survives.
        """
        old_keys, old_objects = self._keys, self._objects
        new_objects = dict(rows)
        if len(new_objects) != len(rows):
            raise ValueError("duplicate row keys")
        self._given = list(rows)
        new_keys = self._ordered_keys()
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
        self._objects = new_objects
        self._show(new_keys, clear=bool(diff.reordered or removed))
        if not diff.untouched:
            self.refresh()
        return diff

    # --- sorting ------------------------------------------------------------------------------------

    def sort_by(self, column: str | None, descending: bool = False) -> None:
        """Sort by `column` (None: the order the rows were given in); the cursor keeps its row."""
        if column is not None and not self.columns[self.column_index(column)].sortable:
            return
        self.sort_column, self.sort_descending = column, descending
        self._show(self._ordered_keys(), clear=True)
        self.refresh()
        self.post_message(self.Sorted(self, column, descending))

    def cycle_sort(self) -> None:
        """The next shown, sortable column (ascending); after the last one, the given order again."""
        candidates = [
            c.key
            for c, w in zip(self.columns, self._widths or [1] * len(self.columns), strict=True)
            if w and c.sortable
        ]
        if self.sort_column not in candidates:
            self.sort_by(candidates[0] if candidates else None)
            return
        position = candidates.index(self.sort_column)
        self.sort_by(candidates[position + 1] if position + 1 < len(candidates) else None)

    def reverse_sort(self) -> None:
        if self.sort_column is None:
            self.cycle_sort()
        else:
            self.sort_by(self.sort_column, not self.sort_descending)

    def click_header(self, column: str) -> None:
        """A header click: sort by it, then the other way, then back to the given order."""
        if self.sort_column != column:
            self.sort_by(column)
        elif not self.sort_descending:
            self.sort_by(column, True)
        else:
            self.sort_by(None)

    def _ordered_keys(self) -> list[str]:
        column = self.sort_column
        if column is None:
            return [key for key, _ in self._given]

        def value(row: tuple[str, Row]) -> Any:
            return _sortable(self.sort_value(column, row[0], row[1]))

        return [key for key, _ in sorted(self._given, key=value, reverse=self.sort_descending)]

    def _show(self, keys: list[str], *, clear: bool) -> None:
        cursor_key = self.cursor_key
        screen_line = self.cursor_row - round(self.scroll_offset.y)
        self._keys = keys
        self._index = {key: i for i, key in enumerate(keys)}
        if clear or len(self._strips) > STRIP_CACHE_LIMIT:
            self._strips.clear()
        self._measure_all()
        self._update_virtual_size()
        self._restore_cursor(cursor_key, screen_line)

    # --- measuring ----------------------------------------------------------------------------------

    def _measure_all(self) -> None:
        """Each column's widest cell (label and sort mark included) over the rows shown.

        A row is measured once per object: rows that leave (a filter) and come back are not measured again.
        """
        measures, objects = self._measures, self._objects
        for key in self._keys:
            obj = objects[key]
            cached = measures.get(key)
            if cached is None or cached[0] is not obj:
                measures[key] = (obj, _widths(self.cells(key, obj)))
        labels = [cell_len(c.label) + 2 for c in self.columns]
        if self._keys:
            widest = [max(column) for column in zip(*(measures[k][1] for k in self._keys), strict=True)]
            self._natural = [max(a, b) for a, b in zip(labels, widest, strict=True)]
        else:
            self._natural = labels

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
        column = self._column_at(offset.x + round(self.scroll_offset.x))
        if offset.y == 0:
            if column is not None:
                self.click_header(column)
            return
        index = self._row_at(offset.y)
        if index is None:
            return
        self.cursor_row = index
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
        self._inks.clear()

    def _update_virtual_size(self) -> None:
        available = self.scrollable_content_region.width or self.size.width
        widths = column_widths(self.columns, self._natural, available)
        if widths != self._widths:
            self._widths = widths
            self._strips.clear()
        total = sum(_span(w) for w in widths)
        self.virtual_size = Size(total, len(self._keys) + 1)

    def ink(self, name: str) -> Style:
        """A component's colour and text style without its background (rows keep their zebra and cursor)."""
        style = self._inks.get(name)
        if style is None:
            full = self.get_component_rich_style(f"{self.INK_PREFIX}--{name}")
            style = self._inks[name] = Style(color=full.color, bold=full.bold, italic=full.italic)
        return style

    def format_row(self, key: str, obj: Row) -> Sequence[Text]:
        """The cells of one row as Text: `cells` coloured by `inks` (user text is never markup)."""
        texts = self.cells(key, obj)
        inks = self.inks(key, obj)
        row = [Text(text, no_wrap=True, end="") for text in texts]
        if inks is not None:
            for cell, ink in zip(row, inks, strict=True):
                if ink is not None:
                    cell.stylize(self.ink(ink))
        return row

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
        key = ("header", tuple(self._widths), self.sort_column, self.sort_descending)
        strip = self._strips.get(key)
        if strip is None:
            sorted_style = self.get_component_rich_style("keyed-table--sorted")
            labels = []
            for column in self.columns:
                label = Text(column.label, no_wrap=True, end="")
                if column.key == self.sort_column:
                    label.append(SORT_MARKS[self.sort_descending])
                    label.stylize(sorted_style)
                labels.append(label)
            strip = self._line(labels, self.get_component_rich_style("keyed-table--header"))
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
