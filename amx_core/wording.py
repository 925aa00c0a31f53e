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
