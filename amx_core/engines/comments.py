"""What every comment writer shares: the protocol, its errors, and fitting a text to what a backend holds.

A writer reads and writes descriptions on one connection for one table at a time; `write` verifies
by reading back. Fitting: PostgreSQL text cannot hold NUL (U+0000), so NUL characters are removed
before writing on every backend (the same text everywhere); MariaDB/MySQL keep comments in 3-byte
utf8, so characters outside the Basic Multilingual Plane (emoji) are removed there instead of being
stored as '?'; text longer than a backend's limit is cut at a word boundary and ends with '…'.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa

from amx_core.scope.targets import Target

# Run a statement text as it is: no driver parameter processing (a "%" in the text stays a "%").
RUN_AS_IS = {"no_parameters": True}
ELLIPSIS = "…"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class WriteRefused(Exception):
    """The writer did not write (or undid) this text; `message` says why, for the review queue."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TargetMissing(WriteRefused):
    """The table or column no longer exists."""


@dataclass(frozen=True)
class Prepared:
    """The text as this backend can hold it, and what had to change (empty when nothing did)."""

    text: str
    notes: tuple[str, ...] = ()


class CommentWriter(Protocol):
    """Reads and writes descriptions on one connection (or store session) for one table at a time."""

    name: str

    def transaction(self) -> AbstractContextManager: ...

    def savepoint(self) -> AbstractContextManager: ...

    def table_kind(self, schema: str, table: str) -> str | None:
        """'table', 'view', 'materialized_view', ... or None when the table does not exist."""

    def holds(self, kind: str) -> bool:
        """Can an object of this kind hold a comment here (else the local catalog takes it)?"""

    def read(self, target: Target) -> str | None:
        """The live text at `target` (None when empty); raises TargetMissing."""

    def prepare(self, target: Target, text: str) -> Prepared: ...

    def write(self, target: Target, kind: str, text: str) -> str:
        """Write prepared `text`, verify by reading back, return the SQL run; raises WriteRefused."""


class WriterClass(Protocol):
    """A database's writer class: the kinds of object that hold comments there, and a writer on a connection."""

    HOLDS: frozenset[str]

    def __call__(self, conn: sa.Connection) -> CommentWriter: ...


def strip_nul(text: str) -> tuple[str, tuple[str, ...]]:
    if "\x00" not in text:
        return text, ()
    return text.replace("\x00", ""), ("NUL characters removed",)


def strip_astral(text: str) -> tuple[str, tuple[str, ...]]:
    cleaned = _ASTRAL.sub("", text)
    if cleaned == text:
        return text, ()
    return cleaned, (f"{len(text) - len(cleaned)} characters outside the BMP (such as emoji) removed",)


def truncate(text: str, limit: int) -> tuple[str, tuple[str, ...]]:
    """`text` cut to at most `limit` characters, at a word boundary when one is near, ending in '…'."""
    if len(text) <= limit:
        return text, ()
    cut = text[: limit - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= limit * 0.8:
        cut = cut[:space]
    cut = cut.rstrip()
    return cut + ELLIPSIS, (f"truncated from {len(text)} to {len(cut) + 1} characters (limit {limit})",)
