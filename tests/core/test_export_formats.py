"""The export formats from a document built in the test: Markdown escaping and order, dbt quoting, JSON shape."""

from __future__ import annotations

import json

from ruamel.yaml import YAML

from amx_core.export.dbt import merge_dbt, render_dbt
from amx_core.export.document import ColumnDoc, DatabaseDoc, TableDoc
from amx_core.export.markdown import render_markdown


def _doc() -> DatabaseDoc:
    hostile = "pipes | in | text\nsecond line\r\nthird <b>bold</b>"
    columns = (
        ColumnDoc("id", "integer", False, True, None, None, "Surrogate key.", "amx", 3),
        ColumnDoc("a|b", "text", True, False, "public.other.id", None, hostile, "person", None),
        ColumnDoc("yes", "text", True, False, None, None, None, None, None),
    )
    return DatabaseDoc(
        profile="db",
        database="shop",
        dialect="postgresql",
        engine="PostgreSQL",
        scope=(),
        tables=(
            TableDoc("public", "orders", "table", "# One order per row.", "reviewed", 2, columns),
            TableDoc("public", "Empty", "view", None, None, None, ()),
        ),
    )


def test_markdown_escapes_pipes_and_line_breaks_and_keeps_order():
    page = render_markdown(_doc())
    lines = page.splitlines()
    assert lines[0] == "# Data dictionary: shop"
    assert "2 tables, 3 columns, 3 described." in lines[2]
    assert lines.index("## public.orders") < lines.index("## public.Empty (view)")
    assert "\\# One order per row." in lines  # never a heading
    row = next(line for line in lines if line.startswith("| a\\|b"))
    assert row == (
        "| a\\|b | text | yes | FK → public.other.id | "
        "pipes \\| in \\| text<br>second line<br>third &lt;b&gt;bold&lt;/b&gt; |"
    )
    assert row.count(" | ") == 4  # five cells: no pipe of the text splits one
    assert "| id | integer | no | PK | Surrogate key. |" in lines
    assert "_No description._" in lines


def test_dbt_quotes_names_yaml_would_misread_and_flags_identifiers_to_quote():
    text = render_dbt(_doc())
    data = YAML(typ="safe", pure=True)
    data.version = (1, 1)  # as dbt reads it (PyYAML)
    loaded = data.load(text)
    table = loaded["sources"][0]["tables"][0]
    assert [c["name"] for c in table["columns"]] == ["id", "a|b", "yes"]
    assert table["columns"][1]["quote"] is True and "quote" not in table["columns"][0]
    assert table["columns"][1]["description"] == _doc().tables[0].columns[1].description
    assert loaded["sources"][0]["tables"][1]["quoting"] == {"identifier": True}  # "Empty" folds in PostgreSQL


def test_merge_adds_what_is_missing_and_keeps_what_is_there():
    existing = "version: 2\nsources:\n  - name: public\n    tables:\n      - name: orders\n        description: Ours.\n"
    merged, counts = merge_dbt(existing, _doc())
    assert counts.to_json() == {"added": 2, "replaced": 0, "kept": 1}
    assert "description: Ours." in merged
    merged, counts = merge_dbt(existing, _doc(), overwrite=True)
    assert counts.replaced == 1 and "Ours." not in merged


def test_json_document_shape():
    data = json.loads(json.dumps(_doc().to_json()))
    assert list(data) == ["profile", "database", "engine", "scope", "schemas"]
    column = data["schemas"][0]["tables"][0]["columns"][0]
    assert column == {
        "name": "id",
        "type": "integer",
        "nullable": False,
        "primary_key": True,
        "references": None,
        "default": None,
        "description": "Surrogate key.",
        "written_by": "amx",
        "run": 3,
    }
