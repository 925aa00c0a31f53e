"""Where the store is, read from the environment: `AMX_STORE_URL` with no secret inside, its password by reference.

A password written into the URL (its user part, or a query key such as `password`, `sslpassword`
or `passfile`) is refused without echoing it, by the check a DB profile's URL gets
(`secrets/url_secrets.py`), and the password comes from `AMX_STORE_PASSWORD_ENV` (a variable's
name), `AMX_STORE_PASSWORD_KEY` (a `secrets.env` key) or libpq's own `.pgpass` / `PGPASSFILE`.
The idle tick reads this every minute, so it imports nothing beyond what that path has already loaded.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from amx_core.secrets.url_secrets import refuse_url_secret

STORE_URL_VAR = "AMX_STORE_URL"
PASSWORD_ENV_VAR = "AMX_STORE_PASSWORD_ENV"
PASSWORD_KEY_VAR = "AMX_STORE_PASSWORD_KEY"
PASSFILE_VAR = "PGPASSFILE"
LOCATION_VARS = (STORE_URL_VAR, PASSWORD_ENV_VAR, PASSWORD_KEY_VAR, PASSFILE_VAR)
BY_REFERENCE = (
    f"name the password instead with {PASSWORD_ENV_VAR}=VAR or {PASSWORD_KEY_VAR}=KEY (a secrets.env key), "
    f"or put it in ~/.pgpass or {PASSFILE_VAR}"
)


class StoreLocation:
    """The store one process (or one OS hook) uses: the URL (None: the SQLite file in AMX_HOME) and how to log in."""

    __slots__ = ("url", "password_env", "password_key", "passfile")

    def __init__(
        self,
        url: str | None = None,
        password_env: str | None = None,
        password_key: str | None = None,
        passfile: str | None = None,
    ) -> None:
        self.url = url or None
        self.password_env = password_env or None
        self.password_key = password_key or None
        self.passfile = passfile or None
        self.check()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> StoreLocation:
        """Read and check the four variables (or a hook's record of them); ValidationError names a bad one."""
        env = os.environ if environ is None else environ
        return cls(*(env.get(name, "").strip() for name in LOCATION_VARS))

    def check(self) -> None:
        """Refuse a secret inside the URL, two password sources at once, or a reference that is not a plain name."""
        if self.url is not None:
            refuse_url_secret(self.url, field=STORE_URL_VAR, instead=BY_REFERENCE)
        if self.password_env and self.password_key:
            from amx_core.errors import ValidationError

            raise ValidationError(PASSWORD_ENV_VAR, f"set only one of {PASSWORD_ENV_VAR} and {PASSWORD_KEY_VAR}")
        self.password_ref()  # checks the name

    @property
    def team(self) -> bool:
        """True when the store is a server named by AMX_STORE_URL rather than the home's SQLite file."""
        return self.url is not None and not self.url.startswith("sqlite")

    def url_for(self, amx_home: Path | None = None) -> str:
        """The SQLAlchemy URL: AMX_STORE_URL, else the SQLite file in `amx_home` (default: this process's home)."""
        if self.url is not None:
            return self.url
        from amx_core import config

        return f"sqlite:///{(amx_home or config.amx_home()) / config.STORE_FILE}"

    def password_ref(self) -> str | None:
        """`env:VAR` or `key:KEY` (the secret reference forms profiles use), or None."""
        from amx_core.secrets.refs import make_ref

        if self.password_env:
            return make_ref("env", self.password_env, field=PASSWORD_ENV_VAR)
        if self.password_key:
            return make_ref("key", self.password_key, field=PASSWORD_KEY_VAR)
        return None

    def password(self, amx_home: Path | None = None) -> str | None:
        """The password its reference points to (ActionError when it is not set); None for none or SQLite.

        `amx_home` names the home whose secrets.env to read (default: this process's).
        """
        ref = self.password_ref() if self.team else None
        if ref is None:
            return None
        from amx_core.config import SECRETS_FILE
        from amx_core.secrets.resolve import resolve_secret

        what = PASSWORD_ENV_VAR if self.password_env else PASSWORD_KEY_VAR
        secrets_file = amx_home / SECRETS_FILE if amx_home is not None else None
        return resolve_secret(ref, required=True, what=what, secrets_file=secrets_file)

    def environment(self) -> dict[str, str]:
        """The variables a hook must carry to reach this store (names and paths only, never a secret)."""
        if self.url is None:
            return {}
        values = (self.url, self.password_env, self.password_key, self.passfile)
        return {name: value for name, value in zip(LOCATION_VARS, values, strict=True) if value}

    def shown(self, amx_home: Path | None = None) -> str:
        """The URL as people see it (masked), with where its password comes from."""
        from amx_core.secrets.masking import mask_url

        text = mask_url(self.url_for(amx_home))
        ref = self.password_ref() if self.team else None
        if ref is not None:
            text += f" (password from {ref})"
        elif self.team and self.passfile:
            text += f" (password file {self.passfile})"
        return text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StoreLocation):
            return NotImplemented
        return self.environment() == other.environment()

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.environment().items())))

    def __repr__(self) -> str:
        return f"StoreLocation({self.environment()!r})"


def store_location() -> StoreLocation:
    """This process's store location, from its environment."""
    return StoreLocation.from_environ()
