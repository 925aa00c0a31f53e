"""The protocol every comment writer follows, and the errors it raises."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa

from amx_core.analyze.targets import Target

# Run a statement text as it is: no driver parameter processing (a "%" in the text stays a "%").
RUN_AS_IS = {"no_parameters": True}


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
