"""The local catalog's batched writes: a table's texts go in with a few statements, and when the store refuses
any of them nothing of the batch is kept and each text is written on its own, so one refusal costs only itself."""

from __future__ import annotations

import sqlalchemy as sa
from analyze_support import add_profiles
from chinook import execute_sql

from amx_core.analyze.apply import PlannedWrite, open_destination, write_table
from amx_core.analyze.descriptions import read_live
from amx_core.scope.targets import Target

REFUSED = "the store refuses this text"


def _setup(store, tmp_path) -> dict[str, Target]:
    url = f"sqlite:///{tmp_path / 'src.db'}"
    execute_sql(url, "CREATE TABLE notes (id integer PRIMARY KEY, a text, b text, c text)")
    add_profiles(store, url)
    return {name: Target("main", "notes", name) for name in ("a", "b", "c")} | {"": Target("main", "notes")}


def _refuse(store, text: str) -> None:
    """A trigger in the store itself refuses `text` (as a full disk or a constraint would: a real DBAPI error)."""
    with store.engine.begin() as conn:
        for event in ("INSERT", "UPDATE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER refuse_{event.lower()} BEFORE {event} ON local_comment "
                f"WHEN NEW.text = '{text}' BEGIN SELECT RAISE(ABORT, 'refused by the store'); END"
            )


def test_a_tables_texts_are_written_together_and_read_back(store, tmp_path):
    targets = _setup(store, tmp_path)
    texts = {targets[""]: "Notes.", targets["a"]: "First.", targets["b"]: "Second.", targets["c"]: "Third."}
    with open_destination(store, "db", None) as dest:
        outcomes = write_table(dest, [PlannedWrite(i, t, None, text) for i, (t, text) in enumerate(texts.items())])
    assert [(o.suggestion_id, o.state) for o in outcomes] == [
        (0, "applied"),
        (1, "applied"),
        (2, "applied"),
        (3, "applied"),
    ]
    assert read_live(store, "db", None, list(texts)) == {t.path: text for t, text in texts.items()}
    # a second batch updates one, removes one ("" is a revert to nothing), leaves one stale
    later = [
        PlannedWrite(10, targets["a"], "First.", "First, again."),
        PlannedWrite(11, targets["b"], "Second.", ""),
        PlannedWrite(12, targets["c"], "Something else.", "Never written."),
    ]
    with open_destination(store, "db", None) as dest:
        outcomes = write_table(dest, later)
    assert [(o.suggestion_id, o.state, o.live) for o in outcomes] == [
        (10, "applied", "First."),
        (11, "applied", "Second."),
        (12, "stale", "Third."),
    ]
    assert read_live(store, "db", None, [targets["a"], targets["b"], targets["c"]]) == {
        targets["a"].path: "First, again.",
        targets["b"].path: None,
        targets["c"].path: "Third.",
    }


def test_one_refused_text_costs_only_itself(store, tmp_path):
    targets = _setup(store, tmp_path)
    _refuse(store, REFUSED)
    items = [
        PlannedWrite(1, targets["a"], None, "Kept."),
        PlannedWrite(2, targets["b"], None, REFUSED),
        PlannedWrite(3, targets["c"], None, "Kept too."),
    ]
    with open_destination(store, "db", None) as dest:
        outcomes = write_table(dest, items)
    assert [(o.suggestion_id, o.state) for o in outcomes] == [(1, "applied"), (2, "apply_failed"), (3, "applied")]
    assert "refused by the store" in (outcomes[1].error or "")
    assert read_live(store, "db", None, [targets["a"], targets["b"], targets["c"]]) == {
        targets["a"].path: "Kept.",
        targets["b"].path: None,
        targets["c"].path: "Kept too.",
    }
    with store.engine.connect() as conn:  # nothing of the failed batch was left behind twice
        count = conn.execute(sa.text("SELECT count(*) FROM local_comment")).scalar()
    assert count == 2


def test_a_text_that_reads_back_different_is_not_kept(store, tmp_path):
    targets = _setup(store, tmp_path)
    with store.engine.begin() as conn:  # the store changes one text as it is written
        conn.exec_driver_sql(
            "CREATE TRIGGER garble AFTER INSERT ON local_comment WHEN NEW.text = 'Garbled.' "
            "BEGIN UPDATE local_comment SET text = 'Something else.' WHERE id = NEW.id; END"
        )
    items = [PlannedWrite(1, targets["a"], None, "Kept."), PlannedWrite(2, targets["b"], None, "Garbled.")]
    with open_destination(store, "db", None) as dest:
        outcomes = write_table(dest, items)
    assert [(o.suggestion_id, o.state) for o in outcomes] == [(1, "applied"), (2, "apply_failed")]
    assert "read back differs" in (outcomes[1].error or "")
    assert read_live(store, "db", None, [targets["a"], targets["b"]]) == {
        targets["a"].path: "Kept.",
        targets["b"].path: None,
    }
