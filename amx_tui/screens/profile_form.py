"""What the profile dialog holds (text by field key, secrets as references) and the core call it becomes.

A new profile is added whole; an edit sends only what changed.

Kept apart from the widgets so the rules (which fields an edit sends, how a secret source becomes a
reference) are testable alone. Secrets are only ever references: a source (env, key, keyring) and a name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from amx_core.secrets.refs import make_ref, split_ref
from amx_core.services import profiles as core
from amx_core.store import Store
from amx_core.views import DbProfileView, LlmProfileView

NO_SECRET = "none"
SECRET_SOURCES = [(NO_SECRET, "none"), ("env", "env variable"), ("key", "secrets.env key"), ("keyring", "keyring")]
PROVIDERS = [(p, p) for p in core.PROVIDERS]
SAMPLE_MODES = [("masked", "masked (default)"), ("raw", "raw values")]


@dataclass(frozen=True)
class FieldSpec:
    """One form row: `key` (also the core's error field, through ERROR_FIELDS), label, and kind of control."""

    key: str
    label: str
    control: str  # input | choice | secret
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    placeholder: str = ""


DB_FIELDS = (
    FieldSpec("name", "Name", "input", placeholder="e.g. warehouse (letters, digits, _ . -)"),
    FieldSpec(
        "url",
        "SQLAlchemy URL",
        "input",
        "no password here: it goes by reference below",
        placeholder="postgresql+psycopg://user@host:5432/db",
    ),
    FieldSpec(
        "password",
        "Password",
        "secret",
        "where the password is found; only this reference is stored",
        placeholder="name, e.g. PGPASSWORD",
    ),
    FieldSpec("database", "Default database", "input", placeholder="optional"),
    FieldSpec("sample", "Sample values", "choice", "masked hides text values from the model", tuple(SAMPLE_MODES)),
)
LLM_FIELDS = (
    FieldSpec("name", "Name", "input", placeholder="e.g. gpt (letters, digits, _ . -)"),
    FieldSpec(
        "provider",
        "Provider",
        "choice",
        "openai: any OpenAI-compatible server (Ollama, vLLM, LM Studio…)",
        tuple(PROVIDERS),
    ),
    FieldSpec("model", "Model", "input", placeholder="the provider's default when empty"),
    FieldSpec("base_url", "Base URL", "input", placeholder="the provider's default when empty"),
    FieldSpec(
        "api_key",
        "API key",
        "secret",
        "where the key is found; only this reference is stored",
        placeholder="name, e.g. OPENAI_API_KEY",
    ),
    FieldSpec("temperature", "Temperature", "input"),
    FieldSpec("concurrency", "Max concurrency", "input", "requests at once"),
    FieldSpec("timeout", "Timeout (s)", "input", "seconds per request"),
    FieldSpec("columns", "Columns / request", "input", "wide tables are split into requests of this many columns"),
)
FIELDS = {"db": DB_FIELDS, "llm": LLM_FIELDS}

# The core's ValidationError.field -> the form row that shows it
ERROR_FIELDS = {
    "name": "name",
    "url": "url",
    "password": "password",
    "database": "database",
    "sample-mode": "sample",
    "provider": "provider",
    "model": "model",
    "base-url": "base_url",
    "api-key": "api_key",
    "temperature": "temperature",
    "max-concurrency": "concurrency",
    "timeout": "timeout",
    "columns-per-request": "columns",
}
# form key -> keyword of edit_llm_profile / add_llm_profile
LLM_SETTINGS = {
    "provider": "provider",
    "model": "model",
    "base_url": "base_url",
    "temperature": "temperature",
    "concurrency": "max_concurrency",
    "timeout": "timeout_seconds",
    "columns": "columns_per_request",
}

Secret = tuple[str, str]  # (source, name): ("env", "PGPASSWORD"), or ("none", "")


@dataclass(frozen=True)
class ProfileValues:
    """What the dialog holds: each text or choice field by key, and each secret field as (source, name)."""

    text: dict[str, str]
    secrets: dict[str, Secret]

    def changed(self, initial: ProfileValues) -> set[str]:
        texts = {key for key, value in self.text.items() if value != initial.text.get(key)}
        return texts | {key for key, value in self.secrets.items() if value != initial.secrets.get(key)}


def secret_of_ref(ref: str | None) -> Secret:
    """`env:PGPW` -> ("env", "PGPW"); no reference -> ("none", "")."""
    return split_ref(ref) if ref else (NO_SECRET, "")


def secret_source(value: Secret, field: str) -> core.SecretSource:
    """A SecretSource for (source, name); a chosen source needs a valid name (the core's rule, naming `field`)."""
    source, name = value
    if source == NO_SECRET:
        return core.SecretSource()
    make_ref(source, name.strip(), field=field)
    return core.SecretSource(**{source: name.strip()})


def _number(value: float | int) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# what the dialog holds for a new profile of each kind
NEW_VALUES = {
    "db": ProfileValues(
        {"name": "", "url": "", "database": "", "sample": "masked"},
        {"password": (NO_SECRET, "")},
    ),
    "llm": ProfileValues(
        {
            "name": "",
            "provider": "heuristic",
            "model": "",
            "base_url": "",
            "temperature": "0.2",
            "concurrency": "4",
            "timeout": "60",
            "columns": "40",
        },
        {"api_key": (NO_SECRET, "")},
    ),
}


def db_values(view: DbProfileView) -> ProfileValues:
    text = {
        "name": view.name,
        "url": view.url,
        "database": view.default_database or "",
        "sample": view.sample_mode,
    }
    return ProfileValues(text, {"password": secret_of_ref(view.password_ref)})


def llm_values(view: LlmProfileView) -> ProfileValues:
    text = {
        "name": view.name,
        "provider": view.provider,
        "model": view.model or "",
        "base_url": view.base_url or "",
        "temperature": _number(view.temperature),
        "concurrency": _number(view.max_concurrency),
        "timeout": _number(view.timeout_seconds),
        "columns": _number(view.columns_per_request),
    }
    return ProfileValues(text, {"api_key": secret_of_ref(view.key_ref)})


def form_values(kind: str, view: DbProfileView | LlmProfileView | None) -> ProfileValues:
    """What the dialog shows for `view`, or for a new profile of `kind`."""
    if isinstance(view, DbProfileView):
        return db_values(view)
    if isinstance(view, LlmProfileView):
        return llm_values(view)
    return NEW_VALUES[kind]


def _blank_none(text: str) -> str | None:
    return text.strip() or None


SaveCall = Callable[[Store], DbProfileView | LlmProfileView]


def _db_call(values: ProfileValues, initial: ProfileValues | None) -> SaveCall:
    text = values.text
    if initial is None:
        return lambda store: core.add_db_profile(
            store,
            name=text["name"].strip(),
            url=text["url"].strip(),
            password=secret_source(values.secrets["password"], "password"),
            default_database=_blank_none(text["database"]),
            sample_mode=text["sample"],
        )
    edits: dict[str, Any] = {}  # keyword arguments of edit_db_profile
    diff = values.changed(initial)
    if "url" in diff:
        edits["url"] = text["url"].strip()
    if "password" in diff:
        edits["password"] = secret_source(values.secrets["password"], "password")
    if "database" in diff:
        edits["default_database"] = text["database"].strip()
    if "sample" in diff:
        edits["sample_mode"] = text["sample"]
    return lambda store: core.edit_db_profile(store, initial.text["name"], **edits)


def _llm_call(values: ProfileValues, initial: ProfileValues | None) -> SaveCall:
    text = values.text
    if initial is None:
        settings: dict[str, Any] = {LLM_SETTINGS[k]: text[k].strip() for k in LLM_SETTINGS}
        settings.update(model=_blank_none(text["model"]), base_url=_blank_none(text["base_url"]))
        return lambda store: core.add_llm_profile(
            store, name=text["name"].strip(), api_key=secret_source(values.secrets["api_key"], "api-key"), **settings
        )
    diff = values.changed(initial)
    edits: dict[str, Any] = {LLM_SETTINGS[k]: text[k].strip() for k in LLM_SETTINGS if k in diff}
    if "api_key" in diff:
        edits["api_key"] = secret_source(values.secrets["api_key"], "api-key")
    return lambda store: core.edit_llm_profile(store, initial.text["name"], **edits)


CALLS = {"db": _db_call, "llm": _llm_call}


def core_call(kind: str, values: ProfileValues, initial: ProfileValues | None) -> SaveCall:
    """The core call that saves the form: add (no `initial`) or edit with only the changed fields.

    Raises the core's ValidationError for a secret source chosen without a valid name.
    """
    return CALLS[kind](values, initial)
