"""The one HTTP client every networked provider shares: timeouts, retries, Retry-After, concurrency gates.

`httpx.Client` is thread-safe and pools connections, so one instance serves every
profile; what differs per profile (timeout, retry policy, concurrency limit) lives in
`LlmHttp`, a light view over it. The gate is a `BoundedSemaphore` keyed by profile
name and limit, so every provider built for one profile shares it, across threads.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from amx_core.llm.errors import InvalidReply, LlmError, PermanentLlmError, TransientLlmError
from amx_core.secrets.masking import redact

log = logging.getLogger("amx.llm")

TRANSIENT_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529})

_client_lock = threading.Lock()
_client: httpx.Client | None = None
_gates_lock = threading.Lock()
_gates: dict[tuple[str, int], threading.BoundedSemaphore] = {}


def shared_client() -> httpx.Client:
    """The process-wide client (created on first use, recreated if someone closed it)."""
    global _client
    with _client_lock:
        if _client is None or _client.is_closed:
            _client = httpx.Client(limits=httpx.Limits(max_connections=64, max_keepalive_connections=16))
        return _client


def gate_for(profile_name: str, limit: int) -> threading.BoundedSemaphore:
    """The semaphore bounding in-flight requests of one profile (shared by all its providers)."""
    key = (profile_name, max(1, int(limit)))
    with _gates_lock:
        gate = _gates.get(key)
        if gate is None:
            gate = _gates[key] = threading.BoundedSemaphore(key[1])
        return gate


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait: exponential from `base_delay`, capped, with jitter.

    A server's Retry-After is honoured as given up to `max_retry_after`; beyond that the
    request gives up with a TransientLlmError carrying the wait, for the run's own retry.
    """

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0

    def delay(self, attempt: int, retry_after: float | None, jitter: float) -> float | None:
        """Seconds to wait after failed `attempt` (1-based), or None to give up now."""
        if retry_after is not None:
            return max(0.0, retry_after) if retry_after <= self.max_retry_after else None
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return backoff / 2 + backoff / 2 * jitter


def parse_retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds from `retry-after-ms`, or `Retry-After` as seconds or an HTTP date; None if absent or bad."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _server_words(response: httpx.Response) -> str:
    """The error message a server put in its body (OpenAI and Anthropic shapes), else its text."""
    try:
        data = response.json()
    except ValueError:
        return response.text[:300]
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])[:300]
    if isinstance(error, str):
        return error[:300]
    return json.dumps(data)[:300]


class LlmHttp:
    """One profile's use of the shared client: POST JSON with its timeout, retries and gate."""

    def __init__(
        self,
        *,
        profile_name: str,
        timeout: float,
        max_concurrency: int,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        client: httpx.Client | None = None,
        secret: str | None = None,
    ) -> None:
        self.profile_name = profile_name
        self.timeout = float(timeout)
        self.retry = retry or RetryPolicy()
        self._gate = gate_for(profile_name, max_concurrency)
        self._sleep = sleep
        self._jitter = jitter
        self._client = client
        self._secret = secret

    def __repr__(self) -> str:
        return f"LlmHttp(profile={self.profile_name!r}, timeout={self.timeout}, retry={self.retry})"

    def _redact(self, text: str) -> str:
        return redact(text, [self._secret])

    def _attempt(self, url: str, headers: Mapping[str, str], body: Any) -> dict[str, Any]:
        """One request through the gate; returns the decoded JSON or raises a classified error."""
        client = self._client or shared_client()
        try:
            with self._gate:
                response = client.post(url, headers=dict(headers), json=body, timeout=self.timeout)
        except httpx.TimeoutException as exc:
            raise TransientLlmError(
                self._redact(
                    f"{self.profile_name}: no answer from {url} within {self.timeout:g} s ({type(exc).__name__})"
                )
            ) from None
        except httpx.TransportError as exc:
            raise TransientLlmError(
                self._redact(f"{self.profile_name}: connection to {url} failed: {type(exc).__name__}: {exc}")
            ) from None
        if response.is_success:
            try:
                data = response.json()
            except ValueError:
                raise InvalidReply(
                    f"{self.profile_name}: {url} answered with non-JSON text", raw=self._redact(response.text[:2000])
                ) from None
            if not isinstance(data, dict):
                raise InvalidReply(
                    f"{self.profile_name}: {url} answered with JSON that is not an object",
                    raw=self._redact(response.text[:2000]),
                )
            return data
        words = self._redact(_server_words(response))
        message = f"{self.profile_name}: HTTP {response.status_code} from {url}: {words}"
        if response.status_code in TRANSIENT_STATUSES or response.status_code >= 500:
            raise TransientLlmError(message, retry_after=parse_retry_after(response.headers))
        raise PermanentLlmError(message, status=response.status_code, detail=words)

    def post_json(self, url: str, *, headers: Mapping[str, str], body: Any) -> dict[str, Any]:
        """POST `body`, retrying transient failures per the policy; the last failure is raised."""
        attempts = max(1, self.retry.attempts)
        for attempt in range(1, attempts + 1):
            try:
                return self._attempt(url, headers, body)
            except TransientLlmError as error:
                delay = self.retry.delay(attempt, error.retry_after, self._jitter())
                if attempt == attempts or delay is None:
                    raise
                log.warning("%s (attempt %d of %d); retrying in %.2f s", error.message, attempt, attempts, delay)
                self._sleep(delay)
        raise LlmError("unreachable")  # pragma: no cover - the loop always returns or raises
