"""MariaDB write-back: hostile text round-trips (within MySQL's limits), only the comment changes, one ALTER runs."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from analyze_support import HOSTILE

from amx_core.analyze.apply import Destination, PlannedWrite, write_table
from amx_core.engines.comments import ELLIPSIS
from amx_core.engines.mysql_comments import column_line, without_comments
from amx_core.scope.targets import Target

pytestmark = pytest.mark.mariadb

TABLE_SQL = r"""
CREATE TABLE `odd``table` (
  id int unsigned NOT NULL AUTO_INCREMENT,
  name varchar(50) CHARACTER SET latin1 COLLATE latin1_german1_ci NOT NULL DEFAULT 'a''b\\c' COMMENT 'old',
  updated timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  touched datetime(3) NULL DEFAULT NULL ON UPDATE current_timestamp(3),
  doubled int GENERATED ALWAYS AS (id * 2) VIRTUAL,
  label varchar(60) AS (concat(name, 'x')) STORED,
  hidden int DEFAULT 5 INVISIBLE,
  doc json,
  mood enum('a','b''c') NOT NULL DEFAULT 'a',
  padded int(5) unsigned zerofill DEFAULT NULL,
  price decimal(10,2) DEFAULT 1.50,
  flags bit(3) DEFAULT b'101',
  body blob,
  computed int DEFAULT (1 + 1),
  positive int CHECK (positive > 0),
  `note;--` text,
  PRIMARY KEY (id),
  KEY by_name (name)
) ENGINE=InnoDB AUTO_INCREMENT=7 COMMENT='first'
"""
COLUMNS = [
    "id",
    "name",
    "updated",
    "touched",
    "doubled",
    "label",
    "hidden",
    "doc",
    "mood",
    "padded",
    "price",
    "flags",
    "body",
    "computed",
    "positive",
    "note;--",
]
STATUS = (
    "Com_alter_table",
    "Com_drop_table",
    "Com_create_table",
    "Com_insert",
    "Com_update",
    "Com_delete",
    "Com_truncate",
)


@pytest.fixture
def my(mysql_url):
    engine = sa.create_engine(mysql_url + "?charset=utf8mb4")
    with engine.begin() as conn:
        conn.exec_driver_sql(TABLE_SQL)
        conn.exec_driver_sql("CREATE TABLE canary (id int)")
        conn.exec_driver_sql("INSERT INTO canary VALUES (1)")
        conn.exec_driver_sql("CREATE VIEW v_names AS SELECT id, name FROM `odd``table`")
    schema = sa.engine.make_url(mysql_url).database
    yield Destination(store=None, profile_id=0, profile="t", database=schema, dialect="mysql", engine=engine), schema
    engine.dispose()


def _show_create(dest: Destination, table: str = "`odd``table`") -> str:
    with dest.engine.connect() as conn:
        return conn.exec_driver_sql(f"SHOW CREATE TABLE {table}").one()[1]


def _comments(dest: Destination, schema: str) -> tuple[str, dict[str, str]]:
    with dest.engine.connect() as conn:
        table = conn.execute(
            sa.text(
                "SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA=:s AND TABLE_NAME='odd`table'"
            ),
            {"s": schema},
        ).scalar()
        cols = dict(
            conn.execute(
                sa.text(
                    "SELECT COLUMN_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS"
                    " WHERE TABLE_SCHEMA=:s AND TABLE_NAME='odd`table'"
                ),
                {"s": schema},
            ).all()
        )
    return table, cols


def _expected(text: str, limit: int) -> str:
    cleaned = "".join(ch for ch in text.replace("\x00", "") if ord(ch) <= 0xFFFF)
    if len(cleaned) <= limit:
        return cleaned
    return None  # truncated: checked separately


def _canary(dest: Destination) -> int:
    with dest.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM canary").scalar()


def test_every_column_keeps_its_definition_and_takes_only_the_comment(my):
    dest, schema = my
    before = _show_create(dest)
    items = [
        PlannedWrite(i, Target(schema, "odd`table", c), "old" if c == "name" else None, f'About {c}: it\'s "{c}".')
        for i, c in enumerate(COLUMNS, 1)
    ]
    outcomes = write_table(dest, items)
    assert [o.state for o in outcomes] == ["applied"] * len(COLUMNS), [o.error for o in outcomes]
    after = _show_create(dest)
    assert without_comments(after) == without_comments(before)
    assert after != before
    _table, cols = _comments(dest, schema)
    assert cols == {c: f'About {c}: it\'s "{c}".' for c in COLUMNS}
    assert "ALGORITHM=INSTANT" in outcomes[0].sql
    assert "DEFAULT current_timestamp() ON UPDATE current_timestamp()" in column_line(after, "updated")
    assert "GENERATED ALWAYS AS (`id` * 2) VIRTUAL" in column_line(after, "doubled")
    assert "INVISIBLE" in column_line(after, "hidden")
    assert "CHECK (json_valid(`doc`))" in column_line(after, "doc")
    assert "CHARACTER SET latin1 COLLATE latin1_german1_ci NOT NULL DEFAULT 'a''b\\\\c'" in column_line(after, "name")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_round_trips_with_one_alter_and_nothing_else(my, name):
    dest, schema = my
    text = HOSTILE[name]
    before = _show_create(dest)
    with dest.engine.connect() as conn:
        start = dict(conn.exec_driver_sql(f"SHOW SESSION STATUS WHERE Variable_name IN {STATUS}").all())
        from amx_core.engines.mysql_comments import MySqlWriter

        writer = MySqlWriter(conn)
        table_t, col_t = Target(schema, "odd`table"), Target(schema, "odd`table", "note;--")
        writer.write(col_t, "table", writer.prepare(col_t, text).text)
        writer.write(table_t, "table", writer.prepare(table_t, text).text)
        end = dict(conn.exec_driver_sql(f"SHOW SESSION STATUS WHERE Variable_name IN {STATUS}").all())
    ran = {k: int(end[k]) - int(start[k]) for k in STATUS}
    assert ran == {**{k: 0 for k in STATUS}, "Com_alter_table": 2}
    assert _canary(dest) == 1
    assert without_comments(_show_create(dest)) == without_comments(before)
    table, cols = _comments(dest, schema)
    for got, limit in ((cols["note;--"], 1024), (table, 2048)):
        expected = _expected(text, limit)
        if expected is None:
            assert len(got) <= limit and got.endswith(ELLIPSIS) and text.startswith(got[:-1].rstrip())
        else:
            assert got == expected


def test_writes_through_the_apply_path_report_what_changed(my):
    dest, schema = my
    long_text = HOSTILE["long"]
    out = write_table(dest, [PlannedWrite(1, Target(schema, "odd`table", "body"), None, long_text + "\U0001f600\x00")])
    assert out[0].state == "applied"
    assert len(out[0].written) <= 1024 and out[0].written.endswith(ELLIPSIS)
    assert any("NUL" in n for n in out[0].notes) and any("emoji" in n for n in out[0].notes)
    assert any("truncated" in n for n in out[0].notes)


def test_views_go_to_the_local_catalog_path(my, store):
    dest, schema = my
    dest.store = store
    from amx_core.analyze.local_comments import read_local

    out = write_table(dest, [PlannedWrite(1, Target(schema, "v_names", "name"), None, "Name of the row.")])
    assert out[0].state == "applied" and out[0].sql.startswith("-- AMX local catalog")
    assert read_local(store, 0, schema) == {f"{schema}.v_names.name": "Name of the row."}


def test_stale_and_missing_targets_write_nothing(my):
    dest, schema = my
    before = _show_create(dest)
    out = write_table(
        dest,
        [
            PlannedWrite(1, Target(schema, "odd`table", "name"), None, "AMX text"),  # a person wrote 'old'
            PlannedWrite(2, Target(schema, "odd`table", "gone"), None, "x"),
        ],
    )
    assert [o.state for o in out] == ["stale", "apply_failed"]
    assert out[0].live == "old"
    assert _show_create(dest) == before


def test_a_definition_that_drifts_is_restored_and_reported(my, monkeypatch):
    dest, schema = my
    from amx_core.engines import mysql_comments

    before = _show_create(dest)
    real = mysql_comments.column_definition

    def drifting(row, check, column, *, mariadb):
        definition, after = real(row, check, column, mariadb=mariadb)
        return definition.replace("varchar(50)", "varchar(60)"), after  # an instant change InnoDB accepts

    monkeypatch.setattr(mysql_comments, "column_definition", drifting)
    [out] = write_table(dest, [PlannedWrite(1, Target(schema, "odd`table", "name"), "old", "New text.")])
    assert out.state == "apply_failed" and "restored" in out.error
    assert _show_create(dest) == before


def test_a_copy_is_refused_for_big_tables(my, monkeypatch):
    dest, schema = my
    from amx_core.engines import mysql_comments

    monkeypatch.setattr(mysql_comments, "COPY_LIMIT_BYTES", -1)
    before = _show_create(dest)
    [out] = write_table(dest, [PlannedWrite(1, Target(schema, "odd`table", "label"), None, "Label.")])
    assert out.state == "apply_failed" and "copying the table" in out.error
    assert _show_create(dest) == before
