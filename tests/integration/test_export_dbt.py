"""`amx export dbt` writes a properties file dbt itself reads: `dbt parse` (dbt-core with the DuckDB adapter,
offline, in a tiny project in tmp_path) puts the same descriptions on its sources; `--merge` keeps a person's
description, the file's comments and everything else in it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from analyze_support import add_profiles, make_schedule, start_run
from chinook import execute_sql
from ci import need

from amx_core.analyze.executor import run_analyze
from amx_core.export.document import read_document

pytestmark = pytest.mark.slow

DBT = Path(sys.executable).with_name("dbt")
PROJECT = """name: amx_check
version: "1.0"
config-version: 2
profile: amx_check
"""
PROFILES = """amx_check:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: ":memory:"
"""
# A hand-kept file: a person's description, comments, tests and a model AMX never writes.
HAND_WRITTEN = """# kept by the data team
version: 2

models:
  - name: top_albums   # a model, not a source
    description: Albums by sales.

sources:
  - name: main
    schema: main
    loader: nightly-copy  # where the data comes from
    tables:
      - name: Genre
        description: "Music genres, as the shop files them."
        columns:
          - name: GenreId
            tests: [unique, not_null]
"""


def _dbt_parse(project: Path) -> dict:
    """The sources of the manifest `dbt parse` builds for `project` (no network, no database)."""
    need(DBT.exists(), f"dbt is not installed beside {sys.executable} (pip install -e '.[test]')")
    (project / "dbt_project.yml").write_text(PROJECT)
    (project / "profiles.yml").write_text(PROFILES)
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_USE_COLORS": "false"}
    done = subprocess.run(
        [str(DBT), "parse", "--profiles-dir", str(project), "--project-dir", str(project)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    return {(s["schema"], s["name"]): s for s in manifest["sources"].values()}


@pytest.fixture
def described(store, chinook_sqlite):
    """Chinook (SQLite) with three tables described by an `auto` run, and tables whose names YAML 1.1 reads
    as something else than text (`on`, `null`, `0x1F`)."""
    execute_sql(chinook_sqlite, 'CREATE TABLE "on" ("null" INTEGER PRIMARY KEY, "0x1F" TEXT, "Yes" TEXT)')
    add_profiles(store, chinook_sqlite)
    scope = ["main.Album", "main.Artist", "main.Genre", "main.on"]
    handle = start_run(store, make_schedule(store, scope=scope, review="auto"))
    assert run_analyze(handle.ctx).ok
    return scope


def test_dbt_reads_the_exported_descriptions(store, described, cli_call, tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    cli_call(
        "export",
        "dbt",
        "db",
        *[a for path in described for a in ("--scope", path)],
        "--out",
        str(models / "sources.yml"),
    )
    sources = _dbt_parse(tmp_path)
    doc = read_document(store, "db", None, described)
    assert len(sources) == len(doc.tables) == 4
    for table in doc.tables:
        source = sources[("main", table.name)]
        assert source["description"] == (table.description or "")
        assert table.description or table.name == "on"
        assert {name: c["description"] for name, c in source["columns"].items()} == {
            c.name: c.description or "" for c in table.columns
        }
    assert set(sources[("main", "on")]["columns"]) == {"null", "0x1F", "Yes"}


def test_merge_keeps_a_persons_description_and_the_rest_of_the_file(store, described, cli_call, tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    kept = models / "sources.yml"
    kept.write_text(HAND_WRITTEN)
    result = json.loads(
        cli_call(
            "export", "dbt", "db", "--scope", "main.Genre", "--scope", "main.Album", "--merge", str(kept), "--json"
        ).stdout
    )
    assert result["merged"]["kept"] == 1 and result["merged"]["added"] >= 5 and result["out"] == str(kept)
    text = kept.read_text()
    assert text.startswith("# kept by the data team\nversion: 2\n\nmodels:\n  - name: top_albums   # a model")
    assert "loader: nightly-copy  # where the data comes from" in text
    assert "tests: [unique, not_null]" in text

    sources = _dbt_parse(tmp_path)
    doc = {t.name: t for t in read_document(store, "db", None, ["main.Genre", "main.Album"]).tables}
    assert sources[("main", "Genre")]["description"] == "Music genres, as the shop files them."
    assert sources[("main", "Genre")]["loader"] == "nightly-copy"
    assert sources[("main", "Genre")]["columns"]["Name"]["description"] == doc["Genre"].columns[1].description
    assert sources[("main", "Album")]["description"] == doc["Album"].description

    overwritten = json.loads(
        cli_call("export", "dbt", "db", "--scope", "main.Genre", "--merge", str(kept), "--overwrite", "--json").stdout
    )
    assert overwritten["merged"]["replaced"] == 1
    assert _dbt_parse(tmp_path)[("main", "Genre")]["description"] == doc["Genre"].description
