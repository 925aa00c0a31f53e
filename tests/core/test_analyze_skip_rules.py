"""The missing-only decision per object, and what counts as a structure change."""

from __future__ import annotations

from dataclasses import replace

import pytest

from amx_core.analyze.incremental import ASK, decide
from amx_core.analyze.marks import Mark, text_hash
from amx_core.analyze.structure import column_fingerprint, table_fingerprint
from amx_core.catalog.views import ResolvedColumn, ResolvedTable

AMX = "Written by AMX."
COLUMNS = (
    ResolvedColumn("id", 1, "INTEGER", False, None, True, None, None),
    ResolvedColumn("artist_id", 2, "INTEGER", False, None, False, "main.artist.id", None),
    ResolvedColumn("title", 3, "VARCHAR(160)", True, None, False, None, "a comment"),
)
TABLE = ResolvedTable("main", "album", "table", None, COLUMNS)


def _mark(structure: str | None = "fp", reviewed: bool = False, text: str = AMX) -> Mark:
    return Mark(text_hash(text), structure, reviewed)


@pytest.mark.parametrize(
    "label,current,mark,waiting,expected",
    [
        ("no text", None, None, False, ASK),
        ("no text, AMX wrote once", None, _mark(), False, ASK),
        ("a person's text", "A person's words.", None, False, "skipped_described"),
        ("a person changed AMX's text", "A person's words.", _mark(), False, "skipped_described"),
        (
            "AMX's text a person accepted, structure changed",
            AMX,
            _mark("old", reviewed=True),
            False,
            "skipped_described",
        ),
        ("AMX's text, unchanged", AMX, _mark(), False, "skipped_unchanged"),
        ("AMX's text from before fingerprints", AMX, _mark(None), False, "skipped_unchanged"),
        ("AMX's text, structure changed", AMX, _mark("old"), False, ASK),
        ("waiting for review, no text", None, None, True, "skipped_pending"),
        ("waiting for review, structure changed", AMX, _mark("old"), True, "skipped_pending"),
    ],
)
def test_decide(label, current, mark, waiting, expected):
    path = "main.album.title"
    assert decide(path, current, mark, "fp", frozenset({path} if waiting else ())) == expected, label


def test_a_tables_structure_ignores_its_plain_columns_and_comments_but_not_its_keys_or_references():
    base = table_fingerprint(TABLE)
    added = ResolvedColumn("label", 4, "TEXT", True, None, False, None, None)
    assert table_fingerprint(replace(TABLE, columns=COLUMNS + (added,))) == base
    assert table_fingerprint(replace(TABLE, comment="now described")) == base
    retyped = (COLUMNS[0], COLUMNS[1], COLUMNS[2]._replace(type="TEXT"))
    assert table_fingerprint(replace(TABLE, columns=retyped)) == base
    rekeyed = (COLUMNS[0]._replace(primary_key=False), COLUMNS[1]._replace(primary_key=True), COLUMNS[2])
    assert table_fingerprint(replace(TABLE, columns=rekeyed)) != base
    repointed = (COLUMNS[0], COLUMNS[1]._replace(fk_target="main.label.id"), COLUMNS[2])
    assert table_fingerprint(replace(TABLE, columns=repointed)) != base
    assert table_fingerprint(replace(TABLE, name="albums")) != base


def test_a_columns_structure_is_name_type_nullability_key_and_reference():
    title = COLUMNS[2]
    base = column_fingerprint(title)
    assert column_fingerprint(title._replace(comment=None, position=9, default="'x'")) == base
    assert column_fingerprint(title._replace(type="varchar(160)")) == base  # the same type, spelled in lower case
    for changed in (
        title._replace(name="name"),
        title._replace(type="VARCHAR(200)"),
        title._replace(nullable=False),
        title._replace(primary_key=True),
        title._replace(fk_target="main.x.id"),
    ):
        assert column_fingerprint(changed) != base, changed
