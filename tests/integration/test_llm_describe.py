"""describe_with_repair over a real provider and loopback server: chunks, splits, repairs, tokens, concurrency."""

from __future__ import annotations

import json
import threading

import pytest
from llm_server import Reply, asked_columns, auto_openai, description_json, openai_reply

from amx_core.llm.client import RetryPolicy
from amx_core.llm.describe import describe_with_repair
from amx_core.llm.errors import InvalidReply, TruncatedReply
from amx_core.llm.registry import Wiring, provider_for
from amx_core.llm.types import ColumnFacts, TableFacts
from amx_core.views import LlmProfileView

PATH = "/chat/completions"
COLUMNS = ("a_id", "b_name", "c_total", "d_created_at")
FACTS = TableFacts("s", "wide", columns=tuple(ColumnFacts(name, "TEXT") for name in COLUMNS))


def provider(server, *, name="describe-test", concurrency=4):
    profile = LlmProfileView(
        id=1,
        name=name,
        provider="openai",
        model="m",
        base_url=server.url,
        key_ref=None,
        temperature=0.0,
        max_concurrency=concurrency,
        timeout_seconds=5.0,
        columns_per_request=50,
    )
    return provider_for(profile, wiring=Wiring(retry=RetryPolicy(attempts=2, base_delay=0.01), sleep=lambda s: None))


def texts(names):
    return {name: f"Business meaning number {i} for the test." for i, name in enumerate(names)}


def test_chunks_wide_tables_and_sums_tokens(llm_server):
    llm_server.respond(PATH, auto_openai())
    reply = describe_with_repair(provider(llm_server), FACTS, columns_per_request=3)
    asked = [asked_columns(r) for r in llm_server.requests]
    assert asked == [(["a_id", "b_name", "c_total"], True), (["d_created_at"], False)]
    assert list(reply.columns) == list(COLUMNS) and reply.table is not None
    assert (reply.tokens_in, reply.tokens_out) == (200, 100)


def test_truncated_reply_splits_the_chunk_and_both_halves_succeed(llm_server):
    llm_server.script(
        PATH,
        Reply(
            openai_reply(
                '{"table": {"description": "Cut', finish_reason="length", prompt_tokens=70, completion_tokens=4096
            )
        ),
    )
    llm_server.respond(PATH, auto_openai())
    reply = describe_with_repair(provider(llm_server), FACTS, columns_per_request=4)
    asked = [asked_columns(r) for r in llm_server.requests]
    assert asked == [(list(COLUMNS), True), (["a_id", "b_name"], True), (["c_total", "d_created_at"], False)]
    assert list(reply.columns) == list(COLUMNS) and reply.table is not None and reply.missing == ()
    assert (reply.tokens_in, reply.tokens_out) == (70 + 200, 4096 + 100)
    assert any("truncated" in note for note in reply.notes)


def test_truncated_single_column_fails_the_table(llm_server):
    facts = TableFacts("s", "one", columns=(ColumnFacts("x", "TEXT"),))
    llm_server.respond(
        PATH, lambda r: Reply(openai_reply("{", finish_reason="length", prompt_tokens=5, completion_tokens=9))
    )
    with pytest.raises(TruncatedReply) as caught:
        describe_with_repair(provider(llm_server), facts, columns_per_request=10)
    assert (caught.value.tokens_in, caught.value.tokens_out) == (5, 9)


def test_malformed_json_gets_one_repair_then_the_table_fails(llm_server):
    broken = Reply(
        openai_reply('{"table": {"description": "x", "columns": [oops', prompt_tokens=11, completion_tokens=7)
    )
    llm_server.script(PATH, broken, broken)
    with pytest.raises(InvalidReply) as caught:
        describe_with_repair(provider(llm_server), FACTS, columns_per_request=10)
    assert len(llm_server.requests) == 2
    repair = llm_server.requests[1].body["messages"][1]["content"]
    assert "previous answer was rejected" in repair and "no JSON object" in repair
    assert "after one repair attempt" in str(caught.value)
    assert (caught.value.tokens_in, caught.value.tokens_out) == (22, 14)


