"""Choosing a provider for an LLM profile by name; the only place a profile's key is looked up.

Every provider's module is imported inside its factory, on first use, so the heuristic path
never loads the HTTP stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from amx_core.errors import ValidationError

if TYPE_CHECKING:
    from amx_core.llm.client import RetryPolicy
    from amx_core.llm.providers.base import Provider
    from amx_core.views import LlmProfileView

SecretLookup = Callable[[str | None], str | None]


@dataclass(frozen=True)
class Wiring:
    """How a provider reaches the network: retry policy and sleep (tests inject small/recorded ones)."""

    retry: RetryPolicy | None = None
    sleep: Callable[[float], None] | None = None


def _http(profile: LlmProfileView, api_key: str | None, wiring: Wiring):
    import time

    from amx_core.llm.client import LlmHttp

    return LlmHttp(
        profile_name=profile.name,
        timeout=profile.timeout_seconds,
        max_concurrency=profile.max_concurrency,
        retry=wiring.retry,
        sleep=wiring.sleep or time.sleep,
        secret=api_key,
    )


def _networked(module, provider_class, profile: LlmProfileView, api_key: str | None, wiring: Wiring) -> Provider:
    """An HTTP provider with the profile's model and base URL, else its module's defaults."""
    return provider_class(
        model=profile.model or module.DEFAULT_MODEL,
        base_url=profile.base_url or module.DEFAULT_BASE_URL,
        http=_http(profile, api_key, wiring),
        api_key=api_key,
        temperature=profile.temperature,
    )


def _openai_module() -> ModuleType:
    from amx_core.llm.providers import openai

    return openai


def _anthropic_module() -> ModuleType:
    from amx_core.llm.providers import anthropic

    return anthropic


def _openai(profile: LlmProfileView, api_key: str | None, wiring: Wiring) -> Provider:
    module = _openai_module()
    return _networked(module, module.OpenAiProvider, profile, api_key, wiring)


def _anthropic(profile: LlmProfileView, api_key: str | None, wiring: Wiring) -> Provider:
    module = _anthropic_module()
    return _networked(module, module.AnthropicProvider, profile, api_key, wiring)


def _heuristic(profile: LlmProfileView, api_key: str | None, wiring: Wiring) -> Provider:
    from amx_core.llm.providers.heuristic import HeuristicProvider

    return HeuristicProvider()


PROVIDERS: dict[str, Callable[[LlmProfileView, str | None, Wiring], Provider]] = {
    "openai": _openai,
    "anthropic": _anthropic,
    "heuristic": _heuristic,
}
# the networked providers' code, loadable before a run needs it (`load_provider`)
NETWORKED_MODULES: dict[str, Callable[[], ModuleType]] = {"openai": _openai_module, "anthropic": _anthropic_module}
NEEDS_NETWORK = frozenset(NETWORKED_MODULES)


def load_provider(provider: str | None) -> None:
    """Import a networked provider's code and open the process's HTTP client, so a run about to start spends
    its first moments on its work rather than on imports and TLS set-up; the heuristic needs nothing."""
    load = NETWORKED_MODULES.get(provider or "")
    if load is None:
        return
    load()
    from amx_core.llm.client import shared_client

    shared_client()


def _default_lookup(ref: str | None) -> str | None:
    from amx_core.secrets.resolve import resolve_secret

    return resolve_secret(ref, required=True, what="LLM API key")


def provider_for(
    profile: LlmProfileView,
    secrets: SecretLookup | None = None,
    *,
    wiring: Wiring | None = None,
) -> Provider:
    """The provider `profile` names, with its key resolved through `secrets` (default: resolve_secret)."""
    factory = PROVIDERS.get(profile.provider)
    if factory is None:
        raise ValidationError(
            "provider", f"unknown LLM provider {profile.provider!r} (use one of {', '.join(PROVIDERS)})"
        )
    api_key = None
    if profile.provider in NEEDS_NETWORK and profile.key_ref:
        api_key = (secrets or _default_lookup)(profile.key_ref)
    return factory(profile, api_key, wiring or Wiring())
