"""Connection tests for saved profiles ("Test connection"): prove a DB profile connects and an LLM profile answers.

Each test returns a CheckResult instead of raising, so a face can show the outcome beside the profile.
Messages name secrets only by reference; URLs are masked and any resolved secret is redacted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from amx_core.errors import AmxError, NotFoundError
from amx_core.secrets.masking import redact

LLM_TEST_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class CheckResult:
    """How a connection test went: `message` is one line, `details` the facts behind it (databases, the reply)."""

    ok: bool
    message: str
    details: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "message": self.message, "details": list(self.details)}


def _failure(what: str, exc: BaseException, secrets: list[str | None]) -> CheckResult:
    """A failure in the core's own words (already masked), or the exception's first line with secrets redacted."""
    if isinstance(exc, AmxError):
        return CheckResult(False, redact(exc.message, secrets))
    lines = [line for line in str(exc).splitlines() if line.strip()]
    text = f"{type(exc).__name__}: {lines[0][:300]}" if lines else type(exc).__name__
    return CheckResult(False, f"{what} failed: {redact(text, secrets)}")


def _known_secret(ref: str | None) -> str | None:
    """The secret's value, only to redact it from foreign error text (None when it cannot be read)."""
    from amx_core.secrets.resolve import resolve_secret

    try:
        return resolve_secret(ref)
    except Exception:  # noqa: BLE001 - an unreadable secrets file: nothing to redact
        return None


def _secret_fact(label: str, ref: str | None) -> str:
    return f"{label}: {ref} (value hidden)" if ref else f"{label}: none"


def check_db_profile(store, name: str) -> CheckResult:
    """Connect with the profile (password resolved from its reference) and list the server's databases, live.

    Details: the databases when it worked; the URL (masked) and the password's reference when it did not.
    """
    from amx_core.catalog.connect import live_connection, resolve_target
    from amx_core.engines.registry import engine_for
    from amx_core.services.profiles import show_db_profile

    try:
        view = show_db_profile(store, name)
    except NotFoundError as exc:
        return CheckResult(False, exc.detail)
    facts = (f"url: {view.url}", _secret_fact("password", view.password_ref))
    try:
        target = resolve_target(store, name, require_database=False)
        with live_connection(store, target, use_database=False) as conn:
            names = engine_for(target.dialect).databases(conn, target.database)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a result the user reads
        return replace(_failure("connection", exc, [_known_secret(view.password_ref)]), details=facts)
    shown = [n or f"main (the {engine_for(target.dialect).label} file)" for n in names]
    count = f"{len(shown)} database{'s' if len(shown) != 1 else ''}"
    return CheckResult(True, f"connected to {view.url}: {count}", tuple(f"database: {n}" for n in shown))


def check_llm_profile(store, name: str, *, wiring=None) -> CheckResult:
    """Send the provider's tiny ping once (no retries, at most LLM_TEST_TIMEOUT_SECONDS) and report the reply."""
    from amx_core.llm.client import RetryPolicy
    from amx_core.llm.registry import Wiring, provider_for
    from amx_core.services.profiles import show_llm_profile

    try:
        view = show_llm_profile(store, name)
    except NotFoundError as exc:
        return CheckResult(False, exc.detail)
    facts = tuple(
        fact
        for fact in (
            f"provider: {view.provider}" + (f", model {view.model}" if view.model else ""),
            f"base url: {view.base_url}" if view.base_url else None,
            _secret_fact("api key", view.key_ref) if view.provider != "heuristic" else None,
        )
        if fact
    )
    quick = replace(view, timeout_seconds=min(view.timeout_seconds, LLM_TEST_TIMEOUT_SECONDS))
    try:
        provider = provider_for(quick, wiring=wiring or Wiring(retry=RetryPolicy(attempts=1)))
        answer = provider.ping()
    except Exception as exc:  # noqa: BLE001 - refused keys, unreachable servers, missing secrets alike
        return replace(_failure("request", exc, [_known_secret(view.key_ref)]), details=facts)
    return CheckResult(True, " ".join(answer.split())[:300], facts)
