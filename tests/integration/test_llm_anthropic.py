"""The anthropic provider against the loopback server: headers, JSON from text, truncation, usage."""

from __future__ import annotations

import pytest
from llm_server import Reply, anthropic_reply, auto_anthropic, description_json

from amx_core.llm.client import RetryPolicy
from amx_core.llm.describe import describe_with_repair
from amx_core.llm.errors import PermanentLlmError
from amx_core.llm.registry import Wiring, provider_for
from amx_core.llm.types import ColumnFacts, TableFacts
from amx_core.views import LlmProfileView

KEY = "sk-ant-test-Secret-42424242"
PATH = "/v1/messages"
FACTS = TableFacts(
    "public", "album", columns=(ColumnFacts("album_id", "INTEGER", False, True), ColumnFacts("title", "TEXT"))
)


def provider(server, base_suffix=""):
    profile = LlmProfileView(
        id=1,
        name="anthropic-test",
        provider="anthropic",
        model="claude-test",
        base_url=server.url + base_suffix,
        key_ref="env:ANTHROPIC_KEY",
        temperature=0.1,
        max_concurrency=2,
        timeout_seconds=5.0,
        columns_per_request=50,
    )
    return provider_for(
        profile, lambda ref: KEY, wiring=Wiring(retry=RetryPolicy(attempts=2, base_delay=0.01), sleep=lambda s: None)
    )


def test_valid_reply_headers_and_usage(llm_server):
    text = (
        "```json\n"
        + description_json(
            {"album_id": "Unique identifier of the album.", "title": "Album title as released."}, table="Music albums."
        )
        + "\n```"
    )
    llm_server.script(PATH, Reply(anthropic_reply(text, input_tokens=120, output_tokens=60)))
    reply = provider(llm_server).describe_table(FACTS)
    assert reply.table.text == "Music albums." and reply.columns["title"].text == "Album title as released."
    assert (reply.tokens_in, reply.tokens_out) == (120, 60)
    request = llm_server.requests[0]
    assert request.headers["x-api-key"] == KEY and request.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in request.headers
    body = request.body
    assert body["model"] == "claude-test" and body["max_tokens"] > 0 and "untrusted" in body["system"]
    assert [m["role"] for m in body["messages"]] == ["user"]


def test_base_url_ending_in_v1_is_not_doubled(llm_server):
    llm_server.respond(PATH, auto_anthropic())
    provider(llm_server, "/v1").describe_table(FACTS)
    assert llm_server.requests[0].path == PATH


def test_max_tokens_stop_splits_the_chunk(llm_server):
    llm_server.script(PATH, Reply(anthropic_reply('{"columns": {"album_id": {"desc', stop_reason="max_tokens")))
    llm_server.respond(PATH, auto_anthropic())
    reply = describe_with_repair(provider(llm_server), FACTS, columns_per_request=10)
    assert list(reply.columns) == ["album_id", "title"] and len(llm_server.requests) == 3
    assert reply.tokens_in == 300


def test_key_not_in_auth_error(llm_server):
    llm_server.script(
        PATH,
        Reply(
            {"type": "error", "error": {"type": "authentication_error", "message": f"invalid x-api-key {KEY}"}},
            status=401,
        ),
    )
    with pytest.raises(PermanentLlmError) as caught:
        provider(llm_server).describe_table(FACTS)
    assert KEY not in str(caught.value) and KEY not in caught.value.detail and caught.value.status == 401


def test_ping(llm_server):
    llm_server.script(PATH, Reply(anthropic_reply("pong")))
    assert "pong" in provider(llm_server).ping()
