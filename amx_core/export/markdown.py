"""The Markdown data dictionary: one page per database, tables in order, each with its description and a
table of its columns (type, nullability, key, description)."""

from __future__ import annotations

import re

from amx_core.export.document import DatabaseDoc, TableDoc
from amx_core.text import shown
from amx_core.wording import counted

_NEWLINES = re.compile(r"\r\n|\r|\n")
_BLOCK_START = re.compile(r"^(\s*)([#>*+-]|\d+[.)])")
HEAD = ("Column", "Type", "Nullable", "Key", "Description")


def inline(text: str | None) -> str:
    """Text for one line of Markdown (a table cell): `|`, `\\`, `<`, `>` escaped, line breaks as <br>, other
    control characters shown as their escapes (never raw)."""
    if not text:
        return ""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return shown(_NEWLINES.sub("<br>", escaped))


def paragraph(text: str) -> str:
    """A description as one paragraph: escaped like a cell, and never read as a heading, list or quote."""
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), inline(text), count=1)


def _row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(table: TableDoc) -> list[str]:
    kind = "" if table.kind == "table" else f" ({table.kind.replace('_', ' ')})"
    lines = [f"## {inline(table.schema)}.{inline(table.name)}{kind}", ""]
    lines += [paragraph(table.description) if table.description else "_No description._", ""]
    if not table.columns:
        return lines
    lines += [_row(HEAD), _row(["---"] * len(HEAD))]
    lines += [
        _row(
            [
                inline(c.name),
                inline(c.type),
                "yes" if c.nullable else "no",
                inline(c.key),
                inline(c.description),
            ]
        )
        for c in table.columns
    ]
    return [*lines, ""]


def render_markdown(doc: DatabaseDoc) -> str:
    """The page for one database."""
    counts = doc.counts()
    lines = [
        f"# Data dictionary: {inline(doc.shown_database)}",
        "",
        f"{doc.engine} database `{doc.shown_database}` (AMX profile `{doc.profile}`): "
        f"{counted(counts['tables'], 'table')}, {counted(counts['columns'], 'column')}, "
        f"{counts['described']} described.",
        "",
    ]
    for table in doc.tables:
        lines += _table(table)
    return "\n".join(lines).rstrip("\n") + "\n"
