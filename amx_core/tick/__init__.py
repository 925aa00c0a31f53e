"""The tick: one stateless pass that fires due schedules exactly once (docs/ARCHITECTURE.md §7).

Importing this package is free: the idle path (`amx_core.tick.fastpath`) talks to the
store through the database's own driver and never loads the ORM.
"""
