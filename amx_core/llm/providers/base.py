"""What every provider offers, and the shared flow of the chat-style ones (prompt, send, validate)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from amx_core.llm.errors import InvalidReply, LlmError, TruncatedReply
from amx_core.llm.prompt import Prompt, build_prompt
from amx_core.llm.types import TableFacts, TableReply
from amx_core.llm.validate import parse_reply
from amx_core.wording import counted

if TYPE_CHECKING:
    from amx_core.llm.client import LlmHttp


class Provider(Protocol):
    """Describes one table (or the `only` columns of it) and answers a connection test."""

    name: str

    def describe_table(
        self,
        facts: TableFacts,
        *,
        only: Sequence[str] | None = None,
        want_table: bool = True,
        repair_hint: str | None = None,
        on_reply: Callable[[int], None] | None = None,
    ) -> TableReply: ...

    def ping(self) -> str: ...


@dataclass(frozen=True)
class Completion:
    """A model's answer reduced to what the flow needs."""

    text: str
    tokens_in: int
    tokens_out: int
    truncated: bool


def as_int(value: Any) -> int:
    """Token counts from a usage object: missing or odd values count as zero."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class ChatProvider:
    """Template for HTTP chat providers: subclasses only turn a Prompt into a Completion."""

    name = "chat"

    def __init__(
        self,
        *,
        model: str,
        base_url: str,
        http: LlmHttp,
        api_key: str | None = None,
        temperature: float = 0.2,
        max_tokens: int = 4096,
    ) -> None:
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.temperature = temperature
        self.max_tokens = max_tokens
        self._http = http
        self._api_key = api_key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r}, base_url={self.base_url!r})"

    @property
    def profile_name(self) -> str:
        """The LLM profile this provider serves: what reply errors name, so the user knows which to fix."""
        return self._http.profile_name

    def complete(self, prompt: Prompt) -> Completion:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe_table(
        self,
        facts: TableFacts,
        *,
        only: Sequence[str] | None = None,
        want_table: bool = True,
        repair_hint: str | None = None,
        on_reply: Callable[[int], None] | None = None,
    ) -> TableReply:
        """One request for `facts` (or its `only` columns); raises TruncatedReply / InvalidReply with tokens set.
        `on_reply(tokens)` hears the moment the answer is in, before it is checked (the caller frees its slot)."""
        prompt = build_prompt(facts, only=only, want_table=want_table, repair_hint=repair_hint)
        completion = self.complete(prompt)
        if on_reply is not None:
            on_reply(completion.tokens_in + completion.tokens_out)
        if completion.truncated:
            raise TruncatedReply(
                f"{facts.path}: the reply was cut off at the output limit "
                f"({counted(len(prompt.columns), 'column')} asked)"
            ).with_tokens(completion.tokens_in, completion.tokens_out)
        try:
            checked = parse_reply(completion.text, facts, expected=prompt.columns, want_table=want_table)
        except InvalidReply as error:
            error.message = f"{facts.path}: {error.message}"
            raise error.with_tokens(completion.tokens_in, completion.tokens_out) from None
        return TableReply(
            table=checked.table,
            columns=checked.columns,
            tokens_in=completion.tokens_in,
            tokens_out=completion.tokens_out,
            notes=checked.notes,
            missing=checked.missing,
        )


def refused(profile_name: str, raw: str) -> LlmError:
    """The error for a model that declined to answer, naming the LLM profile."""
    return InvalidReply(f"LLM profile {profile_name!r}: the model refused to answer", raw=raw)
