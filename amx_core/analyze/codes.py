"""The codes a schema itself allows for a column: enum types and `CHECK (column IN (...))` constraints.

These are declared facts, unlike sampled values, so a description may list them. Read once
per table next to the profile; a dialect or table that cannot report them just has none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa

from amx_core.engines.registry import engine_for

MAX_CODES = 20

_ENUM_TYPE = re.compile(r"^\s*enum\s*\((.*)\)\s*$", re.I | re.S)
_LITERAL = re.compile(r"'((?:[^']|'')*)'|(?<![\w.])(-?\d+(?:\.\d+)?)(?![\w.])")
_IN_LIST = re.compile(r"(?<!not)\s+in\s*\((.*)\)", re.I | re.S)
_ANY_ARRAY = re.compile(r"=\s*any\s*\(\s*\(?\s*array\s*\[(.*)\]", re.I | re.S)
_EQUALS_ONLY = re.compile(r"^[\s()]*(?:[\w`\"\[\].:]+\s*=\s*'(?:[^']|'')*'[\s()]*(?:\bor\b[\s()]*)?)+$", re.I)
_KNOWN_TYPE = re.compile(
    r"int|char|text|num|dec|real|float|double|bool|date|time|json|uuid|blob|bytea|binary|serial|money", re.I
)


def _literals(text: str) -> tuple[str, ...]:
    found = tuple(number or quoted.replace("''", "'") for quoted, number in _LITERAL.findall(text))
    return found if 0 < len(found) <= MAX_CODES else ()


def enum_codes(type_text: str) -> tuple[str, ...]:
    """`ENUM('new','paid')` (MySQL/MariaDB type text) -> ('new', 'paid')."""
    match = _ENUM_TYPE.match(type_text or "")
    return _literals(match.group(1)) if match else ()


def _mentions(sqltext: str, name: str) -> bool:
    return bool(re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", sqltext))


def check_codes(sqltext: str, column_names: Sequence[str]) -> tuple[str, tuple[str, ...]] | None:
    """(column, codes) for a CHECK that limits one column to a list: `status IN ('a','b')`, PostgreSQL's
    `(status)::text = ANY (ARRAY['a'::text, ...])`, or `status = 'a' OR status = 'b'`; else None."""
    mentioned = [name for name in column_names if _mentions(sqltext, name)]
    if len(mentioned) != 1 or re.search(r"\bnot\s+in\b|<>|!=", sqltext, re.I):
        return None
    match = _IN_LIST.search(sqltext) or _ANY_ARRAY.search(sqltext)
    if match:
        codes = _literals(match.group(1))
    elif _EQUALS_ONLY.match(sqltext):
        codes = _literals(sqltext)
    else:
        codes = ()
    return (mentioned[0], codes) if codes else None


def _postgres_enums(inspector: sa.Inspector) -> dict[str, tuple[str, ...]]:
    """Enum type name (bare and schema-qualified) -> its labels."""
    from sqlalchemy.dialects.postgresql.base import PGInspector

    enums: dict[str, tuple[str, ...]] = {}
    if not isinstance(inspector, PGInspector):
        return enums
    for enum in inspector.get_enums(schema="*"):
        labels = tuple(enum.get("labels") or ())[:MAX_CODES]
        enums[enum["name"]] = labels
        enums[f"{enum.get('schema')}.{enum['name']}"] = labels
    return enums


_MYSQL_CHECKS = sa.text(
    "SELECT cc.CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS cc "
    "JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA "
    "AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK' "
    "WHERE cc.CONSTRAINT_SCHEMA = :schema AND tc.TABLE_NAME = :table"
)


def _check_texts(conn: sa.Connection, inspector: sa.Inspector, schema: str | None, table: str) -> list[str]:
    """The CHECK constraints' texts; on MySQL/MariaDB from information_schema, which also holds
    column-level checks (the inspector only parses table-level ones from SHOW CREATE TABLE)."""
    if conn.dialect.name in ("mysql", "mariadb"):
        rows = conn.execute(
            _MYSQL_CHECKS, {"schema": schema or conn.exec_driver_sql("SELECT DATABASE()").scalar(), "table": table}
        )
        return [str(text) for (text,) in rows]
    try:
        return [str(check.get("sqltext") or "") for check in inspector.get_check_constraints(table, schema=schema)]
    except NotImplementedError:
        return []


def declared_codes(
    conn: sa.Connection, schema: str | None, table: str, columns: Sequence[tuple[str, str]]
) -> dict[str, tuple[str, ...]]:
    """column name -> the codes its type or a CHECK constraint allows, for the (name, type) columns given."""
    codes = {name: found for name, type_text in columns if (found := enum_codes(type_text))}
    names = [name for name, _ in columns]
    inspector = engine_for(conn.dialect.name).inspector(conn)
    for text in _check_texts(conn, inspector, schema, table):
        checked = check_codes(text, names)
        if checked and checked[0] not in codes:
            codes[checked[0]] = checked[1]
    unknown = [(n, t) for n, t in columns if n not in codes and t and not _KNOWN_TYPE.search(t)]
    if unknown and conn.dialect.name == "postgresql":
        enums = _postgres_enums(inspector)
        codes.update({name: enums[t.strip('"')] for name, t in unknown if enums.get(t.strip('"'))})
    return codes
