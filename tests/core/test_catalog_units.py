"""Pure parts of the catalog: scope plans, column diffs, fingerprints, connection error wording."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from amx_core.catalog.connect import CatalogConnectError, CatalogTarget, connect_failure
from amx_core.catalog.diff import CachedColumn, column_changes
from amx_core.catalog.live import LiveColumn, combine_fingerprints, table_fingerprint
from amx_core.catalog.scopespec import ScopeSpec
from amx_core.errors import NotFoundError, ValidationError
from amx_core.scope.paths import parse_path


def col(name, type_="INTEGER", nullable=True, **kw) -> LiveColumn:
    base = dict(position=1, default=None, primary_key=False, fk_target=None, comment=None)
    base.update(kw)
    return LiveColumn(name=name, type=type_, nullable=nullable, **base)


def test_scope_spec_normalises_and_plans():
    spec = ScopeSpec.parse(["public", "public.users", "sales.orders.total", '"my.schema".t', "sales.orders.id"])
    assert spec.texts == ('"my.schema".t', "public", "sales.orders.id", "sales.orders.total")
    assert spec.whole_schemas == {"public"}
    assert spec.tables == {("my.schema", "t"), ("sales", "orders")}
    assert spec.selected_columns(("sales", "orders")) == ("id", "total")
    assert spec.selected_columns(("my.schema", "t")) is None
    assert ScopeSpec.parse([]).full and not ScopeSpec(schemas_only=True).full


@pytest.mark.parametrize(
    ("scope", "event", "expected"),
    [
        ([], "a.b.c", True),
        (["public"], "public.users.email", True),
        (["public.users"], "public.orders", False),
        (["public.users.email"], "public.users", True),  # the table holding the scoped column was removed
        (["public.users.email"], "public.users.name", False),
    ],
)
def test_scope_covers_changes(scope, event, expected):
    assert ScopeSpec.parse(scope).covers(parse_path(event)) is expected


def test_bad_scope_names_the_field():
    with pytest.raises(ValidationError) as err:
        ScopeSpec.parse(["a.b.c.d"])
    assert err.value.field == "scope"


def test_column_changes_are_exact():
    cached = [
        CachedColumn("id", "INTEGER", False),
        CachedColumn("name", "VARCHAR(20)", True),
        CachedColumn("gone", "TEXT", True),
    ]
    live = (col("id", "BIGINT", False), col("name", "VARCHAR(20)", False), col("new", "TEXT"))
    changes = [(c.kind, c.path, c.detail) for c in column_changes("s", "t", cached, live)]
    assert changes == [
        ("type_changed", "s.t.id", "INTEGER -> BIGINT"),
        ("nullability_changed", "s.t.name", "NULL -> NOT NULL"),
        ("column_added", "s.t.new", "TEXT"),
        ("column_removed", "s.t.gone", "TEXT"),
    ]
    same = (col("id", "INTEGER", False, default="1", comment="x"), col("name", "VARCHAR(20)"), col("gone", "TEXT"))
    assert column_changes("s", "t", cached, same) == []  # defaults and comments change no event


def test_fingerprints_ignore_order_and_see_every_definition_part():
    a, b = col("a"), col("b", "TEXT")
    base = table_fingerprint("table", None, [a, b])
    assert base == table_fingerprint("table", None, [b, a])
    assert len(base) == 64
    variants = [
        table_fingerprint("view", None, [a, b]),
        table_fingerprint("table", "note", [a, b]),
        table_fingerprint("table", None, [a, col("b", "TEXT", comment="c")]),
        table_fingerprint("table", None, [a, col("b", "TEXT", fk_target="s.x.y")]),
        table_fingerprint("table", None, [a, col("b", "TEXT", nullable=False)]),
    ]
    assert base not in variants and len(set(variants)) == len(variants)
    assert combine_fingerprints([("x", "1"), ("y", "2")]) == combine_fingerprints([("y", "2"), ("x", "1")])


class _DriverError(Exception):
    pass


@pytest.mark.parametrize(
    ("dialect", "text", "kind", "words"),
    [
        ("postgresql", 'FATAL:  database "nope" does not exist', NotFoundError, "database 'nope' does not exist on"),
        (
            "postgresql",
            'FATAL:  password authentication failed for user "amx"',
            CatalogConnectError,
            "authentication failed",
        ),
        (
            "mariadb",
            "(1045, \"Access denied for user 'root'@'localhost' (using password: YES)\")",
            CatalogConnectError,
            "authentication failed",
        ),
        ("mysql", "(1049, \"Unknown database 'nope'\")", NotFoundError, "does not exist"),
        (
            "postgresql",
            "connection refused\n\tIs the server running",
            CatalogConnectError,
            "connection refused Is the server running",
        ),
    ],
)
def test_connect_failures_are_worded_and_masked(dialect, text, kind, words):
    target = CatalogTarget(profile_id=1, profile="p", dialect=dialect, database="nope", url="x")
    real = sa.engine.make_url(f"{dialect}://amx:s3cret-pw@db.example/nope").render_as_string(hide_password=False)
    error = connect_failure(target, real, _DriverError(text + " with s3cret-pw inside"))
    assert isinstance(error, kind)
    assert words in error.message
    assert "s3cret-pw" not in error.message and "amx:***@db.example" in error.message
    if isinstance(error, CatalogConnectError):
        assert error.transient is ("authentication" not in words)
