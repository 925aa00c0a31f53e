"""Review services over a manual run on Chinook (SQLite: the local catalog): states, edits, apply, stale."""

from __future__ import annotations

import pytest
from analyze_support import NOW, add_profiles, make_schedule, start_run
from sqlmodel import select

from amx_core.analyze.executor import run_analyze
from amx_core.errors import ConflictError, NotFoundError, ValidationError
from amx_core.models import LocalComment, WrittenMark
from amx_core.services import review


@pytest.fixture
def queued(store, chinook_sqlite):  # noqa: F811
    add_profiles(store, chinook_sqlite)
    handle = start_run(store, make_schedule(store, scope=["main.Genre", "main.MediaType"]))
    assert run_analyze(handle.ctx).ok
    views = {v.target: v for v in review.list_suggestions(store, run_id=handle.run_id)}
    return store, handle.run_id, views


def _local(store) -> dict[str, str]:
    with store.session() as s:
        return {r.target: r.text for r in s.exec(select(LocalComment))}


def test_list_filters_and_json_shape(queued):
    store, run_id, views = queued
    assert len(views) == 6 and {v.state for v in views.values()} == {"pending"}
    data = views["main.Genre.Name"].to_json()
    for key in (
        "id",
        "run_id",
        "target",
        "current",
        "proposed",
        "confidence",
        "band",
        "state",
        "alternatives",
        "reason",
        "flags",
    ):
        assert key in data
    assert data["run_id"] == run_id and data["band"] in ("low", "medium", "high") and data["db_profile"] == "db"
    assert review.list_suggestions(store, states="accepted") == []
    assert len(review.list_suggestions(store, run_id=run_id + 1)) == 0
    with pytest.raises(ValidationError) as err:
        review.list_suggestions(store, states="pending,bogus")
    assert err.value.field == "state"


def test_accept_edit_reject_then_apply_writes_only_accepted_and_edited(queued):
    store, run_id, views = queued
    genre, name, mt = views["main.Genre"], views["main.Genre.Name"], views["main.MediaType"]
    review.accept_suggestions(store, [genre.id], now=NOW)
    edited = review.edit_suggestion(store, name.id, "  The genre's name, e.g. Rock.  ", now=NOW)
    assert edited.state == "edited" and edited.proposed == "The genre's name, e.g. Rock."
    assert edited.alternatives[0] == name.proposed
    review.reject_suggestions(store, [mt.id], now=NOW)
    assert _local(store) == {}
    results = review.apply_suggestions(store, run_id=run_id, now=NOW)
    assert [(r.id, r.state, r.ok) for r in results] == [(genre.id, "applied", True), (name.id, "applied", True)]
    assert _local(store) == {"main.Genre": genre.proposed, "main.Genre.Name": "The genre's name, e.g. Rock."}
    after = review.get_suggestion(store, name.id)
    assert after.state == "applied" and after.old_value is None and after.applied_sql
    with store.session() as s:
        marks = {m.target: m.reviewed for m in s.exec(select(WrittenMark))}
    assert marks == {"main.Genre": True, "main.Genre.Name": True}  # a person's accept and edit: never AMX's own
    assert review.apply_suggestions(store, run_id=run_id) == []


def test_transitions_refuse_clearly_and_atomically(queued):
    store, _run_id, views = queued
    a, b = views["main.Genre"].id, views["main.Genre.Name"].id
    review.accept_suggestions(store, [a])
    review.apply_suggestions(store, ids=[a])
    with pytest.raises(ConflictError) as err:
        review.reject_suggestions(store, [b, a])
    assert f"suggestion {a} is applied" in err.value.message
    assert review.get_suggestion(store, b).state == "pending"  # the batch changed nothing
    with pytest.raises(ConflictError):
        review.edit_suggestion(store, a, "x")
    with pytest.raises(NotFoundError):
        review.accept_suggestions(store, [999999])
    with pytest.raises(ValidationError) as err:
        review.edit_suggestion(store, b, "   ")
    assert err.value.field == "text"
    with pytest.raises(ValidationError):
        review.edit_suggestion(store, b, "nul\x00inside")
    with pytest.raises(ValidationError):
        review.accept_suggestions(store, ["x"])


def test_apply_named_ids_reports_each_one(queued):
    store, _run_id, views = queued
    pending, accepted = views["main.MediaType"].id, views["main.MediaType.Name"].id
    review.accept_suggestions(store, [accepted])
    results = review.apply_suggestions(store, ids=[pending, accepted])
    assert [(r.id, r.ok) for r in results] == [(pending, False), (accepted, True)]
    assert "accept or edit it first" in results[0].error


def test_stale_suggestions_are_not_written_and_can_be_accepted_again(queued):
    store, _run_id, views = queued
    target = views["main.Genre.GenreId"]
    with store.session() as s:
        s.add(LocalComment(profile_id=1, database="", target=target.target, text="Written by a person meanwhile."))
    review.accept_suggestions(store, [target.id])
    [result] = review.apply_suggestions(store, ids=[target.id])
    assert result.state == "stale" and not result.ok
    stale = review.get_suggestion(store, target.id)
    assert stale.state == "stale" and stale.current == "Written by a person meanwhile."
    assert _local(store)[target.target] == "Written by a person meanwhile."
    review.accept_suggestions(store, [target.id])
    [again] = review.apply_suggestions(store, ids=[target.id])
    assert again.ok and _local(store)[target.target] == target.proposed
    assert review.get_suggestion(store, target.id).old_value == "Written by a person meanwhile."
