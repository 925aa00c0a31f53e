"""`amx schedule list` and `--json` print exactly what a plain rendering of get_schedule's views prints: zones,
cron, one-shot and change schedules, every status, empty fields and text that must be escaped."""

from __future__ import annotations

import json

from listing_support import listed_views, varied_schedules

from amx_core.text import shown

HEADERS = ("ID", "NAME", "FIRE TIME", "SCOPE", "STATUS", "LLM", "REVIEW")


def _escaped(text: str) -> str:
    """JSON text with every character that is not printable (outside the line breaks) as its \\u escape."""
    return "".join(ch if ch.isprintable() or ch == "\n" else f"\\u{ord(ch):04x}" for ch in text)


def _fire_time(view) -> str:
    if view.next_fire_local is None:
        return "on change" if view.trigger == "change" else "-"
    return f"{view.next_fire_local:%Y-%m-%d %H:%M} {view.tz}"


def _plain_table(views) -> str:
    rows = [HEADERS] + [
        tuple(
            shown(cell)
            for cell in (
                v.id,
                v.name,
                _fire_time(v),
                v.scope_summary,
                v.status.capitalize(),
                v.llm_profile or "-",
                v.review,
            )
        )
        for v in views
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    return "".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n" for row in rows)


def test_json_listing_is_the_views_json(cli_store, cli_call):
    views = listed_views(cli_store, varied_schedules(cli_store))
    expected = _escaped(json.dumps([v.to_json() for v in views], indent=2, ensure_ascii=False)) + "\n"
    assert cli_call("schedule", "list", "--json").stdout == expected


def test_table_listing_is_the_views_in_plain_columns(cli_store, cli_call):
    views = listed_views(cli_store, varied_schedules(cli_store))
    assert cli_call("schedule", "list").stdout == _plain_table(views)


def test_filtered_listings_keep_their_shape(store, cli_call):
    views = listed_views(store, varied_schedules(store))
    kept = [v for v in views if v.status in ("paused", "failed") and v.kind == "analyze"]
    expected = _escaped(json.dumps([v.to_json() for v in kept], indent=2, ensure_ascii=False)) + "\n"
    assert cli_call("schedule", "list", "--status", "paused,failed", "--kind", "analyze", "--json").stdout == expected
    assert cli_call("schedule", "list", "--status", "paused,failed", "--kind", "analyze").stdout == _plain_table(kept)


def test_an_empty_listing(cli_call):
    assert cli_call("schedule", "list", "--json").stdout == "[]\n"
    assert cli_call("schedule", "list").stdout == "  ".join(HEADERS) + "\n"


def test_a_listing_leaves_the_garbage_collector_as_it_found_it(store, cli_call):
    """The listing pauses the collector while its rows stream; whoever called it gets the collector back."""
    import gc

    varied_schedules(store)
    frozen = gc.get_freeze_count()
    cli_call("schedule", "list", "--json")
    cli_call("schedule", "list", "--status", "nonsense", code=2)
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    gc.disable()
    try:
        cli_call("schedule", "list")
        assert not gc.isenabled()
    finally:
        gc.enable()
