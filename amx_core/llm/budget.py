"""A run's token budget (`schedule add|edit --max-tokens`): a request is sent only when the tokens spent, plus
those reserved by requests in flight, plus its own estimate (amx_core.llm.tokens) stay within the budget.

The first request refused stops the budget for good: the run asks nothing more, keeps what it has and
ends `stopped`. Thread-safe: a run's request threads share one budget.
"""

from __future__ import annotations

import threading


class TokenBudget:
    """At most `limit` tokens (in + out) for one run."""

    def __init__(self, limit: int) -> None:
        self.limit = int(limit)
        self.used = 0
        self.reserved = 0
        self.refused: int | None = None  # the estimate of the first request refused
        self._lock = threading.Lock()

    @property
    def stopped(self) -> bool:
        return self.refused is not None

    def reserve(self, estimate: int) -> bool:
        """Room for a request of `estimate` tokens? Reserves it if so; the first refusal stops the budget."""
        with self._lock:
            if self.refused is not None:
                return False
            if self.used + self.reserved + estimate > self.limit:
                self.refused = estimate
                return False
            self.reserved += estimate
            return True

    def settle(self, estimate: int, spent: int) -> None:
        """A reserved request came back (or failed) having spent `spent` tokens."""
        with self._lock:
            self.reserved -= estimate
            self.used += spent

    def note(self) -> str:
        """Why the run stopped, for its log and its outcome."""
        return (
            f"stopped before a request of about {self.refused or 0:,} tokens that would pass the budget of "
            f"{self.limit:,} tokens ({self.used:,} spent); what was described is kept"
        )
