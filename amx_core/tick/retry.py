"""Retry timing for transient failures: exponential backoff with jitter, never sooner than Retry-After."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

MAX_DELAY_SECONDS = 3600.0


@dataclass
class RetryPolicy:
    """`delay(attempt, base, retry_after)`: base * 2**(attempt-1), half of it jittered, capped at an hour.

    Pass a seeded `random.Random` (tests) to make the jitter repeatable.
    """

    rng: random.Random = field(default_factory=random.Random)
    max_delay: float = MAX_DELAY_SECONDS

    def delay(self, attempt: int, base_seconds: float, retry_after: float | None = None) -> float:
        backoff = min(self.max_delay, max(base_seconds, 0.0) * 2 ** max(attempt - 1, 0))
        jittered = backoff / 2 + self.rng.uniform(0, backoff / 2)
        if retry_after is not None and retry_after > jittered:
            return min(float(retry_after), self.max_delay * 24)
        return jittered
