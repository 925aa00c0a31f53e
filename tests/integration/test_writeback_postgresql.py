"""PostgreSQL write-back: hostile text is written and read back exactly, and no other statement runs."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from analyze_support import HOSTILE

from amx_core.analyze.apply import Destination, PlannedWrite, write_table
from amx_core.engines.postgresql import dollar_tag
from amx_core.scope.targets import Target

pytestmark = pytest.mark.postgres

SETUP = r"""
CREATE SCHEMA "sales.eu";
CREATE TABLE "sales.eu"."order""items" (id int PRIMARY KEY, "note;--" text, qty int);
CREATE VIEW "sales.eu".big_orders AS SELECT id, qty FROM "sales.eu"."order""items" WHERE qty > 10;
CREATE MATERIALIZED VIEW "sales.eu".qty_totals AS SELECT sum(qty) AS total FROM "sales.eu"."order""items";
CREATE TABLE canary (id int);
INSERT INTO canary VALUES (1);
CREATE TABLE ddl_log (id serial, tag text);
CREATE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $f$
BEGIN INSERT INTO ddl_log(tag) SELECT command_tag FROM pg_event_trigger_ddl_commands(); END $f$;
CREATE EVENT TRIGGER log_ddl ON ddl_command_end EXECUTE FUNCTION log_ddl();
"""

TABLE = ("sales.eu", 'order"items')


@pytest.fixture
def pg(pg_url):
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(SETUP)
    yield Destination(store=None, profile_id=0, profile="t", database="", dialect="postgresql", engine=engine)
    engine.dispose()


def _comment(dest: Destination, column: str | None, relation: str = '"sales.eu"."order""items"') -> str | None:
    with dest.engine.connect() as conn:
        if column is None:
            return conn.execute(
                sa.text("SELECT obj_description(CAST(:r AS regclass), 'pg_class')"), {"r": relation}
            ).scalar()
        return conn.execute(
            sa.text(
                "SELECT col_description(CAST(:r AS regclass),"
                " (SELECT attnum FROM pg_attribute WHERE attrelid = CAST(:r AS regclass) AND attname = :c))"
            ),
            {"r": relation, "c": column},
        ).scalar()


def _ddl_log(dest: Destination) -> list[str]:
    with dest.engine.connect() as conn:
        return [row[0] for row in conn.exec_driver_sql("SELECT tag FROM ddl_log ORDER BY id")]


def _canary_intact(dest: Destination) -> bool:
    with dest.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM canary").scalar() == 1


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_round_trips_and_runs_one_statement_each(pg, name):
    text = HOSTILE[name]
    items = [
        PlannedWrite(1, Target(*TABLE), None, text),
        PlannedWrite(2, Target(*TABLE, "note;--"), None, text),
    ]
    outcomes = write_table(pg, items)
    assert [o.state for o in outcomes] == ["applied", "applied"], outcomes
    expected = text.replace("\x00", "")
    assert _comment(pg, None) == expected
    assert _comment(pg, "note;--") == expected
    assert _ddl_log(pg) == ["COMMENT", "COMMENT"]
    assert _canary_intact(pg)
    assert all(o.written == expected for o in outcomes)
    assert ("NUL characters removed",) == outcomes[0].notes if "\x00" in text else outcomes[0].notes == ()


def test_dollar_tag_never_closes_early():
    for text in ["$amx$", "x$amx", "$amx$$amx1$ $amx2", "a$", "$"]:
        tag = dollar_tag(text)
        assert (text + tag).find(tag) == len(text)


def test_views_and_materialized_views_take_their_own_comment_kind(pg):
    view, matview = ("sales.eu", "big_orders"), ("sales.eu", "qty_totals")
    out = write_table(
        pg,
        [
            PlannedWrite(1, Target(*view), None, "Orders over ten items."),
            PlannedWrite(2, Target(*view, "qty"), None, "How many items."),
        ],
    )
    out += write_table(pg, [PlannedWrite(3, Target(*matview), None, "Total items ordered.")])
    assert [o.state for o in out] == ["applied"] * 3
    assert out[0].sql.startswith('COMMENT ON VIEW "sales.eu"."big_orders"')
    assert out[2].sql.startswith("COMMENT ON MATERIALIZED VIEW")
    assert _comment(pg, None, '"sales.eu".big_orders') == "Orders over ten items."
    assert _comment(pg, "qty", '"sales.eu".big_orders') == "How many items."
    assert _comment(pg, None, '"sales.eu".qty_totals') == "Total items ordered."


def test_stale_text_is_not_overwritten_and_old_value_is_kept(pg):
    with pg.engine.begin() as conn:
        conn.exec_driver_sql('COMMENT ON COLUMN "sales.eu"."order""items".qty IS \'A person wrote this.\'')
    stale, fresh = write_table(
        pg,
        [
            PlannedWrite(1, Target(*TABLE, "qty"), None, "AMX text"),
            PlannedWrite(2, Target(*TABLE, "id"), None, "Order line number."),
        ],
    )
    assert stale.state == "stale" and stale.live == "A person wrote this."
    assert _comment(pg, "qty") == "A person wrote this."
    assert fresh.state == "applied" and fresh.live is None
    again = write_table(pg, [PlannedWrite(3, Target(*TABLE, "qty"), "A person wrote this.", "Replacement.")])
    assert again[0].state == "applied" and again[0].live == "A person wrote this."
    assert _comment(pg, "qty") == "Replacement."


def test_a_failing_statement_rolls_back_only_its_savepoint(pg):
    outcomes = write_table(
        pg,
        [
            PlannedWrite(1, Target(*TABLE, "id"), None, "First."),
            PlannedWrite(2, Target(*TABLE, "gone"), None, "Missing column."),
            PlannedWrite(3, Target(*TABLE, "qty"), None, "Third."),
        ],
    )
    assert [o.state for o in outcomes] == ["applied", "apply_failed", "applied"]
    assert "no longer exists" in outcomes[1].error
    assert (_comment(pg, "id"), _comment(pg, "qty")) == ("First.", "Third.")


def test_a_dropped_table_fails_every_item_cleanly(pg):
    outcomes = write_table(pg, [PlannedWrite(1, Target("sales.eu", "nope", "x"), None, "x")])
    assert outcomes[0].state == "apply_failed" and "no longer exists" in outcomes[0].error
