"""Who wrote the description a target holds now, and reading those descriptions live.

`written_by` answers from the target's WrittenMark: no text -> None; the text AMX last wrote there
(its hash is the mark's) -> `amx` (a run's `auto` write, no person looked at it) or `reviewed` (a
person accepted or edited it in the review queue, then it was applied), with the run that proposed
it; any other text -> `person` (written or changed outside AMX). Live texts are read through the
target engine's comment reader (the one the write path verifies with), or from the AMX local
catalog for targets that cannot hold a comment (SQLite, MySQL views).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby

from amx_core.analyze.apply import Destination, open_destination, writer_class
from amx_core.analyze.local_comments import read_local
from amx_core.analyze.marks import Mark
from amx_core.engines.comments import TargetMissing
from amx_core.scope.targets import Target

PERSON, AMX, REVIEWED = "person", "amx", "reviewed"
WRITTEN_BY = (PERSON, AMX, REVIEWED)


@dataclass(frozen=True)
class Authorship:
    """A target's current text and who wrote it (`written_by` None when there is no text)."""

    text: str | None
    written_by: str | None
    run_id: int | None = None


def authorship(text: str | None, mark: Mark | None) -> Authorship:
    """Who wrote `text`, judged by the target's mark (see the module docstring)."""
    if not text:
        return Authorship(None, None)
    if mark is None or not mark.holds(text):
        return Authorship(text, PERSON)
    return Authorship(text, REVIEWED if mark.reviewed else AMX, mark.run_id)


def _read_tables(dest: Destination, targets: list[Target], local: Mapping[str, str]) -> dict[str, str | None]:
    """target path -> live text, one connection, table by table; a target gone since reads as None."""
    make_writer = writer_class(dest.dialect)
    found: dict[str, str | None] = {}
    if make_writer is None:
        return {t.path: local.get(t.path) for t in targets}
    with dest.reader.connect() as conn:
        writer = make_writer(conn)
        for (schema, table), group in groupby(targets, key=lambda t: t.table_key):
            items = list(group)
            kind = writer.table_kind(schema, table)
            for target in items:
                if kind is None:
                    found[target.path] = None
                elif not writer.holds(kind):
                    found[target.path] = local.get(target.path)
                else:
                    try:
                        found[target.path] = writer.read(target)
                    except TargetMissing:
                        found[target.path] = None
    return found


def read_live(store, profile: str, database: str | None, targets: Iterable[Target]) -> dict[str, str | None]:
    """The text each target holds now (target path -> text or None), read live; raises the driver's errors."""
    ordered = sorted(set(targets), key=lambda t: (t.table_key, t.column is not None, t.column or ""))
    if not ordered:
        return {}
    with open_destination(store, profile, database or None, pool_size=1) as dest:
        local = read_local(store, dest.profile_id, dest.database)
        return _read_tables(dest, ordered, local)
