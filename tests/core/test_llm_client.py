"""Retry-After parsing, backoff, and choosing a provider for a profile (key looked up only there)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from amx_core.errors import ValidationError
from amx_core.llm.client import RetryPolicy, gate_for, parse_retry_after
from amx_core.llm.registry import PROVIDERS, Wiring, provider_for
from amx_core.views import LlmProfileView

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


def profile(provider="openai", key_ref="env:AMX_TEST_LLM_KEY", **changes):
    values = dict(
        id=1,
        name="p",
        provider=provider,
        model=None,
        base_url=None,
        key_ref=key_ref,
        temperature=0.2,
        max_concurrency=2,
        timeout_seconds=5.0,
        columns_per_request=20,
    )
    values.update(changes)
    return LlmProfileView(**values)


def test_retry_after_seconds_date_and_millis():
    assert parse_retry_after({"retry-after": "7"}, NOW) == 7.0
    assert parse_retry_after({"retry-after": "1.5"}, NOW) == 1.5
    assert parse_retry_after({"retry-after": "Sat, 01 Mar 2025 12:00:30 GMT"}, NOW) == 30.0
    assert parse_retry_after({"retry-after": "Sat, 01 Mar 2025 11:00:00 GMT"}, NOW) == 0.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}, NOW) == 0.25
    assert parse_retry_after({"retry-after": "soon"}, NOW) is None
    assert parse_retry_after({}, NOW) is None


def test_backoff_is_exponential_capped_jittered_and_honours_retry_after():
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=5.0, max_retry_after=60.0)
    assert [policy.delay(n, None, 0.0) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 2.5]
    assert [policy.delay(n, None, 1.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]
    assert policy.delay(1, 42.0, 0.7) == 42.0
    assert policy.delay(1, 600.0, 0.7) is None


def test_gate_is_shared_per_profile_and_limit():
    assert gate_for("shared-p", 2) is gate_for("shared-p", 2)
    assert gate_for("shared-p", 2) is not gate_for("other-p", 2)


def test_registry_names_and_unknown_provider():
    assert set(PROVIDERS) == {"openai", "anthropic", "heuristic"}
    with pytest.raises(ValidationError) as caught:
        provider_for(profile(provider="nope"))
    assert caught.value.field == "provider"


def test_key_is_resolved_once_in_provider_for_and_never_shown():
    asked = []

    def lookup(ref):
        asked.append(ref)
        return "sk-very-secret-key"

    provider = provider_for(profile(), lookup, wiring=Wiring(retry=RetryPolicy(attempts=1)))
    assert asked == ["env:AMX_TEST_LLM_KEY"]
    assert provider.name == "openai" and provider.model == "gpt-4o-mini"
    assert provider.base_url == "https://api.openai.com/v1"
    assert "sk-very-secret-key" not in repr(provider) and "sk-very-secret-key" not in repr(vars(provider)["_http"])
    heuristic = provider_for(profile(provider="heuristic"), lambda ref: pytest.fail("heuristic needs no key"))
    assert heuristic.ping().startswith("heuristic provider")


def test_default_lookup_uses_resolve_secret(monkeypatch, amx_home):
    monkeypatch.setenv("AMX_TEST_LLM_KEY", "from-the-env")
    provider = provider_for(profile(provider="anthropic"))
    assert provider._api_key == "from-the-env"
    monkeypatch.delenv("AMX_TEST_LLM_KEY")
    with pytest.raises(Exception) as caught:
        provider_for(profile(provider="anthropic"))
    assert "env:AMX_TEST_LLM_KEY" in str(caught.value)
