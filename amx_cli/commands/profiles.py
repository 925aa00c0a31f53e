"""`amx profile db|llm add|list|show|rm`."""

from __future__ import annotations

import click

from amx_cli.app import AmxGroup, store
from amx_cli.output import emit_json, pairs, say
from amx_cli.tables import table


@click.group("profile", cls=AmxGroup)
def profile_group() -> None:
    """Database and LLM connection profiles (secrets by reference only)."""


@profile_group.group("db", cls=AmxGroup)
def db_group() -> None:
    """Database profiles."""


@profile_group.group("llm", cls=AmxGroup)
def llm_group() -> None:
    """LLM profiles."""


def _report(view, as_json: bool, line: str) -> None:
    """The changed profile: its JSON object for scripts, one line for people."""
    if as_json:
        emit_json(view.to_json())
    else:
        say(line)


@db_group.command("add")
@click.argument("name")
@click.option("--url", required=True, help="SQLAlchemy URL without password, e.g. postgresql://amx@host/db")
@click.option("--password-env", help="Environment variable holding the password")
@click.option("--password-key", help="Key in $AMX_HOME/secrets.env holding the password")
@click.option("--password-keyring", help="Name in the OS keyring (service 'amx')")
@click.option("--database", help="Default database")
@click.option("--sample-mode", type=click.Choice(["masked", "raw"]), default="masked", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def db_add(name, url, password_env, password_key, password_keyring, database, sample_mode, as_json):
    """Add a database profile."""
    from amx_core.services.profiles import SecretSource, add_db_profile

    view = add_db_profile(
        store(),
        name=name,
        url=url,
        password=SecretSource(env=password_env, key=password_key, keyring=password_keyring),
        default_database=database,
        sample_mode=sample_mode,
    )
    _report(view, as_json, f"added DB profile {view.name} ({view.url})")


@llm_group.command("add")
@click.argument("name")
@click.option("--provider", required=True, type=click.Choice(["heuristic", "openai", "anthropic"]))
@click.option("--model")
@click.option("--base-url")
@click.option("--api-key-env", help="Environment variable holding the API key")
@click.option("--api-key-key", help="Key in $AMX_HOME/secrets.env holding the API key")
@click.option("--api-key-keyring", help="Name in the OS keyring (service 'amx')")
@click.option("--temperature", default="0.2", show_default=True)
@click.option("--max-concurrency", default="4", show_default=True)
@click.option("--timeout", default="60", show_default=True, help="Seconds per request")
@click.option("--columns-per-request", default="40", show_default=True)
@click.option("--price-in", help="Price of a million input tokens (for estimates; no price list is built in)")
@click.option("--price-out", help="Price of a million output tokens")
@click.option("--json", "as_json", is_flag=True)
def llm_add(
    name,
    provider,
    model,
    base_url,
    api_key_env,
    api_key_key,
    api_key_keyring,
    temperature,
    max_concurrency,
    timeout,
    columns_per_request,
    price_in,
    price_out,
    as_json,
):
    """Add an LLM profile."""
    from amx_core.services.profiles import SecretSource, add_llm_profile

    view = add_llm_profile(
        store(),
        name=name,
        provider=provider,
        model=model,
        base_url=base_url,
        api_key=SecretSource(env=api_key_env, key=api_key_key, keyring=api_key_keyring),
        temperature=temperature,
        max_concurrency=max_concurrency,
        timeout_seconds=timeout,
        columns_per_request=columns_per_request,
        price_in=price_in,
        price_out=price_out,
    )
    _report(view, as_json, f"added LLM profile {view.name} ({view.provider})")


def _list_command(group: click.Group, lister: str, headers, row_of) -> None:
    @group.command("list")
    @click.option("--json", "as_json", is_flag=True)
    def _list(as_json):
        """List profiles."""
        from amx_core.services import profiles

        views = getattr(profiles, lister)(store())
        if as_json:
            emit_json([v.to_json() for v in views])
        else:
            table(headers, [row_of(v) for v in views])


def _show_command(group: click.Group, shower: str) -> None:
    @group.command("show")
    @click.argument("name")
    @click.option("--json", "as_json", is_flag=True)
    def _show(name, as_json):
        """Show one profile."""
        from amx_core.services import profiles

        view = getattr(profiles, shower)(store(), name)
        if as_json:
            emit_json(view.to_json())
        else:
            pairs(list(view.to_json().items()))


def _rm_command(group: click.Group, remover: str) -> None:
    @group.command("rm")
    @click.argument("name")
    def _rm(name):
        """Remove a profile (refused while a schedule uses it)."""
        from amx_core.services import profiles

        getattr(profiles, remover)(store(), name)
        say(f"removed {name}")


_list_command(
    db_group,
    "list_db_profiles",
    ("NAME", "URL", "PASSWORD", "DATABASE"),
    lambda v: (v.name, v.url, v.password_ref or "-", v.default_database or "-"),
)
_list_command(
    llm_group,
    "list_llm_profiles",
    ("NAME", "PROVIDER", "MODEL", "KEY"),
    lambda v: (v.name, v.provider, v.model or "-", v.key_ref or "-"),
)
_show_command(db_group, "show_db_profile")
_show_command(llm_group, "show_llm_profile")
_rm_command(db_group, "remove_db_profile")
_rm_command(llm_group, "remove_llm_profile")


@db_group.command("edit")
@click.argument("name")
@click.option("--url", help="New SQLAlchemy URL (without password)")
@click.option("--password-env")
@click.option("--password-key")
@click.option("--password-keyring")
@click.option("--database", help="Default database (empty to clear)")
@click.option("--sample-mode", type=click.Choice(["masked", "raw"]))
@click.option("--json", "as_json", is_flag=True)
def db_edit(name, url, password_env, password_key, password_keyring, database, sample_mode, as_json):
    """Change a database profile (only the options given)."""
    from amx_core.services.profiles import SecretSource, edit_db_profile

    secret = SecretSource(env=password_env, key=password_key, keyring=password_keyring)
    changes = {"url": url, "sample_mode": sample_mode}
    if any(value is not None for value in (password_env, password_key, password_keyring)):
        changes["password"] = secret
    if database is not None:
        changes["default_database"] = database
    view = edit_db_profile(store(), name, **changes)
    _report(view, as_json, f"updated DB profile {view.name} ({view.url})")


@llm_group.command("edit")
@click.argument("name")
@click.option("--provider", type=click.Choice(["heuristic", "openai", "anthropic"]))
@click.option("--model")
@click.option("--base-url", help="Empty to clear (provider default)")
@click.option("--api-key-env")
@click.option("--api-key-key")
@click.option("--api-key-keyring")
@click.option("--temperature")
@click.option("--max-concurrency")
@click.option("--timeout")
@click.option("--columns-per-request")
@click.option("--price-in", help="Price of a million input tokens (empty to clear)")
@click.option("--price-out", help="Price of a million output tokens (empty to clear)")
@click.option("--json", "as_json", is_flag=True)
def llm_edit(
    name,
    provider,
    model,
    base_url,
    api_key_env,
    api_key_key,
    api_key_keyring,
    temperature,
    max_concurrency,
    timeout,
    columns_per_request,
    price_in,
    price_out,
    as_json,
):
    """Change an LLM profile (only the options given)."""
    from amx_core.services.profiles import SecretSource, edit_llm_profile

    changes = dict(
        provider=provider,
        model=model,
        base_url=base_url,
        temperature=temperature,
        max_concurrency=max_concurrency,
        timeout_seconds=timeout,
        columns_per_request=columns_per_request,
    )
    for key, value in (("price_in", price_in), ("price_out", price_out)):
        if value is not None:
            changes[key] = value
    if any(value is not None for value in (api_key_env, api_key_key, api_key_keyring)):
        changes["api_key"] = SecretSource(env=api_key_env, key=api_key_key, keyring=api_key_keyring)
    view = edit_llm_profile(store(), name, **changes)
    _report(view, as_json, f"updated LLM profile {view.name} ({view.provider})")


def _test_command(group: click.Group, checker: str) -> None:
    @group.command("test")
    @click.argument("name")
    @click.option("--json", "as_json", is_flag=True)
    def _test(name, as_json):
        """Test the connection (DB: list databases; LLM: one tiny request)."""
        from amx_core.services import profile_checks

        result = getattr(profile_checks, checker)(store(), name)
        if as_json:
            emit_json({"ok": result.ok, "message": result.message, "details": list(result.details)})
        else:
            say(result.message)
            for line in result.details:
                say(f"  {line}")
        if not result.ok:
            raise SystemExit(1)


_test_command(db_group, "check_db_profile")
_test_command(llm_group, "check_llm_profile")
