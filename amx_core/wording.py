"""Counting and listing in messages and descriptions, so no text ever says "1 columns"."""

from __future__ import annotations

from collections.abc import Sequence


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`counted(1, "column")` -> '1 column'; `counted(3, "column")` -> '3 columns' (thousands separated)."""
    word = noun if count == 1 else (plural or noun + "s")
    return f"{count:,} {word}"


def listed(items: Sequence[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def written_label(written_by: str | None, run: int | None) -> str | None:
    """Who wrote a description, for people: `person`, `amx (run 3)`, `reviewed (run 3)`; None when there is none."""
    if written_by is None:
        return None
    if written_by == "person" or run is None:
        return written_by
    return f"{written_by} (run {run})"
