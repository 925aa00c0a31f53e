"""AMX Schedules core: the store, domain services, tick, catalog and analyze engine.

Nothing heavy happens at import time: no engine is created and no ORM is loaded here,
so `amx-tick`'s idle path and `import amx_core` stay cheap.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
