"""The app's tables: textual-fastdatatable's DataTable over a keyed backend (rows addressed by key, diffed on
every refresh, formatted only when drawn).

The DataTable draws, scrolls, moves the cursor and handles the mouse; `KeyedBackend` serves it the rows the
screen set by key, formatted on demand and cached per row; `KeyedTable` keeps the cursor on its key across
refreshes and sorts, sorts by header click or `o`/`O`, sizes columns by their content and drops columns by
priority when narrow. Textual's own DataTable needs 1-2.5 s to show 10,000 rows; this one ~0.2 s
(bench/tui.py).
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
from textual.message import Message
from textual.strip import Strip
from textual_fastdatatable import DataTable, DataTableBackend
from textual_fastdatatable.column import Column as TableColumn

Row = TypeVar("Row")  # what one row shows (a view; the table only reads it through `cells` and `sort_value`)

PADDING = 1
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


class KeyedBackend(DataTableBackend[list[str]]):
    """What the DataTable reads: the table's rows in their shown order, the shown columns, cells formatted on
    demand (the table caches them per row). It never changes the data itself: the table does, by key."""

    def __init__(self, table: KeyedTable[Any]) -> None:  # noqa: D107 - the base's signature does not fit a view
        self._render_markup = False
        self.table = table
        self.data = []

    @classmethod
    def from_pydict(cls, data: Any, max_rows: int | None = None, column_names: Sequence[str] | None = None) -> Any:
        raise NotImplementedError("a KeyedBackend is made by its KeyedTable")

    @property
    def source_data(self) -> list[str]:
        return self.table._keys

    @property
    def source_row_count(self) -> int:
        return len(self.table._keys)

    @property
    def row_count(self) -> int:
        return len(self.table._keys)

    @property
    def columns(self) -> Sequence[str]:
        return [self.table.columns[i].label for i in self.table._shown]

    @property
    def column_content_widths(self) -> Sequence[int]:
        return [self.table._widths[i] for i in self.table._shown]

    def get_row_at(self, index: int) -> Sequence[Any]:
        cells = self.table._cells_of(self.table._keys[index])
        return [cells[i] for i in self.table._shown]

    def get_column_at(self, index: int) -> Sequence[Any]:
        column = self.table._shown[index]
        return [self.table._cells_of(key)[column] for key in self.table._keys]

    def get_cell_at(self, row_index: int, column_index: int) -> Any:
        return self.table._cells_of(self.table._keys[row_index])[self.table._shown[column_index]]

    def append_column(self, label: str, default: Any | None = None) -> int:
        raise NotImplementedError("columns are the table's")

    def append_rows(self, records: Any) -> list[int]:
        if list(records):
            raise NotImplementedError("rows are set by key (KeyedTable.set_rows)")
        return []  # DataTable.add_rows([]): how the table says "the rows changed, measure again"

    def drop_row(self, row_index: int) -> None:
        raise NotImplementedError("rows are set by key (KeyedTable.set_rows)")

    def update_cell(self, row_index: int, column_index: int, value: Any) -> None:
        raise NotImplementedError("rows are set by key (KeyedTable.set_rows)")

    def sort(self, by: Any) -> None:
        """Nothing to do: the table sorts its keys itself (DataTable.sort() then only redraws)."""


class KeyedTable(Generic[Row], DataTable, inherit_bindings=False):
    """Rows of cells addressed by key; subclasses say what a row shows (`cells`, `inks`, `sort_value`)."""

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {"keyed-table--sorted", "keyed-table--empty"}
    INK_PREFIX = "keyed-table"  # component classes `<prefix>--<ink>` colour the cells `inks` names

    DEFAULT_CSS = """
    KeyedTable {
        background: $surface;
        height: 1fr;
        max-height: 100%;
        & > .datatable--header { background: $panel; color: $text-accent; text-style: bold; }
        & > .datatable--even-row { background: $surface; }
        & > .datatable--odd-row { background: $surface-lighten-1; }
        & > .datatable--cursor { background: $block-cursor-blurred-background; text-style: bold; }
        & > .datatable--hover { background: $block-hover-background; }
        & > .datatable--header-hover { background: $panel-lighten-1; }
        & > .keyed-table--sorted { color: $text-primary; text-style: bold underline; }
        & > .keyed-table--empty { color: $text-muted; text-style: italic; }
        &:focus > .datatable--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    # DataTable's own keys minus the ones the screens use (enter, tab, ctrl+c) and the cell/range cursor's
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "scroll_home", "First row", show=False),
        Binding("end,ctrl+end", "scroll_end", "Last row", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
    ]

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
        self._natural: list[int] = [cell_len(c.label) + 2 for c in self.columns]
        self._widths: list[int] = [c.width or c.min_width for c in self.columns]
        self._shown: list[int] = list(range(len(self.columns)))
        self._inks: dict[str, Style] = {}
        self._formatted = 0  # rows formatted so far (tests and the bench read it)
        super().__init__(
            backend=KeyedBackend(self),
            column_labels=[c.label for c in self.columns],
            column_widths=list(self._widths),
            show_row_labels=False,
            zebra_stripes=True,
            cursor_type="row",
            cursor_foreground_priority="css",
            cursor_background_priority="css",
            render_markup=False,
            name=name,
            id=id,
            classes=classes,
        )

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
        shown = set(self._shown)
        return {
            c.key: (w if i in shown else 0) for i, (c, w) in enumerate(zip(self.columns, self._widths, strict=True))
        }

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
        self.move_cursor(row=index)
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
        if not diff.untouched:
            self._show(new_keys)
        return diff

    # --- sorting ------------------------------------------------------------------------------------

    def sort_by(self, column: str | None, descending: bool = False) -> None:
        """Sort by `column` (None: the order the rows were given in); the cursor keeps its row."""
        if column is not None and not self.columns[self.column_index(column)].sortable:
            return
        self.sort_column, self.sort_descending = column, descending
        self._label_columns()
        self._show(self._ordered_keys())
        self.post_message(self.Sorted(self, column, descending))

    def cycle_sort(self) -> None:
        """The next shown, sortable column (ascending); after the last one, the given order again."""
        candidates = [self.columns[i].key for i in self._shown if self.columns[i].sortable]
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

    def _show(self, keys: list[str]) -> None:
        """Show `keys` in this order: measure, lay out, tell the DataTable, put the cursor back on its key."""
        cursor_key = self.cursor_key
        screen_line = self.cursor_row - round(self.scroll_offset.y)
        self._keys = keys
        self._index = {key: i for i, key in enumerate(keys)}
        self._measure_all()
        self._lay_out()
        self.add_rows([])  # DataTable: the rows changed (drop its caches, size again)
        self._restore_cursor(cursor_key, screen_line)

    # --- measuring and layout -------------------------------------------------------------------------

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

    def _lay_out(self) -> None:
        """Widths for the room there is; the DataTable gets the shown columns at those widths."""
        available = self.scrollable_content_region.width or self.size.width or 80
        widths = column_widths(self.columns, self._natural, available)
        shown = [i for i, w in enumerate(widths) if w]
        if widths == self._widths and shown == self._shown:
            return
        self._widths, self._shown = widths, shown
        self._label_columns()

    def _label_columns(self) -> None:
        """The DataTable's columns: the shown ones, at their widths, the sorted one marked."""
        try:
            sorted_style = self.get_component_rich_style("keyed-table--sorted")
        except (KeyError, AttributeError):  # styles not applied yet: notify_style_update labels again
            sorted_style = Style(bold=True, underline=True)
        columns = []
        for i in self._shown:
            column = self.columns[i]
            label = Text(column.label, no_wrap=True, end="", overflow="ellipsis")
            if column.key == self.sort_column:
                label.append(SORT_MARKS[self.sort_descending])
                label.stylize(sorted_style)
            columns.append(TableColumn(label, self._widths[i], content_width=self._widths[i]))
        self.ordered_columns[:] = columns  # the DataTable's own list, in place
        self._clear_caches()
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        if self._lay_out_changed():
            self.add_rows([])

    def _lay_out_changed(self) -> bool:
        before = (list(self._widths), list(self._shown))
        self._lay_out()
        return before != (self._widths, self._shown)

    def on_mount(self) -> None:
        self._lay_out()

    # --- cursor -------------------------------------------------------------------------------------

    def _restore_cursor(self, key: str | None, screen_line: int) -> None:
        index = self._index.get(key) if key is not None else None
        before = self.cursor_row
        row = max(0, min(before, len(self._keys) - 1)) if index is None else index
        self.move_cursor(row=row)
        if index is not None:
            self.scroll_to(y=max(0, index - max(0, screen_line)), animate=False, immediate=True)
        if row == before:  # the DataTable says nothing when the row index stays; the key under it may not have
            self.post_message(self.RowHighlighted(self, self.cursor_key))

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        """The DataTable's index, as the key of that row."""
        message.stop()
        self.post_message(self.RowHighlighted(self, self.cursor_key))

    # --- mouse --------------------------------------------------------------------------------------

    def on_data_table_header_selected(self, message: DataTable.HeaderSelected) -> None:
        message.stop()
        if 0 <= message.column_index < len(self._shown):
            self.click_header(self.columns[self._shown[message.column_index]].key)

    def on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        row, column = meta.get("row"), meta.get("column")
        if row is None or column is None or row < 0 or not 0 <= column < len(self._shown):
            return
        if row < len(self._keys):
            self.post_message(
                self.CellClicked(self, self._keys[row], self.columns[self._shown[column]].key, event.chain >= 2)
            )

    # --- rendering ----------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cells.clear()
        self._inks.clear()
        self._label_columns()

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
        row = [Text(text, no_wrap=True, end="", overflow="ellipsis") for text in texts]
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

    def render_line(self, y: int) -> Strip:
        if y == 1 and not self._keys:
            width = self.scrollable_content_region.width
            style = self.rich_style + self.get_component_rich_style("keyed-table--empty")
            text = Text(f"  {self.empty_text}", no_wrap=True, end="")
            text.truncate(width, pad=True)
            text.stylize_before(style)
            return Strip(list(text.render(self.app.console)), width)
        return super().render_line(y)
