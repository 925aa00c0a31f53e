"""The one table renderer: a rich table on a terminal, aligned plain columns to a pipe (stable for scripts)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

from amx_cli.output import is_terminal
from amx_core.text import shown


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """`rows` under `headers` on stdout, each cell's control characters shown escaped; rich is imported only
    when stdout is a terminal."""
    cells = [_shown_row(row) for row in rows]
    if is_terminal(sys.stdout):
        _rich_table(headers, cells)
    else:
        _plain_table(headers, cells)


def _shown_row(row: Sequence[Any]) -> tuple[str, ...]:
    """A row's cells as text, control characters shown escaped (checked for the whole row at once)."""
    if None not in row:
        texts = tuple(map(str, row))
        if "".join(texts).isprintable():
            return texts
    return tuple(shown(cell) for cell in row)


def _plain_table(headers: Sequence[str], cells: list[tuple[str, ...]]) -> None:
    """Columns padded to their widest cell, two spaces apart, trailing blanks trimmed: what scripts split."""
    rows = [tuple(headers), *cells]
    widths = [max(map(len, column)) for column in zip(*rows, strict=True)]  # a row of another length raises
    line = "  ".join(f"%-{width}s" for width in widths)  # each cell left-aligned in its column
    sys.stdout.write("".join((line % row).rstrip() + "\n" for row in rows))
    sys.stdout.flush()


def _rich_table(headers: Sequence[str], cells: list[tuple[str, ...]]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    drawn = Table(*headers, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for row in cells:
        drawn.add_row(*(Text(cell) for cell in row))  # Text: a cell's brackets are never read as markup
    Console(highlight=False).print(drawn)
