"""Reading tables through SQLAlchemy's inspector with the multi-table calls (one pass per batch, not per table)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine.reflection import ObjectKind

from amx_core.catalog.live import LiveColumn, LiveTable, table_fingerprint
from amx_core.scope.paths import format_path

KIND_LISTERS = (
    ("table", "get_table_names"),
    ("view", "get_view_names"),
    ("materialized_view", "get_materialized_view_names"),
)


def live_kinds(inspector: sa.Inspector, schema: str) -> dict[str, str]:
    """{name: kind} of every table, view and materialized view in `schema`."""
    kinds: dict[str, str] = {}
    for kind, lister in KIND_LISTERS:
        try:
            names = getattr(inspector, lister)(schema=schema)
        except NotImplementedError:
            continue
        for name in names:
            kinds.setdefault(name, kind)
    return kinds


def type_text(type_: sa.types.TypeEngine, dialect: sa.Dialect) -> str:
    """The type as the dialect writes it (`VARCHAR(160)`, `NUMERIC(10, 2)`), never raising."""
    try:
        return type_.compile(dialect=dialect)
    except Exception:  # noqa: BLE001 - exotic reflected types may not compile
        try:
            return str(type_)
        except Exception:  # noqa: BLE001
            return type(type_).__name__.upper()


TYPE_MAX = 255  # the cache's column widths
FK_MAX = 800


class TypeTexts:
    """type_text memoised by (class, attributes): 50 columns of VARCHAR(40) compile once, not 50 times."""

    def __init__(self, dialect: sa.Dialect) -> None:
        self.dialect = dialect
        self.known: dict = {}

    def __call__(self, type_: sa.types.TypeEngine) -> str:
        try:
            key = (type_.__class__, tuple(type_.__dict__.items()))
            text = self.known.get(key)
        except TypeError:  # an unhashable attribute (e.g. a list of enum values)
            return type_text(type_, self.dialect)[:TYPE_MAX]
        if text is None:
            text = self.known[key] = type_text(type_, self.dialect)[:TYPE_MAX]
        return text


def _default_text(column: dict) -> str | None:
    default = column.get("default")
    if default is None and column.get("computed"):
        return f"GENERATED ALWAYS AS ({column['computed'].get('sqltext')})"
    return None if default is None else str(default)


def _multi(inspector: sa.Inspector, method: str, schema: str, names: list[str] | None) -> dict:
    try:
        return getattr(inspector, method)(schema=schema, filter_names=names, kind=ObjectKind.ANY)
    except NotImplementedError:
        return {}


def _fk_targets(fks: Iterable[dict], schema: str) -> dict[str, str]:
    targets: dict[str, list[str]] = {}
    for fk in fks:
        ref_schema = fk.get("referred_schema") or schema
        # strict=False: SQLite reports no referred columns for a foreign key whose parent table is gone.
        pairs = zip(fk.get("constrained_columns") or (), fk.get("referred_columns") or (), strict=False)
        for local, remote in pairs:
            targets.setdefault(local, []).append(format_path((ref_schema, fk["referred_table"], remote)))
    return {col: ", ".join(sorted(set(paths)))[:FK_MAX] for col, paths in targets.items()}


def reflect_tables(
    inspector: sa.Inspector,
    schema: str,
    kinds: dict[str, str],
    names: list[str] | None,
    *,
    fingerprints: dict[str, str] | None = None,
    fingerprint: bool = True,
) -> list[LiveTable]:
    """Reflect `names` of `schema` (None: all of `kinds`).

    `fingerprints` gives the dialect's own (PostgreSQL's catalog query); otherwise they are computed
    here, unless `fingerprint` is False (they come later: a cold PostgreSQL branch).
    """
    texts = TypeTexts(inspector.dialect)
    make = LiveColumn._make  # tuple.__new__ straight, for 100,000 columns
    columns = _multi(inspector, "get_multi_columns", schema, names)
    pks = _multi(inspector, "get_multi_pk_constraint", schema, names)
    fks = _multi(inspector, "get_multi_foreign_keys", schema, names)
    comments = _multi(inspector, "get_multi_table_comment", schema, names)
    wanted = set(names) if names is not None else set(kinds)
    tables: list[LiveTable] = []
    for (_schema, name), cols in columns.items():
        if name not in wanted or name not in kinds:
            continue
        key = (_schema, name)
        pk_cols = set((pks.get(key) or {}).get("constrained_columns") or ())
        fk_map = _fk_targets(fks.get(key) or (), schema)
        live_cols = tuple(
            [
                make(
                    (
                        c["name"],
                        i,
                        texts(c["type"]),
                        bool(c.get("nullable", True)),
                        _default_text(c) if c.get("default") is not None or c.get("computed") else None,
                        c["name"] in pk_cols,
                        fk_map.get(c["name"]) if fk_map else None,
                        c.get("comment"),
                    )
                )
                for i, c in enumerate(cols, start=1)
            ]
        )
        comment = (comments.get(key) or {}).get("text")
        kind = kinds[name]
        fp = (fingerprints or {}).get(name) or (table_fingerprint(kind, comment, live_cols) if fingerprint else "")
        tables.append(
            LiveTable(schema=schema, name=name, kind=kind, comment=comment, columns=live_cols, fingerprint=fp)
        )
    return tables
