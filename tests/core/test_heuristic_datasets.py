"""The heuristic on whole databases (Chinook, the demo shop): meaning only, never what the profiler saw.

Every proposal of a real analyze run is grepped against the profile of what it describes
(computed here independently, in `raw` mode so every sampled value counts): no sampled
value, no profile number. The Chinook output is pinned in tests/core/golden/heuristic_chinook.txt,
which was read whole, as a person reads a catalog, before it was kept. Regenerate it only on purpose:

    AMX_REGEN_GOLDEN=1 .venv/bin/pytest -q -p no:cacheprovider tests/core/test_heuristic_datasets.py

then read the diff before keeping it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import sqlalchemy as sa
from analyze_support import add_profiles, make_schedule, start_run
from chinook import TABLE_COUNT, copy_sqlite

from amx_core.analyze.executor import run_analyze
from amx_core.analyze.profiling import ProfileSettings, profile_table
from amx_core.demo.workspace import build_demo_database
from amx_core.llm.names import split_words
from amx_core.services.review import list_suggestions

GOLDEN = Path(__file__).parent / "golden" / "heuristic_chinook.txt"
REGEN = os.environ.get("AMX_REGEN_GOLDEN") == "1"
SCHEMA = "main"


def _profiles(url: str) -> dict[str, dict[str, dict]]:
    """table -> column -> statistics of its first 1,000 rows, raw (unmasked) so every value counts."""
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        names = inspector.get_table_names() + inspector.get_view_names()
        with engine.connect() as conn:
            return {
                table: profile_table(
                    conn,
                    None,
                    table,
                    [(c["name"], str(c["type"])) for c in inspector.get_columns(table)],
                    ProfileSettings(sample_mode="raw"),
                ).stats
                for table in names
            }
    finally:
        engine.dispose()


def _numbers(stats: dict) -> set[float]:
    found: set[float] = set()
    for key in ("min", "max", "distinct_count", "sample_rows", "min_length", "max_length"):
        value = stats.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            found.add(float(value))
    found.update(float(v) for v in stats.get("top_values") or () if isinstance(v, (int, float)))
    ratio = stats.get("null_ratio")
    if isinstance(ratio, float):
        found.add(float(round(ratio * 100)))
    return found


def _values(stats: dict) -> set[str]:
    values = [stats.get("min"), stats.get("max"), *(stats.get("top_values") or ())]
    return {str(v) for v in values if v is not None and not isinstance(v, (int, float)) and len(str(v)) >= 2}


def _leaks(text: str, stats: dict, schema_words: set[str]) -> list[str]:
    """What of the profile `text` repeats: numbers (as written or with separators) and sampled values."""
    said = {float(t.replace(",", "")) for t in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}
    leaks = [f"number {n:g}" for n in sorted(said & _numbers(stats))]
    for value in _values(stats):
        if value.lower() in schema_words:
            continue  # a value that is also a word of the schema's own names (card, name) is not a leak
        flags = 0 if len(value) <= 3 else re.I  # short codes (IN, DE, AB) only as written
        if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, flags):
            leaks.append(f"value {value!r}")
    return leaks


def _describe(store, url: str, *, with_statistics: bool = False) -> dict[str, object]:
    add_profiles(store, url, concurrency=1)
    handle = start_run(store, make_schedule(store, review="manual", with_statistics=with_statistics))
    outcome = run_analyze(handle.ctx)
    assert outcome.ok, outcome
    return {v.target: v for v in list_suggestions(store, run_id=handle.run_id)}


def _check_no_profile_in(views: dict, profiles: dict[str, dict[str, dict]]) -> None:
    schema_words = {w for table, cols in profiles.items() for n in (table, *cols) for w in split_words(n)}
    for target, view in views.items():
        parts = target.split(".")
        table = profiles[parts[1]]
        stats_list = [table[parts[2]]] if len(parts) == 3 else list(table.values())
        leaks = [leak for stats in stats_list for leak in _leaks(view.proposed, stats, schema_words)]
        assert not leaks, f"{target}: {view.proposed!r} repeats the profile: {leaks}"
        assert not re.search(r"\bsample|distinct|most common|range|%", view.proposed, re.I), view.proposed
        assert view.flags == (), f"{target}: {view.proposed!r} flagged {view.flags}"


def _check_references(views: dict, url: str) -> None:
    """Every foreign key column names the table it references."""
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        for table in inspector.get_table_names():
            for fk in inspector.get_foreign_keys(table):
                for column in fk["constrained_columns"]:
                    text = views[f"{SCHEMA}.{table}.{column}"].proposed
                    assert re.search(rf"\b{re.escape(fk['referred_table'])}\b", text), (table, column, text)
    finally:
        engine.dispose()


def _golden_text(views: dict) -> str:
    return "".join(f"{target}\n    {view.proposed}\n" for target, view in sorted(views.items()))


def test_chinook_descriptions_say_what_things_mean(store, tmp_path):
    url = copy_sqlite(tmp_path)
    views = _describe(store, url)
    assert len([t for t in views if t.count(".") == 1]) == TABLE_COUNT
    _check_no_profile_in(views, _profiles(url))
    _check_references(views, url)
    text = {target: view.proposed for target, view in views.items()}
    assert "in milliseconds" in text["main.Track.Milliseconds"]
    assert "in bytes" in text["main.Track.Bytes"]
    assert text["main.PlaylistTrack"].startswith("Links playlists to tracks")
    assert "manager" in text["main.Employee.ReportsTo"] and "another employee as their manager" in text["main.Employee"]
    if REGEN:
        GOLDEN.write_text(_golden_text(views), encoding="utf-8")
    assert _golden_text(views) == GOLDEN.read_text(encoding="utf-8")


def test_demo_shop_descriptions_say_what_things_mean(store, tmp_path):
    path = tmp_path / "shop.db"
    build_demo_database(path)
    url = f"sqlite:///{path}"
    views = _describe(store, url)
    _check_no_profile_in(views, _profiles(url))
    _check_references(views, url)
    text = {target: view.proposed for target, view in views.items()}
    assert "manager" in text["main.employees.mgr_id"]
    assert "in kilograms" in text["main.products.weight_kg"]
    assert text["main.products.discontinued"].startswith("Whether the product is discontinued")
    assert "two-letter code" in text["main.customers.country_cd"]


def test_the_grep_catches_what_the_old_heuristic_wrote():
    """The checks above can fail: the texts from issue #18 are caught."""
    stats = {"min": 1, "max": 1000, "distinct_count": 100, "sample_rows": 1000, "null_ratio": 0.0}
    assert _leaks("Unique identifier of the track. Values range from 1 to 1000.", stats, set())
    assert _leaks("Most common values: '0.99'.", {"top_values": [0.99]}, set())
    assert _leaks("Most common values: 'Rock', 'Jazz'.", {"top_values": ["Rock", "Jazz"]}, set())
    assert not _leaks("Name of the genre.", {"top_values": ["Rock", "Jazz"], "distinct_count": 25}, set())


def test_a_schedule_that_opts_in_gets_statistics_dated_and_scoped(store, tmp_path):
    """With statistics on, a column's figures close its description, with the run's date and the sample's size."""
    views = _describe(store, copy_sqlite(tmp_path), with_statistics=True)
    track_id = views["main.Track.TrackId"]
    assert track_id.proposed == (
        "Unique number identifying each track; a surrogate key with no meaning of its own. As of 2026-03-02, in a "
        "sample of 1,000 rows: values from 1 to 1,000; more than 100 distinct values; never empty."
    )
    media = views["main.Track.MediaTypeId"].proposed
    assert "As of 2026-03-02, in a sample of 1,000 rows:" in media and "most common" not in media
    assert "As of" not in views["main.Track"].proposed  # a table's text has no figures of its own
    assert all(v.flags == () for v in views.values()), [(t, v.flags) for t, v in views.items() if v.flags]
