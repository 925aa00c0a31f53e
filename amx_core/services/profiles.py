"""DB and LLM profiles: create, list, show, delete; secrets only by reference."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import sqlalchemy as sa
from sqlmodel import Session, select

from amx_core.errors import ConflictError, ValidationError
from amx_core.models import DbProfile, LlmProfile, Schedule
from amx_core.models.base import saved_id, utcnow
from amx_core.profiles.rows import get_db_row, get_llm_row
from amx_core.profiles.views import db_view, llm_view
from amx_core.secrets.masking import mask_url
from amx_core.secrets.refs import make_ref
from amx_core.secrets.url_secrets import refuse_url_secret
from amx_core.services.validation import one_of, plain_text, positive_number, profile_name
from amx_core.store import Store
from amx_core.views import DbProfileView, LlmProfileView

PROVIDERS = ("heuristic", "openai", "anthropic")
SAMPLE_MODES = ("masked", "raw")


@dataclass(frozen=True)
class SecretSource:
    """Where a secret lives: exactly one of env var or secrets.env key (or keyring name)."""

    env: str | None = None
    key: str | None = None
    keyring: str | None = None

    def to_ref(self, field: str) -> str | None:
        given = [(s, n) for s, n in (("env", self.env), ("key", self.key), ("keyring", self.keyring)) if n is not None]
        if len(given) > 1:
            raise ValidationError(field, "give only one of the environment variable, secrets.env key or keyring name")
        if not given:
            return None
        return make_ref(given[0][0], given[0][1], field=field)


# Where a secret goes instead, in words every face can show (the app has no flags to name)
DB_SECRET_INSTEAD = "give the password by reference instead (an environment variable, a secrets.env key or the keyring)"
API_KEY_INSTEAD = "give the API key by reference instead (an environment variable, a secrets.env key or the keyring)"
URL_MAX = 2000
DATABASE_MAX = 255


def _check_port(port: int | None, shown: str, field: str) -> None:
    if port is not None and not 1 <= port <= 65535:
        raise ValidationError(field, f"{shown!r} has port {port}; a port is between 1 and 65535")


def _check_url(url: str, field: str = "url") -> str:
    """A SQLAlchemy URL with no secret inside (the password goes by reference) and a port that exists."""
    if not url or not url.strip():
        raise ValidationError(field, "must not be empty")
    refuse_url_secret(url, field=field, instead=DB_SECRET_INSTEAD)
    plain_text(url, field=field, max_len=URL_MAX)
    shown = mask_url(url)
    try:
        parsed = sa.engine.make_url(url.strip())
    except Exception:  # noqa: BLE001 - sqlalchemy raises ArgumentError, ValueError and others
        raise ValidationError(field, f"{shown!r} is not a SQLAlchemy URL like postgresql://user@host/db") from None
    if parsed.password:
        raise ValidationError(field, f"must not contain a password; {DB_SECRET_INSTEAD}")
    _check_port(parsed.port, shown, field)
    try:
        parsed.get_dialect()
    except Exception:  # noqa: BLE001
        raise ValidationError(field, f"no SQLAlchemy dialect for {parsed.drivername!r}") from None
    return parsed.render_as_string(hide_password=False)


def _check_base_url(base_url: str, field: str = "base-url") -> str:
    """An http(s) URL with a host, a port that exists, and no credentials or secrets in it."""
    refuse_url_secret(base_url, field=field, instead=API_KEY_INSTEAD)
    plain_text(base_url, field=field, max_len=URL_MAX)
    shown = mask_url(base_url)
    if not base_url.startswith(("http://", "https://")):
        raise ValidationError(field, f"{shown!r} must start with http:// or https://")
    if any(ch.isspace() for ch in base_url):
        raise ValidationError(field, f"{shown!r} must not contain spaces")
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(base_url)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(field, f"{shown!r} is not a URL ({exc})") from None
    if "@" in parts.netloc:
        raise ValidationError(field, f"must not carry credentials; {API_KEY_INSTEAD}")
    if not parts.hostname:
        raise ValidationError(field, f"{shown!r} has no host")
    _check_port(port, shown, field)
    return base_url


def _unique(session: Session, model, name: str, what: str) -> None:
    if session.exec(select(model).where(model.name == name)).first() is not None:
        raise ConflictError("name", f"a {what} named {name!r} already exists")


def add_db_profile(
    store: Store,
    *,
    name: str,
    url: str,
    password: SecretSource = SecretSource(),
    default_database: str | None = None,
    sample_mode: str = "masked",
) -> DbProfileView:
    name = profile_name(name)
    url = _check_url(url)
    ref = password.to_ref("password")
    database = plain_text(default_database, field="database", max_len=DATABASE_MAX)
    one_of(sample_mode, SAMPLE_MODES, field="sample-mode")
    with store.write_session() as s:
        _unique(s, DbProfile, name, "DB profile")
        row = DbProfile(name=name, url=url, password_ref=ref, default_database=database, sample_mode=sample_mode)
        s.add(row)
        s.flush()
        return db_view(row)


def add_llm_profile(
    store: Store,
    *,
    name: str,
    provider: str,
    model: str | None = None,
    base_url: str | None = None,
    api_key: SecretSource = SecretSource(),
    temperature: float = 0.2,
    max_concurrency: int = 4,
    timeout_seconds: float = 60.0,
    columns_per_request: int = 40,
    price_in: float | str | None = None,
    price_out: float | str | None = None,
) -> LlmProfileView:
    name = profile_name(name)
    checked = _checked_llm_fields(
        provider=provider,
        model=model,
        base_url=base_url,
        temperature=temperature,
        max_concurrency=max_concurrency,
        timeout_seconds=timeout_seconds,
        columns_per_request=columns_per_request,
        price_in=price_in,
        price_out=price_out,
    )
    ref = api_key.to_ref("api-key")
    with store.write_session() as s:
        _unique(s, LlmProfile, name, "LLM profile")
        row = LlmProfile(name=name, key_ref=ref, **checked)
        s.add(row)
        s.flush()
        return llm_view(row)


MAX_PRICE = 1_000_000.0


def _price(value, field: str) -> float | None:
    """A price per million tokens (0 allowed: a free or local model); "" clears it; None: not known."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return float(positive_number(value, field=field, maximum=MAX_PRICE, allow_zero=True))


