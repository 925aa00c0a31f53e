"""MariaDB/MySQL: table COMMENT, and MODIFY COLUMN rebuilt from information_schema with a new COMMENT.

MySQL has no COMMENT ON: a column comment is changed by restating the whole column. The
definition is rebuilt from information_schema (type, charset and collation, NULL, default,
ON UPDATE, AUTO_INCREMENT, generated expression, INVISIBLE, column CHECK) and run with
ALGORITHM=INSTANT (else INPLACE, LOCK=NONE), so a definition that differs in anything but
metadata is refused by the server rather than applied by a table copy. SHOW CREATE TABLE
is compared before and after with every COMMENT removed; any other difference is undone by
restating the column exactly as SHOW CREATE TABLE showed it before.

DDL commits implicitly in MySQL, so the transaction and savepoints are no-ops here; the
before/after comparison and the restore are what keep a table safe. Limits (2048 characters
for a table comment, 1024 for a column, 3-byte utf8) are read from information_schema.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sqlalchemy as sa

from amx_core.engines.comments import (
    RUN_AS_IS,
    Prepared,
    TargetMissing,
    WriteRefused,
    strip_astral,
    strip_nul,
    truncate,
)
from amx_core.scope.targets import Target

TABLE_TYPES = {
    "BASE TABLE": "table",
    "SYSTEM VERSIONED": "table",
    "VIEW": "view",
    "SYSTEM VIEW": "view",
    "SEQUENCE": "sequence",
}
DEFAULT_LIMITS = {"table": 2048, "column": 1024}
ALGORITHMS = ("ALGORITHM=INSTANT", "ALGORITHM=INPLACE, LOCK=NONE")
COPY_ALGORITHM = "ALGORITHM=COPY, LOCK=SHARED"
COPY_LIMIT_BYTES = 16 * 1024 * 1024
REFUSED_ALGORITHM = {1845, 1846}  # LOCK=... / ALGORITHM=... is not supported for this operation
NUMERIC = {
    "tinyint",
    "smallint",
    "mediumint",
    "int",
    "integer",
    "bigint",
    "decimal",
    "numeric",
    "float",
    "double",
    "real",
    "bit",
    "year",
}

_COLUMN = sa.text(
    "SELECT COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, CHARACTER_SET_NAME, COLLATION_NAME, "
    "GENERATION_EXPRESSION, COLUMN_COMMENT FROM information_schema.COLUMNS "
    "WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :table AND COLUMN_NAME = :column"
)
_TABLE = sa.text(
    "SELECT TABLE_TYPE, TABLE_COMMENT, COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) "
    "FROM information_schema.TABLES WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :table"
)
_COLUMN_CHECK = sa.text(
    "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = :schema "
    "AND TABLE_NAME = :table AND CONSTRAINT_NAME = :column AND LEVEL = 'Column'"
)
_COMMENT_LIMITS = sa.text(
    "SELECT TABLE_NAME, CHARACTER_SET_NAME, CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS "
    "WHERE TABLE_SCHEMA = 'information_schema' AND ((TABLE_NAME = 'TABLES' AND COLUMN_NAME = 'TABLE_COMMENT') "
    "OR (TABLE_NAME = 'COLUMNS' AND COLUMN_NAME = 'COLUMN_COMMENT'))"
)
_ON_UPDATE = re.compile(r"(?i)\bon update ((?:current_timestamp|now|localtimestamp|localtime)(?:\(\d*\))?)")
_CURRENT_TIME = re.compile(r"(?i)^(?:current_timestamp|now|localtimestamp|localtime)(?:\(\d*\))?$")
_COMMENT_CLAUSE = re.compile(r"\s+COMMENT\s*=?\s*'")
_AUTO_INCREMENT = re.compile(r"\s+AUTO_INCREMENT=\d+")


def quote_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def string_literal(text: str, *, backslash_escapes: bool = True) -> str:
    """A single-quoted MySQL string literal; without backslash escapes only quotes are doubled."""
    if backslash_escapes:
        text = (
            text.replace("\\", "\\\\")
            .replace("\x00", "\\0")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\x1a", "\\Z")
        )
    return "'" + text.replace("'", "''") + "'"


def _skip_quoted(text: str, start: int) -> int:
    """Index just past the quoted token starting at `start` ('...', `...` or "...")."""
    quote, i = text[start], start + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and quote != "`":
            i += 2
            continue
        if char == quote:
            if text[i + 1 : i + 2] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return len(text)


def without_comments(ddl: str) -> str:
    """SHOW CREATE TABLE text with every COMMENT clause and the AUTO_INCREMENT counter removed."""
    out: list[str] = []
    i = 0
    while i < len(ddl):
        if ddl[i] in "'`\"":
            end = _skip_quoted(ddl, i)
            out.append(ddl[i:end])
            i = end
            continue
        match = _COMMENT_CLAUSE.match(ddl, i) or _AUTO_INCREMENT.match(ddl, i)
        if match is not None:
            i = _skip_quoted(ddl, match.end() - 1) if match.re is _COMMENT_CLAUSE else match.end()
            continue
        out.append(ddl[i])
        i += 1
    return "".join(out)


def column_line(ddl: str, column: str) -> str | None:
    """The column's definition line in SHOW CREATE TABLE text, without the trailing comma."""
    head = quote_ident(column) + " "
    for line in ddl.splitlines():
        stripped = line.strip()
        if stripped.startswith(head):
            return stripped.rstrip(",")
    return None


