"""The one sentence of profile statistics a description may carry, when its schedule opts in: dated and scoped.

"As of 2026-12-06, in a sample of 1,000 rows: values from 1 to 1,000; more than 100 distinct
values; never empty." Figures without their date and scope read as facts about the table for
years after they stopped being true, so there is no other way to state them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from amx_core.wording import counted, listed

_SHOWN = 40


def _figure(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,}"
    text = str(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _parts(stats: Mapping[str, Any], categorical: bool) -> list[str]:
    parts: list[str] = []
    top = [v for v in stats.get("top_values") or () if v is not None]
    if top and categorical:
        parts.append("most common " + listed([f"'{_figure(v)}'" for v in top]))
    low, high = stats.get("min"), stats.get("max")
    if low is not None and high is not None and not (top and categorical):
        parts.append(f"always {_figure(low)}" if low == high else f"values from {_figure(low)} to {_figure(high)}")
    if stats.get("distinct_count") is not None:
        text = counted(stats["distinct_count"], "distinct value")
        parts.append(("more than " + text) if stats.get("distinct_capped") else text)
    if stats.get("min_length") is not None and stats.get("max_length") is not None:
        low_len, high_len = stats["min_length"], stats["max_length"]
        parts.append(
            counted(low_len, "character") + " long"
            if low_len == high_len
            else f"{low_len:,} to {counted(high_len, 'character')} long"
        )
    ratio = stats.get("null_ratio")
    if isinstance(ratio, (int, float)):
        parts.append("always empty" if ratio >= 1 else "never empty" if ratio <= 0 else f"empty in {ratio:.0%}")
    return parts


def dated_statistics(stats: Mapping[str, Any], as_of: str | None, *, categorical: bool = False) -> str | None:
    """'As of <date>, in a sample of N rows: ...', or None when there is nothing to state (or no date).

    Most common values are stated only for `categorical` columns (codes, statuses), never for
    names or free text.
    """
    rows = stats.get("sample_rows")
    parts = _parts(stats, categorical)
    if not as_of or not rows or not parts:
        return None
    return f"As of {as_of}, in a sample of {counted(rows, 'row')}: {'; '.join(parts)}."
