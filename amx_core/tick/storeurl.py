"""The store URL as the database's own driver needs it, parsed without SQLAlchemy (idle-path cost)."""

from __future__ import annotations

SQLITE_SCHEMES = ("sqlite:///", "sqlite+pysqlite:///")
POSTGRES_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


class DriverTarget:
    """`backend` is "sqlite" (target: file path) or "postgresql" (target: a libpq URI)."""

    __slots__ = ("backend", "target")

    def __init__(self, backend: str, target: str) -> None:
        self.backend = backend
        self.target = target

    def __repr__(self) -> str:
        return f"DriverTarget({self.backend!r}, {self.target!r})"


def _unquote(text: str) -> str:
    if "%" not in text:
        return text
    from urllib.parse import unquote

    return unquote(text)


def driver_target(url: str) -> DriverTarget | None:
    """The raw-driver target for a store URL, or None when only the full core can open it."""
    for scheme in SQLITE_SCHEMES:
        if url.startswith(scheme):
            path = _unquote(url[len(scheme) :].split("?", 1)[0])
            if not path or path == ":memory:":
                return None
            return DriverTarget("sqlite", path)
    for scheme in POSTGRES_SCHEMES:
        if url.startswith(scheme):
            return DriverTarget("postgresql", "postgresql://" + url[len(scheme) :])
    return None
