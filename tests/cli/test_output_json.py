"""The CLI's JSON writer: the same text json.dumps(indent=2) writes, whole or streamed item by item."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amx_cli.output import emit_json_columns, emit_json_list, json_text

_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(_values)
def test_json_text_matches_json_dumps_for_printable_data(data):
    text = json_text(data)
    assert json.loads(text) == data
    expected = json.dumps(data, indent=2, ensure_ascii=False)
    if expected.replace("\n", "").isprintable():
        assert text == expected


@given(st.lists(st.dictionaries(st.text(max_size=8), _values, max_size=5), max_size=5))
def test_a_streamed_list_is_the_whole_list_text(items):
    out = io.StringIO()
    emit_json_list(iter(items), out)
    assert out.getvalue() == json_text(items) + "\n"


_fields = st.lists(st.text(max_size=6), unique=True, min_size=1, max_size=6)
_field_values = _values | st.datetimes(timezones=st.none() | st.just(UTC)) | st.tuples(_scalars, _scalars)


@given(
    _fields.flatmap(
        lambda names: st.tuples(
            st.just(names),
            st.lists(
                st.fixed_dictionaries({name: _field_values for name in names}, optional={"unwritten": _scalars}),
                max_size=5,
            ),
        )
    )
)
def test_columns_are_written_as_the_list_of_their_rows_objects(case):
    names, records = case
    columns = [[record[name] for record in records] for name in names]
    out, whole = io.StringIO(), io.StringIO()
    batches = [[column[:2] for column in columns], [[] for _ in names], [column[2:] for column in columns]]
    emit_json_columns(iter(batches), names, out)
    emit_json_list([{name: record[name] for name in names} for record in records], whole)
    assert out.getvalue() == whole.getvalue()


def test_long_lists_are_written_batch_after_batch_as_one_list():
    records = [
        {"id": i, "at": datetime(2027, 3, 1, tzinfo=UTC), "tags": ("a",) * (i % 3), "note": ["x"] if i == 40 else None}
        for i in range(100)
    ]
    names = ["id", "at", "tags", "note"]
    batches = ([[record[name] for record in records[i : i + 30]] for name in names] for i in range(0, 100, 30))
    out, whole = io.StringIO(), io.StringIO()
    emit_json_columns(batches, names, out)
    emit_json_list(iter(records), whole)
    assert out.getvalue() == whole.getvalue() == json_text(records) + "\n"


def test_columns_of_unequal_length_are_refused():
    with pytest.raises(ValueError):
        emit_json_columns([[[1, 2], [3]]], ["a", "b"], io.StringIO())


def test_keys_and_values_json_spells_its_own_way():
    data = {
        1: float("nan"),
        False: float("inf"),
        None: float("-inf"),
        2.5: datetime(2027, 3, 1, tzinfo=UTC),
        "t": (1, 2),
    }
    assert json_text(data) == json.dumps(data, indent=2, default=lambda d: d.isoformat())


def test_characters_that_act_on_a_terminal_are_escaped():
    assert json_text({"name": "a\u009bb\u202ec"}) == '{\n  "name": "a\\u009bb\\u202ec"\n}'


def test_a_column_of_one_type_the_writer_has_no_encoder_for_is_written_value_by_value():
    at = datetime(2027, 3, 1, tzinfo=UTC)
    out = io.StringIO()
    emit_json_columns([[[at, None], [None, None], [1, 2.5]]], ["at", "gone", "n"], out)
    assert json.loads(out.getvalue()) == [
        {"at": at.isoformat(), "gone": None, "n": 1},
        {"at": None, "gone": None, "n": 2.5},
    ]
