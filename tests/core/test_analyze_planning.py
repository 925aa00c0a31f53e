"""Planning, the auto policy, text fitting and the MySQL DDL helpers: the pure parts of the analyze run."""

from __future__ import annotations

import pytest

from amx_core.analyze.planning import plan_tables
from amx_core.analyze.policy import AUTO_MIN_CONFIDENCE, auto_verdict
from amx_core.analyze.targets import fk_tables, same_text
from amx_core.engines.comments import ELLIPSIS, strip_astral, strip_nul, truncate
from amx_core.engines.mysql_comments import column_definition, column_line, string_literal, without_comments
from amx_core.scope.targets import Target

S = "public"


def k(name: str) -> tuple[str, str]:
    return (S, name)


def test_parents_come_first_and_ties_go_by_name():
    plan = plan_tables(
        {
            k("track"): [k("album"), k("genre"), k("media_type")],
            k("album"): [k("artist")],
            k("artist"): [],
            k("genre"): [],
            k("media_type"): [],
            k("invoice_line"): [k("track"), k("invoice"), k("outside")],
            k("invoice"): [k("customer")],
            k("customer"): [k("employee")],
            k("employee"): [k("employee")],  # self reference
        }
    )
    order = [name for _, name in plan.order]
    for child, parent in [
        ("track", "album"),
        ("album", "artist"),
        ("invoice_line", "track"),
        ("invoice", "customer"),
        ("customer", "employee"),
    ]:
        assert order.index(parent) < order.index(child)
    assert order[:4] == ["artist", "employee", "genre", "media_type"]
    assert plan.parents[k("invoice_line")] == (k("invoice"), k("track"))
    assert plan.parents[k("employee")] == ()
    assert plan.ready(set(), set()) == [k("artist"), k("employee"), k("genre"), k("media_type")]
    assert plan.ready({k("artist")}, {k("artist")}) == [k("employee"), k("genre"), k("media_type"), k("album")]


def test_a_cycle_is_broken_once_and_every_table_is_planned():
    plan = plan_tables({k("a"): [k("b")], k("b"): [k("c")], k("c"): [k("a")], k("d"): [k("a")]})
    assert sorted(plan.order) == [k("a"), k("b"), k("c"), k("d")]
    assert plan.order[0] == k("a")
    assert plan.parents[k("a")] == ()  # the broken edge is dropped
    assert plan.parents[k("c")] == (k("a"),) and plan.parents[k("b")] == (k("c"),) and plan.parents[k("d")] == (k("a"),)


def test_fk_targets_and_paths():
    assert fk_tables("public.album.album_id", S) == [k("album")]
    assert fk_tables('"my.s".t.c, public.u.id', S) == [("my.s", "t"), k("u")]
    assert fk_tables("album.album_id", "main") == [("main", "album")]
    assert fk_tables(None, S) == []
    assert Target("my.s", "t", 'c"d').path == '"my.s".t."c""d"'
    assert Target.parse('"my.s".t."c""d"') == Target("my.s", "t", 'c"d')
    assert same_text(None, "") and same_text("a\x00b", "ab") and not same_text("a", "b")


@pytest.mark.parametrize(
    "review, confidence, flags, current, amx, applies",
    [
        ("auto", 0.7, (), None, False, True),
        ("auto", 0.7, (), "AMX wrote this", True, True),
        ("auto", 0.95, (), "A person wrote this", False, False),
        ("auto", AUTO_MIN_CONFIDENCE - 0.01, (), None, False, False),
        ("auto", 0.9, ("url",), None, False, False),
        ("manual", 0.99, (), None, False, False),
    ],
)
def test_auto_policy(review, confidence, flags, current, amx, applies):
    verdict = auto_verdict(review, confidence=confidence, flags=flags, current=current, amx_written=amx)
    assert verdict.apply is applies and verdict.reason


def test_text_is_fitted_cleanly():
    assert strip_nul("a\x00b") == ("ab", ("NUL characters removed",))
    assert strip_astral("ok \U0001f600 \u2705")[0] == "ok  \u2705"
    cut, notes = truncate("word " * 300, 1024)
    assert len(cut) <= 1024 and cut.endswith(ELLIPSIS) and "truncated" in notes[0]
    assert truncate("short", 10) == ("short", ())
    assert len(truncate("x" * 3000, 2048)[0]) == 2048


def test_mysql_literals_and_comment_stripping():
    assert string_literal("it's \\ a\nb\x00") == "'it''s \\\\ a\\nb\\0'"
    assert string_literal("it's \\", backslash_escapes=False) == "'it''s \\'"
    ddl = (
        "CREATE TABLE `t` (\n  `a` int(11) DEFAULT 'x COMMENT ''y''' COMMENT 'it''s \\' COMMENT',\n"
        "  `COMMENT` text COMMENT 'c'\n) ENGINE=InnoDB AUTO_INCREMENT=9 COMMENT='tbl'"
    )
    stripped = without_comments(ddl)
    assert stripped == (
        "CREATE TABLE `t` (\n  `a` int(11) DEFAULT 'x COMMENT ''y''',\n  `COMMENT` text\n) ENGINE=InnoDB"
    )
    assert column_line(ddl, "COMMENT") == "`COMMENT` text COMMENT 'c'"


def test_mysql_column_definitions_restate_everything():
    row = {
        "COLUMN_TYPE": "timestamp",
        "DATA_TYPE": "timestamp",
        "IS_NULLABLE": "NO",
        "COLUMN_DEFAULT": "current_timestamp()",
        "EXTRA": "on update current_timestamp()",
        "CHARACTER_SET_NAME": None,
        "COLLATION_NAME": None,
        "GENERATION_EXPRESSION": None,
    }
    assert column_definition(row, None, "u", mariadb=True) == (
        "timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()",
        "",
    )
    generated = {
        **row,
        "COLUMN_TYPE": "int(11)",
        "IS_NULLABLE": "YES",
        "COLUMN_DEFAULT": None,
        "EXTRA": "VIRTUAL GENERATED",
        "GENERATION_EXPRESSION": "`id` * 2",
    }
    assert column_definition(generated, None, "g", mariadb=True)[0] == "int(11) GENERATED ALWAYS AS (`id` * 2) VIRTUAL"
    mysql8 = {
        **row,
        "COLUMN_TYPE": "varchar(5)",
        "DATA_TYPE": "varchar",
        "COLUMN_DEFAULT": "it's",
        "EXTRA": "",
        "CHARACTER_SET_NAME": "utf8mb4",
        "COLLATION_NAME": "utf8mb4_0900_ai_ci",
    }
    assert column_definition(mysql8, None, "v", mariadb=False)[0] == (
        "varchar(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci NOT NULL DEFAULT 'it''s'"
    )
    json_col = {
        **mysql8,
        "COLUMN_TYPE": "longtext",
        "DATA_TYPE": "longtext",
        "IS_NULLABLE": "YES",
        "COLUMN_DEFAULT": "NULL",
    }
    assert column_definition(json_col, "json_valid(`j`)", "j", mariadb=True) == ("json NULL DEFAULT NULL", "")
    checked = {**generated, "EXTRA": "", "COLUMN_DEFAULT": "NULL", "GENERATION_EXPRESSION": None}
    assert column_definition(checked, "`c` > 0", "c", mariadb=True) == ("int(11) NULL DEFAULT NULL", " CHECK (`c` > 0)")
