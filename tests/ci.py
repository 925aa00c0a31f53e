"""Whether the suite runs in CI, where a missing server or tool is a failure instead of a skip.

A module of its own so tests can import it by name (two `conftest` modules exist, so `from conftest import`
is ambiguous when several test folders run in one session).
"""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing(message: str) -> None:
    """Fail in CI (a missing server or tool is a defect there), skip with the reason elsewhere."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def need(condition: bool, reason: str) -> None:
    """What a test needs from the machine: nothing when it holds, else a failure in CI and a skip elsewhere."""
    if not condition:
        missing(reason)
