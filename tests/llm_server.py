"""A real loopback HTTP server that replays scripted LLM replies, and the `llm_server` fixture.

Each path has a FIFO of `Reply` objects; when it runs dry, the path's responder (a
function of the recorded request) answers, else a 418 says nothing was scripted.
Every request is recorded (path, lower-cased headers, JSON body) and the number of
requests in flight is tracked, so tests can assert on concurrency.

Import the fixture into a conftest: `from llm_server import llm_server  # noqa: F401`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Reply:
    """One scripted answer; `delay` is a real wait (only for slow-server cases), `hold` waits for `release()`."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hold: bool = False


@dataclass(frozen=True)
class Recorded:
    """A request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes


Responder = Callable[[Recorded], Reply]


class ReplayServer:
    """ThreadingHTTPServer on 127.0.0.1:<free port> in a background thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Reply]] = defaultdict(deque)
        self._responders: dict[str, Responder] = {}
        self._stop = threading.Event()
        self._gate = threading.Event()
        self._changed = threading.Condition(self._lock)
        self.requests: list[Recorded] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.completed = 0
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), name="llm-replay", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, path: str, *replies: Reply) -> None:
        """Queue replies for `path` (answered in order)."""
        with self._lock:
            self._queues[path].extend(replies)

    def respond(self, path: str, responder: Responder) -> None:
        """Answer `path` with `responder(request)` whenever its queue is empty."""
        with self._lock:
            self._responders[path] = responder

    def release(self) -> None:
        """Let every held request (Reply.hold) answer."""
        self._gate.set()

    def wait_for(self, predicate: Callable[[ReplayServer], bool], timeout: float = 5.0) -> bool:
        """Block until `predicate(server)` holds (checked whenever a request starts or ends)."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self), timeout=timeout)

    def bodies(self, path: str | None = None) -> list[Any]:
        return [r.body for r in self.requests if path is None or r.path == path]

    def close(self) -> None:
        self._stop.set()
        self._gate.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    # called from handler threads
    def _next_reply(self, request: Recorded) -> Reply:
        with self._changed:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._changed.notify_all()
            queue = self._queues.get(request.path)
            scripted = queue.popleft() if queue else None
            responder = self._responders.get(request.path)
        if scripted is not None:
            return scripted
        if responder is not None:
            return responder(request)
        return Reply({"error": {"message": f"no scripted reply for {request.path}"}}, status=418)

    def _wait(self, reply: Reply, arrived: float) -> None:
        """Hold the reply until released and `delay` seconds after the request arrived (building it counts)."""
        if reply.hold:
            self._gate.wait(5.0)
        if reply.delay:
            self._stop.wait(max(0.0, reply.delay - (time.monotonic() - arrived)))

    def _answering(self) -> None:
        """The reply is about to be written: from here the client may read it and send its next request,
        so the request stops counting as in flight now (counting it until the write ends would let the
        client's next request overlap it here, a concurrency the client never had)."""
        with self._changed:
            self.in_flight -= 1
            self._changed.notify_all()

    def _done(self, answered: bool) -> None:
        with self._changed:
            if not answered:
                self.in_flight -= 1
            self.completed += 1
            self._changed.notify_all()


def _handler_for(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            arrived = time.monotonic()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            headers = {k.lower(): v for k, v in self.headers.items()}
            request = Recorded(self.command, self.path, headers, body, raw)
            answered = False
            try:
                reply = server._next_reply(request)
                server._wait(reply, arrived)
                payload = (
                    reply.body
                    if isinstance(reply.body, bytes)
                    else (reply.body.encode() if isinstance(reply.body, str) else json.dumps(reply.body).encode())
                )
                self.send_response(reply.status)
                if not any(k.lower() == "content-type" for k in reply.headers):
                    self.send_header("Content-Type", "application/json")
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                server._answering()
                answered = True
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)
            finally:
                server._done(answered)

        do_POST = _serve
        do_GET = _serve

    return Handler


# ---- reply builders -------------------------------------------------------------------------------


def proposal(
    text: str, confidence: float = 0.9, alternatives: Iterable[str] = (), reason: str = "from the data"
) -> dict:
    return {"description": text, "confidence": confidence, "alternatives": list(alternatives), "reason": reason}


def description_json(columns: dict[str, str], table: str | None = "A table.", confidence: float = 0.9) -> str:
    """The JSON text a model would answer: `{"table": ..., "columns": {name: proposal}}`."""
    data: dict[str, Any] = {"columns": {name: proposal(text, confidence) for name, text in columns.items()}}
    if table is not None:
        data = {"table": proposal(table, confidence), **data}
    return json.dumps(data)


def openai_reply(
    content: str, *, finish_reason: str = "stop", prompt_tokens: int = 100, completion_tokens: int = 50
) -> dict:
    """A Chat Completions response body."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "test-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def anthropic_reply(
    text: str, *, stop_reason: str = "end_turn", input_tokens: int = 100, output_tokens: int = 50
) -> dict:
    """A Messages API response body."""
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": "test-model",
        "content": [{"type": "text", "text": text}],
        "stop_reason": stop_reason,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }


def asked_columns(request: Recorded) -> tuple[list[str], bool]:
    """(column names, table wanted) a request built by amx_core.llm.prompt asks for."""
    from amx_core.llm.prompt import fenced_data

    messages = request.body.get("messages") or []
    user = next(m["content"] for m in messages if m.get("role") == "user")
    data = fenced_data(user)
    wants_table = user.lstrip().startswith("Describe the table")
    return [c["name"] for c in data["columns"]], wants_table


def _auto_json(request: Recorded) -> str:
    columns, wants_table = asked_columns(request)
    return description_json(
        {name: f"Meaning of {name} in this table, described for the test." for name in columns},
        table="Table described for the test." if wants_table else None,
    )


def auto_openai(delay: float = 0.0, hold: bool = False) -> Responder:
    """A responder answering every OpenAI-style request validly for exactly the asked columns."""
    return lambda request: Reply(openai_reply(_auto_json(request)), delay=delay, hold=hold)


# Word pieces the way BPE tokenizers pre-split text (letters, up to three digits, punctuation runs, spaces), a
# long word costing one more piece per 8 letters. Measured once against a real BPE tokenizer (cl100k_base) on
# AMX's requests and replies for the whole of Chinook: 3.4 % under it for prompts, 4.9 % over it for replies.
# A different rule from AMX's own estimate (characters per token), so the estimate test compares two counts.
_PIECES = re.compile(r"'(?:s|t|re|ve|m|ll|d)| ?[^\W\d_]+| ?\d{1,3}| ?[^\s\w]+|\s+(?!\S)|\s+")


def bpe_like_tokens(text: str) -> int:
    """About as many tokens as a BPE tokenizer makes of `text` (see _PIECES)."""
    count = 0
    for match in _PIECES.finditer(text):
        piece = match.group(0).strip()
        count += 1 + ((len(piece) - 1) // 8 if piece[:1].isalpha() else 0)
    return count


def _usage(request: Recorded, content: str) -> tuple[int, int]:
    """(prompt, completion) tokens as a server bills them: the messages and the answer schema in, the reply out."""
    body = request.body or {}
    prompt = sum(4 + bpe_like_tokens(m.get("content") or "") for m in body.get("messages") or [])
    schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("schema")
    if schema is not None:
        prompt += bpe_like_tokens(json.dumps(schema, separators=(",", ":")))
    return prompt, bpe_like_tokens(content)


def _realistic_json(request: Recorded) -> str:
    """An answer of a real model's length: a sentence or two per entry and a short reason."""
    columns, wants_table = asked_columns(request)

    def entry(subject: str) -> dict:
        return proposal(
            f"{subject}: what it holds, in which unit where it has one, what it refers to, and what an empty "
            "value means.",
            0.8,
            reason="Read from the name, the type, the keys and the sampled statistics; no value copied.",
        )

    data: dict[str, Any] = {"columns": {name: entry(f"The {name} of each row") for name in columns}}
    if wants_table:
        data = {"table": entry("One row per record of this table, identified by its key, with its references"), **data}
    return json.dumps(data)


def realistic_openai(delay: float = 0.0) -> Responder:
    """Answers every OpenAI-style request validly for the asked columns, at a real model's length, and bills
    the tokens it counted (bpe_like_tokens) instead of fixed numbers; `delay`: seconds before each answer."""

    def answer(request: Recorded) -> Reply:
        content = _realistic_json(request)
        tokens_in, tokens_out = _usage(request, content)
        return Reply(openai_reply(content, prompt_tokens=tokens_in, completion_tokens=tokens_out), delay=delay)

    return answer


def auto_anthropic(delay: float = 0.0, hold: bool = False) -> Responder:
    """A responder answering every Messages request validly for exactly the asked columns."""
    return lambda request: Reply(anthropic_reply(_auto_json(request)), delay=delay, hold=hold)


@pytest.fixture
def llm_server():
    """A fresh replay server per test, shut down afterwards."""
    server = ReplayServer()
    try:
        yield server
    finally:
        server.close()
