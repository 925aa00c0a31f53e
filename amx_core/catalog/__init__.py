"""The catalog: live introspection, the cached tree per (profile, database), change events and change triggers.

Modules, lightest first: `views` (frozen results), `scopespec` (scope paths as a refresh plan),
`live` (what a database looks like right now, with fingerprints), `connect` (one live connection
with clear, masked errors; what differs per engine is asked of amx_core.engines), `reflect`
(multi-table reflection through the engine's inspector), `scan` (live side of a refresh), `store_cache`
(reading and writing the cached tree), `refresh` (`refresh_catalog`), `listing` (the lazy
ScopeTree API), `verify` (a schedule's database and scope checked when it is saved), `resolve`
(`resolve_scope` at fire time), `changes`, `polling` (change triggers) and `executor` (the
`cache_refresh` schedule kind). Nothing is imported here.
"""
