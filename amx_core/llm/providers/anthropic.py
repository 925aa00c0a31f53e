"""The `anthropic` provider: the Messages API; JSON is asked for in the prompt and parsed tolerantly."""

from __future__ import annotations

from typing import Any

from amx_core.llm.errors import InvalidReply
from amx_core.llm.prompt import Prompt
from amx_core.llm.providers.base import ChatProvider, Completion, as_int, refused

DEFAULT_BASE_URL = "https://api.anthropic.com"
DEFAULT_MODEL = "claude-3-5-haiku-latest"
API_VERSION = "2023-06-01"


def _text(content: Any) -> str:
    if not isinstance(content, list):
        return ""
    return "".join(
        block.get("text", "") for block in content if isinstance(block, dict) and block.get("type") == "text"
    )


class AnthropicProvider(ChatProvider):
    """Messages API client; a `max_tokens` stop is a truncated reply."""

    name = "anthropic"

    @property
    def _url(self) -> str:
        base = self.base_url[:-3] if self.base_url.endswith("/v1") else self.base_url
        return f"{base}/v1/messages"

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "anthropic-version": API_VERSION}
        if self._api_key:
            headers["x-api-key"] = self._api_key
        return headers

    def complete(self, prompt: Prompt) -> Completion:
        body = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "system": prompt.system,
            "messages": [{"role": "user", "content": prompt.user}],
        }
        data = self._http.post_json(self._url, headers=self._headers(), body=body)
        usage = data.get("usage") or {}
        tokens_in = sum(
            as_int(usage.get(key)) for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
        )
        tokens_out = as_int(usage.get("output_tokens"))
        if data.get("stop_reason") == "refusal":
            raise refused(self.profile_name, _text(data.get("content"))).with_tokens(tokens_in, tokens_out)
        if "content" not in data:
            raise InvalidReply(
                f"LLM profile {self.profile_name!r}: the reply has no content", raw=str(data)[:2000]
            ).with_tokens(tokens_in, tokens_out)
        return Completion(
            text=_text(data.get("content")),
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            truncated=data.get("stop_reason") == "max_tokens",
        )

    def ping(self) -> str:
        """A one-line message to prove URL, key and model work."""
        body = {
            "model": self.model,
            "max_tokens": 8,
            "messages": [{"role": "user", "content": "Reply with the single word: pong"}],
        }
        data = self._http.post_json(self._url, headers=self._headers(), body=body)
        return f"{self.name} {self.model} at {self.base_url} answered: {_text(data.get('content')).strip()[:60]!r}"
