"""The engines by SQLAlchemy dialect name; a dialect none of them claims gets the generic Engine."""

from __future__ import annotations

import sqlalchemy as sa

from amx_core.engines.base import Engine
from amx_core.engines.duckdb import DUCKDB
from amx_core.engines.mysql import MYSQL
from amx_core.engines.postgresql import POSTGRESQL
from amx_core.engines.sqlite import SQLITE

GENERIC = Engine()
ENGINES: tuple[Engine, ...] = (POSTGRESQL, MYSQL, SQLITE, DUCKDB)
_BY_DIALECT = {dialect: engine for engine in ENGINES for dialect in engine.dialects}


def engine_for(dialect: str) -> Engine:
    """The engine serving a SQLAlchemy backend name (`postgresql`, `mariadb`, ...)."""
    return _BY_DIALECT.get(dialect, GENERIC)


def engine_for_url(url: str | sa.engine.URL) -> Engine:
    """The engine of a profile's URL (read without connecting)."""
    return engine_for(sa.engine.make_url(url).get_backend_name())
