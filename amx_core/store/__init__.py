"""Opening the store: engine, pragmas, migrations and the session-per-unit-of-work helper."""

from amx_core.store.engine import Store, open_store, reset_stores

__all__ = ["Store", "open_store", "reset_stores"]