def test_malformed_then_repaired(llm_server):
    llm_server.script(PATH, Reply(openai_reply("not json at all")))
    llm_server.respond(PATH, auto_openai())
    reply = describe_with_repair(provider(llm_server), FACTS, columns_per_request=10)
    assert list(reply.columns) == list(COLUMNS) and len(llm_server.requests) == 2
    assert reply.tokens_in == 200 and any("repair asked" in note for note in reply.notes)


def test_invented_columns_dropped_and_noted(llm_server):
    answer = {**texts(COLUMNS), "password_hash": "Hash of the password.", "A_ID": "Duplicate in other case."}
    llm_server.script(PATH, Reply(openai_reply(description_json(answer))))
    reply = describe_with_repair(provider(llm_server), FACTS, columns_per_request=10)
    assert list(reply.columns) == list(COLUMNS)
    assert reply.columns["a_id"].text == "Business meaning number 0 for the test."
    assert any("password_hash" in note for note in reply.notes)
    assert any("'A_ID'" in note for note in reply.notes)
    assert len(llm_server.requests) == 1


def test_missing_columns_are_asked_again_once_then_reported(llm_server):
    llm_server.script(
        PATH,
        Reply(openai_reply(description_json(texts(["a_id", "b_name"])))),
        Reply(openai_reply(description_json(texts(["c_total"]), table=None))),
    )
    reply = describe_with_repair(provider(llm_server), FACTS, columns_per_request=10)
    assert asked_columns(llm_server.requests[1]) == (["c_total", "d_created_at"], False)
    assert len(llm_server.requests) == 2
    assert list(reply.columns) == ["a_id", "b_name", "c_total"]
    assert reply.missing == ("d_created_at",)
    assert (reply.tokens_in, reply.tokens_out) == (200, 100)


def test_concurrency_limit_is_respected_at_the_server(llm_server):
    llm_server.respond(PATH, auto_openai(hold=True))
    shared = provider(llm_server, name="concurrency-two", concurrency=2)
    tables = [TableFacts("s", f"t{i}", columns=(ColumnFacts("x", "TEXT"),)) for i in range(6)]
    results, errors = [], []

    def work(facts):
        try:
            results.append(describe_with_repair(shared, facts, columns_per_request=10))
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(facts,)) for facts in tables]
    for thread in threads:
        thread.start()
    assert llm_server.wait_for(lambda s: s.in_flight == 2)
    # the other four must stay queued at the client: a broken limit lets them reach the server here
    assert not llm_server.wait_for(lambda s: s.in_flight > 2, timeout=0.2)
    llm_server.release()
    for thread in threads:
        thread.join(10)
    assert errors == [] and len(results) == 6
    # the server counts a request completed after writing it, which may trail the client's read
    assert llm_server.wait_for(lambda s: s.completed == 6)
    assert llm_server.max_in_flight == 2


def test_token_accounting_counts_failed_exchanges(llm_server):
    llm_server.script(
        PATH,
        Reply(openai_reply("garbage", prompt_tokens=1, completion_tokens=2)),
        Reply(openai_reply("{}", finish_reason="length", prompt_tokens=4, completion_tokens=8)),
    )
    llm_server.respond(
        PATH, lambda r: Reply(openai_reply(json.loads(json.dumps(_auto(r))), prompt_tokens=16, completion_tokens=32))
    )
    reply = describe_with_repair(provider(llm_server), FACTS, columns_per_request=10)
    assert list(reply.columns) == list(COLUMNS)
    assert (reply.tokens_in, reply.tokens_out) == (1 + 4 + 16 + 16, 2 + 8 + 32 + 32)


def _auto(request):
    names, wants_table = asked_columns(request)
    return description_json(texts(names), table="T." if wants_table else None)
