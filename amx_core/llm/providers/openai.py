"""The `openai` provider: Chat Completions on OpenAI or any compatible server (Ollama, vLLM, llama.cpp...).

Structured output is asked for with a strict `json_schema`; a server that answers 400
about `response_format` is asked again with `json_object`, then with plain text (the
reply is then parsed tolerantly). A 400 about `temperature` (reasoning models) drops
that option. Downgrades are remembered for the provider's life.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from amx_core.llm.errors import InvalidReply, PermanentLlmError
from amx_core.llm.prompt import SCHEMA_NAME, Prompt
from amx_core.llm.providers.base import ChatProvider, Completion, as_int, refused

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"

_FORMATS: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
    "json_schema": lambda schema: {
        "type": "json_schema",
        "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": schema},
    },
    "json_object": lambda _schema: {"type": "json_object"},
    "text": lambda _schema: None,
}
_NEXT_FORMAT = {"json_schema": "json_object", "json_object": "text"}
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "structured output", "response format")


def _mentions_format(error: PermanentLlmError) -> bool:
    text = f"{error.detail} {error.message}".lower()
    return error.status in (400, 422) and any(word in text for word in _FORMAT_WORDS)


def _message_text(content: Any) -> str:
    """`content` as text: a string, or the text parts of a list (some servers send parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


class OpenAiProvider(ChatProvider):
    """Chat Completions with structured output and graceful downgrades."""

    name = "openai"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.response_format = "json_schema"
        self.send_temperature = True

    @property
    def _url(self) -> str:
        return f"{self.base_url}/chat/completions"

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _body(self, prompt: Prompt, mode: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}],
        }
        if self.send_temperature:
            body["temperature"] = self.temperature
        response_format = _FORMATS[mode](prompt.schema)
        if response_format is not None:
            body["response_format"] = response_format
        return body

    def _downgrade(self, mode: str, error: PermanentLlmError) -> bool:
        """Adapt to a server that refused a request option; False when there is nothing left to drop."""
        if mode in _NEXT_FORMAT and _mentions_format(error):
            self.response_format = _NEXT_FORMAT[mode]
            return True
        if self.send_temperature and error.status == 400 and "temperature" in error.detail.lower():
            self.send_temperature = False  # reasoning models accept only their default temperature
            return True
        return False

    def _post(self, prompt: Prompt) -> dict[str, Any]:
        while True:
            mode = self.response_format
            try:
                return self._http.post_json(self._url, headers=self._headers(), body=self._body(prompt, mode))
            except PermanentLlmError as error:
                if not self._downgrade(mode, error):
                    raise

    def complete(self, prompt: Prompt) -> Completion:
        data = self._post(prompt)
        usage = data.get("usage") or {}
        tokens_in, tokens_out = as_int(usage.get("prompt_tokens")), as_int(usage.get("completion_tokens"))
        choices = data.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise InvalidReply(
                f"LLM profile {self.profile_name!r}: the reply has no choices", raw=str(data)[:2000]
            ).with_tokens(tokens_in, tokens_out)
        choice = choices[0]
        message = choice.get("message") or {}
        if message.get("refusal"):
            raise refused(self.profile_name, str(message["refusal"])).with_tokens(tokens_in, tokens_out)
        return Completion(
            text=_message_text(message.get("content")),
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            truncated=choice.get("finish_reason") == "length",
        )

    def ping(self) -> str:
        """A one-line chat to prove URL, key and model work."""
        body = {"model": self.model, "messages": [{"role": "user", "content": "Reply with the single word: pong"}]}
        data = self._http.post_json(self._url, headers=self._headers(), body=body)
        choices = data.get("choices") or [{}]
        text = _message_text(((choices[0] or {}).get("message") or {}).get("content")).strip()
        return f"{self.name} {self.model} at {self.base_url} answered: {text[:60]!r}"