@dataclass(frozen=True)
class ServerInfo:
    mariadb: bool
    backslash_escapes: bool
    limits: dict[str, int]
    comments_hold_astral: bool


def _default_clause(row: dict[str, Any], mariadb: bool) -> str | None:
    value = row["COLUMN_DEFAULT"]
    if value is None:
        return None
    if mariadb:  # 10.2.7+: literals come quoted, expressions as written, 'NULL' is DEFAULT NULL
        return f"DEFAULT {value}"
    extra = (row["EXTRA"] or "").upper()
    if "DEFAULT_GENERATED" in extra:
        return f"DEFAULT {value}" if _CURRENT_TIME.match(value) else f"DEFAULT ({value})"
    if (row["DATA_TYPE"] or "").lower() in NUMERIC:
        return f"DEFAULT {value}"
    return f"DEFAULT {string_literal(value)}"


def column_definition(row: dict[str, Any], check: str | None, column: str, *, mariadb: bool) -> tuple[str, str]:
    """(definition before COMMENT, clause after it) restating the column exactly as it is."""
    extra = row["EXTRA"] or ""
    upper = extra.upper()
    is_json = (
        mariadb and (row["DATA_TYPE"] or "").lower() == "longtext" and check == f"json_valid({quote_ident(column)})"
    )
    parts = ["json" if is_json else row["COLUMN_TYPE"]]
    if row["CHARACTER_SET_NAME"] and not is_json:
        parts.append(f"CHARACTER SET {row['CHARACTER_SET_NAME']} COLLATE {row['COLLATION_NAME']}")
    if "GENERATED" in upper and row["GENERATION_EXPRESSION"] is not None:
        parts.append(
            f"GENERATED ALWAYS AS ({row['GENERATION_EXPRESSION']}) {'STORED' if 'STORED' in upper else 'VIRTUAL'}"
        )
        if not mariadb and row["IS_NULLABLE"] == "NO":
            parts.append("NOT NULL")
    else:
        parts.append("NOT NULL" if row["IS_NULLABLE"] == "NO" else "NULL")
        default = _default_clause(row, mariadb)
        if default:
            parts.append(default)
        on_update = _ON_UPDATE.search(extra)
        if on_update:
            parts.append(f"ON UPDATE {on_update.group(1)}")
        if "AUTO_INCREMENT" in upper:
            parts.append("AUTO_INCREMENT")
    if "INVISIBLE" in upper:
        parts.append("INVISIBLE")
    after = f" CHECK ({check})" if check and not is_json else ""
    return " ".join(parts), after


