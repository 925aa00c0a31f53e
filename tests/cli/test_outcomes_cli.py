"""Small CLI contracts of the outcome commands: catalog show falls back to the last refresh when the database
is gone, an estimate of a cache refresh is bad input, prices and budgets show in --json and clear again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from chinook import CHINOOK_DIR


def test_catalog_show_says_where_descriptions_come_from(cli_call, tmp_path, chinook_duckdb):
    target = tmp_path / "chinook.db"
    shutil.copyfile(CHINOOK_DIR / "Chinook_Sqlite.sqlite", target)
    cli_call("profile", "db", "add", "c", "--url", f"sqlite:///{target}")
    assert json.loads(cli_call("catalog", "show", "c", "main", "--json").stdout)["descriptions_from"] == "local"

    cli_call("profile", "db", "add", "d", "--url", chinook_duckdb)
    assert json.loads(cli_call("catalog", "show", "d", "main", "--json").stdout)["descriptions_from"] == "database"
    Path(chinook_duckdb.removeprefix("duckdb:///")).unlink()  # the database is gone: the last refresh answers
    page = json.loads(cli_call("catalog", "show", "d", "main", "--json").stdout)
    assert page["descriptions_from"] == "cache" and page["total"] == 11
    shown = cli_call("catalog", "show", "d", "main")
    assert "descriptions are those of the last refresh" in shown.stderr


def test_prices_and_budgets_round_trip_and_an_estimate_of_a_cache_refresh_is_refused(cli_call, tmp_path):
    target = tmp_path / "chinook.db"
    shutil.copyfile(CHINOOK_DIR / "Chinook_Sqlite.sqlite", target)
    cli_call("profile", "db", "add", "c", "--url", f"sqlite:///{target}")
    llm = json.loads(
        cli_call("profile", "llm", "add", "m", "--provider", "heuristic", "--price-in", "3", "--json").stdout
    )
    assert (llm["price_in"], llm["price_out"]) == (3.0, None)
    llm = json.loads(cli_call("profile", "llm", "edit", "m", "--price-in", "", "--price-out", "0", "--json").stdout)
    assert (llm["price_in"], llm["price_out"]) == (None, 0.0)

    base = ("--at", "2031-01-01 03:00", "--tz", "UTC", "--db-profile", "c", "--json")
    made = json.loads(
        cli_call("schedule", "add", "--name", "n", "--llm-profile", "m", "--max-tokens", "5000", *base).stdout
    )
    assert made["max_tokens"] == 5000
    cleared = json.loads(cli_call("schedule", "edit", "n", "--max-tokens", "", "--json").stdout)
    assert cleared["max_tokens"] is None
    estimate = json.loads(cli_call("schedule", "estimate", "n", "--json").stdout)
    assert (estimate["tables"], estimate["tokens"], estimate["cost"]) == (11, {"in": 0, "out": 0}, 0.0)
    assert estimate["requests"] == 11 and "works offline" in estimate["notes"][0]

    cli_call("schedule", "add", "--name", "refresh", "--kind", "cache_refresh", *base)
    refused = cli_call("schedule", "estimate", "refresh", code=2)
    assert refused.stderr.startswith("error: id: schedule 'refresh' is a cache_refresh schedule")
