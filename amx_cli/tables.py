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
    cells = [[shown(cell) for cell in row] for row in rows]
    if is_terminal(sys.stdout):
        _rich_table(headers, cells)
    else:
        _plain_table(headers, cells)


def _plain_table(headers: Sequence[str], cells: list[list[str]]) -> None:
    """Columns padded to their widest cell, two spaces apart, trailing blanks trimmed: what scripts split."""
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [headers, *cells]]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def _rich_table(headers: Sequence[str], cells: list[list[str]]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    drawn = Table(*headers, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for row in cells:
        drawn.add_row(*(Text(cell) for cell in row))  # Text: a cell's brackets are never read as markup
    Console(highlight=False).print(drawn)
