"""dbt properties files (`version: 2`, `sources:` one per schema, tables and columns with `description`),
written and merged with ruamel.yaml so a merged file keeps its comments, key order and everything AMX
does not write.

dbt reads these files as YAML 1.1 (PyYAML), where `on`, `yes`, `null`, `0x1F` or `1:30` are not text, so
every name and description that either YAML version would read as anything but the same text is
double-quoted. A table or column whose name the database would fold or that is not a plain identifier
gets dbt's quoting switch (`quoting: {identifier: true}`, `quote: true`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from amx_core.errors import ValidationError
from amx_core.export.document import ColumnDoc, DatabaseDoc, TableDoc

_PLAIN = {"postgresql": re.compile(r"[a-z_][a-z0-9_$]*"), "duckdb": re.compile(r"[a-z_][a-z0-9_]*")}
_PLAIN_DEFAULT = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _yaml(version: tuple[int, int] | None = None, *, typ: str = "rt"):
    from ruamel.yaml import YAML

    yaml = YAML(typ=typ)
    if version is not None:
        yaml.version = version
    yaml.width = 4096  # never fold a description
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    return yaml


def _reads_back(text: str, version: tuple[int, int]) -> bool:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.version = version
    try:
        return yaml.load(text) == text
    except Exception:  # noqa: BLE001 - anything that does not even parse needs quotes
        return False


def scalar(text: str):
    """`text` as a YAML scalar that every YAML version reads back as this very text."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    plain = text == text.strip() and "\n" not in text and "\r" not in text
    if plain and _reads_back(text, (1, 1)) and _reads_back(text, (1, 2)):
        return text
    return DoubleQuotedScalarString(text)


def _needs_quoting(name: str, dialect: str) -> bool:
    return not _PLAIN.get(dialect, _PLAIN_DEFAULT).fullmatch(name)


def _column(column: ColumnDoc, dialect: str):
    from ruamel.yaml.comments import CommentedMap

    item = CommentedMap(name=scalar(column.name))
    if _needs_quoting(column.name, dialect):
        item["quote"] = True
    if column.description:
        item["description"] = scalar(column.description)
    return item


def _table(table: TableDoc, dialect: str):
    from ruamel.yaml.comments import CommentedMap

    item = CommentedMap(name=scalar(table.name))
    if table.description:
        item["description"] = scalar(table.description)
    if _needs_quoting(table.name, dialect):
        item["quoting"] = CommentedMap(identifier=True)
    item["columns"] = [_column(c, dialect) for c in table.columns]
    return item


def _source(schema: str, doc: DatabaseDoc):
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap(
        name=scalar(schema),
        schema=scalar(schema),
        tables=[_table(t, doc.dialect) for t in doc.tables if t.schema == schema],
    )


def _dump(data) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def render_dbt(doc: DatabaseDoc) -> str:
    """A new properties file holding the scope: one source per schema."""
    from ruamel.yaml.comments import CommentedMap

    return _dump(CommentedMap(version=2, sources=[_source(schema, doc) for schema in doc.schemas]))


@dataclass
class MergeCounts:
    """What a merge did with the descriptions AMX has: added where there was none, replaced (--overwrite), kept."""

    added: int = 0
    replaced: int = 0
    kept: int = 0

    def to_json(self) -> dict[str, int]:
        return {"added": self.added, "replaced": self.replaced, "kept": self.kept}


def _find(items, name: str, *keys: str):
    """The entry of a list of mappings whose `name` (or one of `keys`) is `name`; case-insensitive as a fallback."""
    if not isinstance(items, list):
        return None
    mappings = [i for i in items if isinstance(i, dict)]
    for fold in (False, True):
        for item in mappings:
            for key in ("name", *keys):
                value = item.get(key)
                if isinstance(value, str) and (value == name or (fold and value.lower() == name.lower())):
                    return item
    return None


def _describe(entry, text: str | None, overwrite: bool, counts: MergeCounts) -> None:
    if not text:
        return
    existing = entry.get("description")
    if isinstance(existing, str) and existing.strip():
        if not overwrite or existing == text:
            counts.kept += 1
            return
        counts.replaced += 1
    else:
        counts.added += 1
    entry["description"] = scalar(text)


def _list(entry, key: str) -> list:
    if not isinstance(entry.get(key), list):
        entry[key] = []
    return entry[key]


def _merge_table(tables: list, table: TableDoc, dialect: str, overwrite: bool, counts: MergeCounts) -> None:
    entry = _find(tables, table.name, "identifier")
    if entry is None:
        entry = _table(table, dialect)
        tables.append(entry)
        counts.added += sum(1 for c in table.columns if c.description) + (1 if table.description else 0)
        return
    _describe(entry, table.description, overwrite, counts)
    columns = _list(entry, "columns")
    for column in table.columns:
        found = _find(columns, column.name)
        if found is None:
            columns.append(_column(column, dialect))
            counts.added += 1 if column.description else 0
        else:
            _describe(found, column.description, overwrite, counts)


def merge_dbt(text: str, doc: DatabaseDoc, *, overwrite: bool = False) -> tuple[str, MergeCounts]:
    """`text` (an existing properties file) with AMX's descriptions merged in: a description already there is
    kept unless `overwrite`; tables, columns and sources it lacks are added; nothing else changes."""
    try:
        data: Any = _yaml().load(text)
    except Exception as exc:  # noqa: BLE001 - any YAML error is the file's fault
        raise ValidationError("merge", f"the file is not YAML: {' '.join(str(exc).split())[:200]}") from None
    if not isinstance(data, dict) or data.get("version") != 2:
        raise ValidationError("merge", "not a dbt properties file (it needs `version: 2` at the top)")
    counts = MergeCounts()
    sources = _list(data, "sources")
    for schema in doc.schemas:
        source = _find(sources, schema, "schema")
        if source is None:
            source = _source(schema, doc)
            sources.append(source)
            tables = [t for t in doc.tables if t.schema == schema]
            counts.added += sum(1 for t in tables if t.description)
            counts.added += sum(1 for t in tables for c in t.columns if c.description)
            continue
        tables_list = _list(source, "tables")
        for table in (t for t in doc.tables if t.schema == schema):
            _merge_table(tables_list, table, doc.dialect, overwrite, counts)
    return _dump(data), counts
