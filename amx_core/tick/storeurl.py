"""The store URL as the database's own driver needs it, parsed without SQLAlchemy (idle-path cost)."""

from __future__ import annotations

SQLITE_SCHEMES = ("sqlite:///", "sqlite+pysqlite:///")
POSTGRES_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


class DriverTarget:
    """`backend` is "sqlite" (target: file path) or "postgresql" (target: a libpq URI, plus the password apart)."""

    __slots__ = ("backend", "target", "password")

    def __init__(self, backend: str, target: str, password: str | None = None) -> None:
        self.backend = backend
        self.target = target
        self.password = password

    def __repr__(self) -> str:  # never the password
        return f"DriverTarget({self.backend!r}, {self.target!r})"


def _unquote(text: str) -> str:
    if "%" not in text:
        return text
    from urllib.parse import unquote

    return unquote(text)


def driver_target(url: str, password: str | None = None) -> DriverTarget | None:
    """The raw-driver target for a store URL (password given apart), or None when only the full core can open it."""
    for scheme in SQLITE_SCHEMES:
        if url.startswith(scheme):
            path = _unquote(url[len(scheme) :].split("?", 1)[0])
            if not path or path == ":memory:":
                return None
            return DriverTarget("sqlite", path)
    for scheme in POSTGRES_SCHEMES:
        if url.startswith(scheme):
            return DriverTarget("postgresql", "postgresql://" + url[len(scheme) :], password)
    return None


def environment_target() -> DriverTarget | None:
    """The raw-driver target of this process's store (AMX_STORE_URL and its password reference, else SQLite)."""
    from amx_core.storelocation import store_location

    location = store_location()
    return driver_target(location.url_for(), location.password())
