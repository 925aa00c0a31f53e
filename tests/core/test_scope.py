"""Scope paths and the ScopeTree's additive selection."""

from __future__ import annotations

import pytest

from amx_core.errors import ValidationError
from amx_core.scope import ScopeSelection, format_path, normalize_scope, parse_path, summarize_scope
from amx_core.scope.paths import PathSyntaxError


@pytest.mark.parametrize(
    "text,parts",
    [
        ("public", ("public",)),
        ("public.users", ("public", "users")),
        ("public.users.email", ("public", "users", "email")),
        ('"my.schema".users', ("my.schema", "users")),
        ('s."we""ird"', ("s", 'we"ird')),
        ('"with space"."t"', ("with space", "t")),
    ],
)
def test_parse_and_format_round_trip(text, parts):
    assert parse_path(text) == parts
    assert parse_path(format_path(parts)) == parts


@pytest.mark.parametrize("bad", ["", ".", "a.", ".a", "a..b", "a.b.c.d", '"open', "a b", "a\x1b[31m", 'a"b'])
def test_bad_paths(bad):
    with pytest.raises(PathSyntaxError):
        parse_path(bad)


def test_normalize_drops_covered_paths_keeps_order():
    assert normalize_scope(["public.users", "sales", "public.users", "sales.orders"]) == ["public.users", "sales"]
    with pytest.raises(ValidationError) as info:
        normalize_scope(["ok", "not a path"])
    assert info.value.field == "scope"


def test_summary():
    assert summarize_scope([]) == "whole database"
    assert summarize_scope(["public.users", "public.orders", "a", "b", "c"]) == "public.users, public.orders +3"


def test_selection_narrows_and_widens():
    sel = ScopeSelection()
    sel.toggle(("public",))
    assert sel.scope() == ["public"]
    assert sel.state(("public", "users")) == "checked"
    sel.toggle(("public", "users"))  # tick deeper: narrows public to users
    assert sel.scope() == ["public.users"]
    assert sel.state(("public",)) == "partial"
    assert sel.state(("public", "orders")) == "unchecked"
    sel.toggle(("public", "orders"))
    assert sel.scope() == ["public.orders", "public.users"]
    sel.toggle(("public", "orders"))
    sel.toggle(("public", "users"))  # untick the last deeper tick: back to the whole branch
    assert sel.scope() == ["public"]
    sel.toggle(("sales", "invoices"))  # branches add up
    assert sel.scope() == ["public", "sales.invoices"]
    sel.toggle(("public",))
    assert sel.scope() == ["sales.invoices"]


def test_partial_node_toggles_to_whole_branch():
    sel = ScopeSelection.from_scope(["public.users"])
    assert sel.state(("public",)) == "partial"
    assert sel.toggle(("public",)) == "checked"
    assert sel.scope() == ["public"]
