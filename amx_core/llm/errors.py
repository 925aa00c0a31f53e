"""Errors a provider raises, split by what the caller should do next: retry, give up, split or repair.

None of them ever carries an API key: messages built from server text are redacted first.
`tokens_in` / `tokens_out` hold what the failed exchange still cost, for the run's accounting.
"""

from __future__ import annotations

from amx_core.errors import ActionError


class LlmError(ActionError):
    """Base of every provider failure."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.tokens_in = 0
        self.tokens_out = 0

    def with_tokens(self, tokens_in: int, tokens_out: int) -> LlmError:
        self.tokens_in, self.tokens_out = tokens_in, tokens_out
        return self


class TransientLlmError(LlmError):
    """Worth retrying later: 429, 5xx, timeouts, dropped connections; `retry_after` in seconds if told."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentLlmError(LlmError):
    """Retrying will not help (401, 403, 400, 404...); `detail` is the server's own (redacted) words."""

    def __init__(self, message: str, status: int | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


class InvalidReply(LlmError):
    """The model answered, but not with usable JSON of the asked shape; `raw` is its text."""

    def __init__(self, message: str, raw: str = "") -> None:
        super().__init__(message)
        self.raw = raw


class TruncatedReply(LlmError):
    """The model ran out of output tokens (finish_reason length / stop_reason max_tokens)."""


class BudgetReached(LlmError):
    """The run's token budget has no room for the next request: nothing was sent (amx_core.llm.budget)."""
