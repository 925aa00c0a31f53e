"""The AMX local catalog: descriptions for targets that cannot hold a comment (SQLite, MySQL views, engines
without a comment writer).

It lives in the store (LocalComment rows), so the caller's store session is the transaction
and savepoints are real nested transactions there. A table's rows are read with one query
the first time the writer touches that table.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext

import sqlalchemy as sa
from sqlmodel import Session

from amx_core.engines.comments import Prepared, WriteRefused, strip_nul
from amx_core.models import LocalComment
from amx_core.models.base import table_of, utcnow
from amx_core.scope.targets import Target

LOCAL_SQL = "-- AMX local catalog: {path} set"


_L = table_of(LocalComment)
_B = sa.bindparam
_MINE = (_L.c.profile_id == _B("b_profile")) & (_L.c.database == _B("b_database"))
_ONE = _MINE & (_L.c.target == _B("b_target"))
_READ_TABLE = sa.select(_L.c.target, _L.c.text).where(
    _MINE, (_L.c.target == _B("b_path")) | _L.c.target.like(_B("b_prefix"), escape="/")
)
_UPDATE = sa.update(_L).where(_ONE).values(text=_B("b_text"), written_at=_B("b_at"))
_DELETE = sa.delete(_L).where(_ONE)
_INSERT = sa.insert(_L)


class LocalWriter:
    """Reads and writes LocalComment rows of one (profile, database) in the caller's session."""

    name = "local"
    HOLDS = frozenset({"table", "view", "materialized_view"})

    def __init__(self, session: Session, profile_id: int, database: str) -> None:
        self.session = session
        self.conn = session.connection()
        self.key = {"b_profile": profile_id, "b_database": database}
        self.profile_id = profile_id
        self.database = database
        self._tables: dict[tuple[str, str], dict[str, str]] = {}

    def transaction(self) -> AbstractContextManager:
        return nullcontext()

    def savepoint(self) -> AbstractContextManager:
        # on the connection, so SAVEPOINT is emitted now: the session's own begin_nested() would wait for the
        # session's next use of its connection, and the writer uses the connection directly
        return self.conn.begin_nested()

    def table_kind(self, schema: str, table: str) -> str | None:
        return "table"

    def holds(self, kind: str) -> bool:
        return True

    def _texts(self, target: Target) -> dict[str, str]:
        """Every local text of the target's table (the table itself and its columns), read once."""
        key = target.table_key
        if key not in self._tables:
            path = Target(*key).path
            prefix = path.replace("/", "//").replace("%", "/%").replace("_", "/_") + ".%"
            rows = self.conn.execute(_READ_TABLE, {**self.key, "b_path": path, "b_prefix": prefix})
            self._tables[key] = {target: text for target, text in rows}
        return self._tables[key]

    def read(self, target: Target) -> str | None:
        return self._texts(target).get(target.path) or None

    def prepare(self, target: Target, text: str) -> Prepared:
        cleaned, notes = strip_nul(text)
        return Prepared(cleaned, notes)

    def write(self, target: Target, kind: str, text: str) -> str:
        """Write `text` there ("" removes the description: a revert to nothing)."""
        return self.write_many([(target, text)])[0]

    def forget(self, target: Target) -> None:
        """Drop the texts read of the target's table (a rolled-back savepoint may have changed them)."""
        self._tables.pop(target.table_key, None)

    def write_many(self, writes: Sequence[tuple[Target, str]]) -> list[str]:
        """`write` for several targets of one table: a statement per kind of change for all of them and one
        read-back of the table; WriteRefused when any text read back differs (the caller's savepoint undoes all)."""
        if not writes:
            return []
        texts = self._texts(writes[0][0])
        changes: dict[str, list[dict]] = {"delete": [], "update": [], "insert": []}
        at = utcnow()
        for target, text in writes:
            path = target.path
            if not text:
                changes["delete"].append({**self.key, "b_target": path})
            elif path in texts:
                changes["update"].append({**self.key, "b_target": path, "b_text": text, "b_at": at})
            else:
                row = {"profile_id": self.profile_id, "database": self.database, "target": path}
                changes["insert"].append({**row, "text": text, "written_at": at})
        for kind, statement in (("delete", _DELETE), ("update", _UPDATE), ("insert", _INSERT)):
            if changes[kind]:
                self.conn.execute(statement, changes[kind])
        self.forget(writes[0][0])
        back = self._texts(writes[0][0])
        if any(back.get(target.path, "") != text for target, text in writes):
            raise WriteRefused("the text read back differs from the text written; rolled back")
        return [LOCAL_SQL.format(path=target.path) for target, _text in writes]


def read_local(store, profile_id: int, database: str) -> dict[str, str]:
    """Every local description of one (profile, database): target path -> text."""
    from amx_core.analyze.marks import by_target

    return by_target(store, LocalComment, LocalComment.text, profile_id, database)