def _checked_llm_fields(
    *,
    provider,
    model,
    base_url,
    temperature,
    max_concurrency,
    timeout_seconds,
    columns_per_request,
    price_in=None,
    price_out=None,
) -> dict:
    """Validate LLM settings (shared by add and edit); returns the normalised values."""
    one_of(provider, PROVIDERS, field="provider")
    if base_url:  # "" clears it (back to the provider default)
        base_url = _check_base_url(base_url)
    try:
        temperature = float(temperature)
    except (TypeError, ValueError):
        raise ValidationError("temperature", f"{temperature!r} is not a number") from None
    if not 0 <= temperature <= 2:
        raise ValidationError("temperature", "must be between 0 and 2")
    return dict(
        provider=provider,
        model=plain_text(model, field="model", max_len=200),
        base_url=base_url or None,
        temperature=temperature,
        max_concurrency=int(positive_number(max_concurrency, field="max-concurrency", maximum=64, integer=True)),
        timeout_seconds=float(positive_number(timeout_seconds, field="timeout", minimum=0.1, maximum=3600)),
        columns_per_request=int(
            positive_number(columns_per_request, field="columns-per-request", maximum=500, integer=True)
        ),
        price_in=_price(price_in, "price-in"),
        price_out=_price(price_out, "price-out"),
    )


def list_db_profiles(store: Store) -> list[DbProfileView]:
    with store.session() as s:
        return [db_view(r) for r in s.exec(select(DbProfile).order_by(DbProfile.name))]


def list_llm_profiles(store: Store) -> list[LlmProfileView]:
    with store.session() as s:
        return [llm_view(r) for r in s.exec(select(LlmProfile).order_by(LlmProfile.name))]


def show_db_profile(store: Store, name: str) -> DbProfileView:
    with store.session() as s:
        return db_view(get_db_row(s, name, "name"))


def show_llm_profile(store: Store, name: str) -> LlmProfileView:
    with store.session() as s:
        return llm_view(get_llm_row(s, name, "name"))


def _refuse_if_used(session: Session, column, profile_id: int, name: str) -> None:
    users = session.exec(select(Schedule.name).where(column == profile_id)).all()
    if users:
        raise ConflictError("name", f"profile {name!r} is used by schedule(s): {', '.join(sorted(users)[:5])}")


def remove_db_profile(store: Store, name: str) -> None:
    with store.write_session() as s:
        row = get_db_row(s, name, "name")
        _refuse_if_used(s, Schedule.db_profile_id, saved_id(row), name)
        s.delete(row)


def remove_llm_profile(store: Store, name: str) -> None:
    with store.write_session() as s:
        row = get_llm_row(s, name, "name")
        _refuse_if_used(s, Schedule.llm_profile_id, saved_id(row), name)
        s.delete(row)


def touch(row) -> None:
    row.updated_at = utcnow()


class _Keep(Enum):
    """Sentinel type: leave the field as it is."""

    KEEP = "keep"


_KEEP = _Keep.KEEP


def edit_db_profile(
    store: Store,
    name: str,
    *,
    url: str | None = None,
    password: SecretSource | None = None,
    default_database: str | None | _Keep = _KEEP,
    sample_mode: str | None = None,
) -> DbProfileView:
    """Change a DB profile in place (its name is its identity; schedules keep pointing at it)."""
    url = _check_url(url) if url is not None else None
    ref = password.to_ref("password") if password is not None else _KEEP
    if default_database is not _KEEP:
        default_database = plain_text(default_database, field="database", max_len=DATABASE_MAX)
    if sample_mode is not None:
        one_of(sample_mode, SAMPLE_MODES, field="sample-mode")
    with store.write_session() as s:
        row = get_db_row(s, name, "name")
        if url is not None:
            row.url = url
        if ref is not _KEEP:
            row.password_ref = ref
        if default_database is not _KEEP:
            row.default_database = default_database or None
        if sample_mode is not None:
            row.sample_mode = sample_mode
        touch(row)
        s.add(row)
        s.flush()
        return db_view(row)


def edit_llm_profile(store: Store, name: str, **changes) -> LlmProfileView:
    """Change an LLM profile; the same checks as add, applied to the merged values."""
    with store.write_session() as s:
        row = get_llm_row(s, name, "name")
        merged = dict(
            provider=row.provider,
            model=row.model,
            base_url=row.base_url,
            temperature=row.temperature,
            max_concurrency=row.max_concurrency,
            timeout_seconds=row.timeout_seconds,
            columns_per_request=row.columns_per_request,
            price_in=row.price_in,
            price_out=row.price_out,
        )
        api_key = changes.pop("api_key", None)
        unknown = set(changes) - set(merged)
        if unknown:
            raise ValidationError(sorted(unknown)[0], "is not an LLM profile setting")
        merged.update({k: v for k, v in changes.items() if v is not None})
        checked = _checked_llm_fields(**merged)
        for key, value in checked.items():
            setattr(row, key, value)
        if api_key is not None:
            row.key_ref = api_key.to_ref("api-key")
        touch(row)
        s.add(row)
        s.flush()
        return llm_view(row)