def _error_code(exc: sa.exc.DBAPIError) -> int | None:
    args = getattr(exc.orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


class MySqlWriter:
    """Writes on one connection; every ALTER is checked against SHOW CREATE TABLE before and after."""

    name = "mysql"
    HOLDS = frozenset({"table"})  # views cannot hold comments in MySQL

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def transaction(self) -> AbstractContextManager:
        return nullcontext()

    def savepoint(self) -> AbstractContextManager:
        return nullcontext()

    @cached_property
    def server(self) -> ServerInfo:
        version, sql_mode = self.conn.exec_driver_sql("SELECT VERSION(), @@SESSION.sql_mode").one()
        limits, astral = dict(DEFAULT_LIMITS), False
        for table, charset, length in self.conn.execute(_COMMENT_LIMITS):
            limits["table" if table.upper() == "TABLES" else "column"] = int(length or limits["column"])
            astral = astral or (charset or "").lower() == "utf8mb4"
        return ServerInfo(
            mariadb="mariadb" in str(version).lower(),
            backslash_escapes="NO_BACKSLASH_ESCAPES" not in str(sql_mode or "").upper(),
            limits=limits,
            comments_hold_astral=astral,
        )

    def table_kind(self, schema: str, table: str) -> str | None:
        row = self.conn.execute(_TABLE, {"schema": schema, "table": table}).first()
        return None if row is None else TABLE_TYPES.get(str(row[0]).upper(), "other")

    def holds(self, kind: str) -> bool:
        return kind in self.HOLDS

    def _column_row(self, target: Target) -> dict[str, Any]:
        row = (
            self.conn.execute(_COLUMN, {"schema": target.schema, "table": target.table, "column": target.column})
            .mappings()
            .first()
        )
        if row is None:
            raise TargetMissing(f"column {target.path} no longer exists")
        return dict(row)

    def read(self, target: Target) -> str | None:
        if target.column is not None:
            return self._column_row(target)["COLUMN_COMMENT"] or None
        row = self.conn.execute(_TABLE, {"schema": target.schema, "table": target.table}).first()
        if row is None:
            raise TargetMissing(f"{target.schema}.{target.table} no longer exists")
        return row[1] or None

    def prepare(self, target: Target, text: str) -> Prepared:
        text, notes = strip_nul(text)
        if not self.server.comments_hold_astral:
            text, more = strip_astral(text)
            notes += more
        text, more = truncate(text, self.server.limits[target.kind])
        return Prepared(text, notes + more)

    def _literal(self, text: str) -> str:
        return string_literal(text, backslash_escapes=self.server.backslash_escapes)

    def _relation(self, target: Target) -> str:
        return f"{quote_ident(target.schema)}.{quote_ident(target.table)}"

    def _show_create(self, target: Target) -> str:
        return self.conn.exec_driver_sql(
            f"SHOW CREATE TABLE {self._relation(target)}", execution_options=RUN_AS_IS
        ).one()[1]

    def _table_bytes(self, target: Target) -> int:
        row = self.conn.execute(_TABLE, {"schema": target.schema, "table": target.table}).first()
        return int(row[2] or 0) if row is not None else 0

    def _run_alter(self, target: Target, statement: str) -> str:
        """Run `statement` with the first algorithm the server accepts; a table copy only for small tables."""
        algorithms: tuple[str, ...] = ALGORITHMS
        if self._table_bytes(target) <= COPY_LIMIT_BYTES:
            algorithms += (COPY_ALGORITHM,)
        refusal = ""
        for algorithm in algorithms:
            sql = f"{statement}, {algorithm}"
            try:
                self.conn.exec_driver_sql(sql, execution_options=RUN_AS_IS)
                return sql
            except sa.exc.DBAPIError as exc:
                if _error_code(exc) not in REFUSED_ALGORITHM:
                    raise
                refusal = str(exc.orig)
        raise WriteRefused(
            "the server can only change this comment by copying the table, "
            f"which is over {COPY_LIMIT_BYTES // 2**20} MiB "
            f"({refusal}); nothing written"
        )

    def _column_statement(self, target: Target, text: str) -> str:
        row = self._column_row(target)
        check = None
        if self.server.mariadb:
            check = self.conn.execute(
                _COLUMN_CHECK, {"schema": target.schema, "table": target.table, "column": target.column}
            ).scalar()
        definition, after = column_definition(row, check, target.column or "", mariadb=self.server.mariadb)
        return (
            f"ALTER TABLE {self._relation(target)} MODIFY COLUMN {quote_ident(target.column or '')} "
            f"{definition} COMMENT {self._literal(text)}{after}"
        )

    def _restore(self, target: Target, before: str, old: str | None) -> None:
        if target.column is None:
            self.conn.exec_driver_sql(
                f"ALTER TABLE {self._relation(target)} COMMENT = {self._literal(old or '')}",
                execution_options=RUN_AS_IS,
            )
            return
        line = column_line(before, target.column)
        if line is None:
            raise WriteRefused(f"could not restore {target.path}: its definition was not found")
        self.conn.exec_driver_sql(
            f"ALTER TABLE {self._relation(target)} MODIFY COLUMN {line}", execution_options=RUN_AS_IS
        )

    def write(self, target: Target, kind: str, text: str) -> str:
        if kind != "table":
            raise WriteRefused(f"a {kind} cannot hold a comment in MySQL")
        before = self._show_create(target)
        old = self.read(target)
        if target.column is None:
            sql = f"ALTER TABLE {self._relation(target)} COMMENT = {self._literal(text)}"
            self.conn.exec_driver_sql(sql, execution_options=RUN_AS_IS)
        else:
            sql = self._run_alter(target, self._column_statement(target, text))
        problem = None
        if without_comments(self._show_create(target)) != without_comments(before):
            problem = "the definition changed beyond the comment"
        elif (self.read(target) or "") != text:
            problem = "the text read back differs from the text written"
        if problem is not None:
            self._restore(target, before, old)
            raise WriteRefused(f"{problem}; the previous definition was restored")
        return sql
