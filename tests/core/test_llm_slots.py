"""A run's request slots: bounded, handed on in turn order, withdrawn from tables not started once the run stops."""

from __future__ import annotations

import threading

import pytest

from amx_core.llm.slots import RequestSlots, Withdrawn

WAIT = 10.0


def _taker(turn, taken: list[int], number: int) -> threading.Thread:
    def take() -> None:
        turn.acquire()
        taken.append(number)

    thread = threading.Thread(target=take)
    thread.start()
    return thread


def test_a_later_turn_waits_for_the_earlier_one_even_with_a_slot_free():
    slots = RequestSlots(2)
    first, second = slots.turn(), slots.turn()
    taken: list[int] = []
    later = _taker(second, taken, 2)
    later.join(0.2)
    assert later.is_alive() and taken == []  # a slot is free, but turn 1 has not asked yet
    first.acquire()
    taken.append(1)
    later.join(WAIT)
    assert taken == [1, 2]


def test_a_turn_given_up_passes_to_the_next_table():
    slots = RequestSlots(1)
    first, second = slots.turn(), slots.turn()
    taken: list[int] = []
    later = _taker(second, taken, 2)
    first.close()  # the first table failed before asking
    later.join(WAIT)
    assert taken == [2]


def test_no_more_than_size_requests_hold_a_slot_and_a_release_lets_the_next_in():
    slots = RequestSlots(1)
    first, second = slots.turn(), slots.turn()
    first.acquire()
    taken: list[int] = []
    later = _taker(second, taken, 2)
    later.join(0.2)
    assert later.is_alive()
    first.release()
    later.join(WAIT)
    assert taken == [2]


def test_a_stopping_run_withdraws_tables_not_started_but_lets_a_started_one_finish():
    stop = threading.Event()
    slots = RequestSlots(1, stop.is_set)
    started, waiting = slots.turn(), slots.turn()
    started.acquire()
    stop.set()
    with pytest.raises(Withdrawn):
        waiting.acquire()
    started.release()
    started.acquire()  # the started table's next request (a chunk, a repair) still gets its slot
    started.release()
