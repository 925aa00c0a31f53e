"""The analyze pipeline overlaps its stages: proven by the order of events at a loopback LLM server, never by time.

A request slot carries the next request while the last reply is still being checked; the first request goes
out while later tables are still being profiled; each table's suggestions are in the store while later
requests are still unanswered; tables take the slots in plan order whatever order their profiles finish in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from analyze_support import add_profiles, make_schedule, start_run
from llm_server import Reply, auto_openai, openai_reply

import amx_core.analyze.executor as executor
import amx_core.analyze.tables as tables
import amx_core.llm.providers.base as base
from amx_core.analyze.executor import AnalyzeOptions, make_analyzer
from amx_core.llm.prompt import fenced_data
from amx_core.services.review import list_suggestions

PATH = "/chat/completions"
SCOPE = ["main.Artist", "main.Genre", "main.MediaType"]  # two columns each, no FK between them
WAIT = 10.0  # how long a test waits for an event that must come (a failure, never a measurement)


def _table(request) -> str:
    user = next(m["content"] for m in request.body["messages"] if m["role"] == "user")
    return fenced_data(user)["table"]["name"]


class Running:
    """An analyze run on a thread, so the test can watch the server while it runs."""

    def __init__(self, store, chinook_sqlite, llm_server, responder: Callable, *, concurrency: int = 1) -> None:
        add_profiles(store, chinook_sqlite, llm="openai", base_url=llm_server.url, concurrency=concurrency)
        llm_server.respond(PATH, responder)
        self.handle = start_run(store, make_schedule(store, scope=SCOPE, review="manual"))
        self.outcome: list = []
        self.thread = threading.Thread(
            target=lambda: self.outcome.append(make_analyzer(AnalyzeOptions())(self.handle.ctx))
        )
        self.thread.start()

    def _run(self) -> None:
        self.outcome.append(make_analyzer(AnalyzeOptions())(self.handle.ctx))

    def finish(self):
        self.thread.join(WAIT)
        assert not self.thread.is_alive()
        return self.outcome[0]


def _saved_tables(store, run_id) -> set[str]:
    return {v.target.split(".")[1] for v in list_suggestions(store, run_id=run_id)}


@pytest.fixture
def gate():
    """An event released at the end of the test whatever happens, so no run thread is left waiting."""
    event = threading.Event()
    yield event
    event.set()


def test_a_slot_sends_the_next_request_while_the_last_reply_is_still_checked(
    store, chinook_sqlite, llm_server, monkeypatch, gate
):
    checking = threading.Event()
    real = base.parse_reply

    def held_check(*args, **kwargs):
        if not checking.is_set():
            checking.set()
            gate.wait(WAIT)
        return real(*args, **kwargs)

    monkeypatch.setattr(base, "parse_reply", held_check)
    run = Running(store, chinook_sqlite, llm_server, auto_openai())
    assert checking.wait(WAIT)
    # one slot only, and the first reply is not checked yet: the slot already carries the second table's request
    assert llm_server.wait_for(lambda s: len(s.requests) >= 2, timeout=WAIT)
    assert _saved_tables(store, run.handle.run_id) == set()
    gate.set()
    assert run.finish().ok
    assert llm_server.max_in_flight == 1
    assert _saved_tables(store, run.handle.run_id) == {"Artist", "Genre", "MediaType"}


def test_the_first_request_goes_out_while_later_tables_are_still_profiled(
    store, chinook_sqlite, llm_server, monkeypatch, gate
):
    real = tables.profile_table

    def slow_last(conn, schema, table, *args, **kwargs):
        if table == "MediaType":
            gate.wait(WAIT)
        return real(conn, schema, table, *args, **kwargs)

    monkeypatch.setattr(tables, "profile_table", slow_last)
    run = Running(store, chinook_sqlite, llm_server, auto_openai())
    assert llm_server.wait_for(lambda s: len(s.requests) >= 2, timeout=WAIT)
    assert [_table(r) for r in llm_server.requests] == ["Artist", "Genre"]
    gate.set()
    assert run.finish().ok
    assert [_table(r) for r in llm_server.requests] == ["Artist", "Genre", "MediaType"]


def test_each_reply_is_saved_while_later_requests_are_unanswered(store, chinook_sqlite, llm_server, gate):
    def responder(request):
        if _table(request) == "MediaType":
            return Reply(openai_reply(_auto_text(request)), hold=True)
        return auto_openai()(request)

    run = Running(store, chinook_sqlite, llm_server, responder)
    assert llm_server.wait_for(lambda s: len(s.requests) == 3 and s.in_flight == 1, timeout=WAIT)
    saved = _wait_until(lambda: _saved_tables(store, run.handle.run_id) == {"Artist", "Genre"})
    llm_server.release()
    assert saved, "the replies received were not saved while the last request was unanswered"
    assert run.finish().ok
    assert _saved_tables(store, run.handle.run_id) == {"Artist", "Genre", "MediaType"}


def test_tables_ask_in_plan_order_whatever_order_their_profiles_finish(store, chinook_sqlite, llm_server, monkeypatch):
    genre_profiled = threading.Event()
    real = tables.profile_table

    def genre_first(conn, schema, table, *args, **kwargs):
        if table == "Artist":
            assert genre_profiled.wait(WAIT)
        found = real(conn, schema, table, *args, **kwargs)
        if table == "Genre":
            genre_profiled.set()
        return found

    monkeypatch.setattr(tables, "profile_table", genre_first)
    # profiles finish out of order where two threads profile, as for a database server (a file gets one)
    monkeypatch.setattr(executor, "_profilers", lambda dest: executor.PROFILERS)
    run = Running(store, chinook_sqlite, llm_server, auto_openai())
    assert run.finish().ok
    assert [_table(r) for r in llm_server.requests] == ["Artist", "Genre", "MediaType"]


def _auto_text(request) -> str:
    return auto_openai()(request).body["choices"][0]["message"]["content"]


def _wait_until(predicate: Callable[[], bool]) -> bool:
    """Wait for `predicate` (a store state another thread reaches); False if it never holds."""
    done = threading.Event()
    for _ in range(int(WAIT / 0.05)):
        if predicate():
            return True
        done.wait(0.05)
    return predicate()
