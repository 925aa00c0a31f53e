"""Profile lookups that runs need, below the catalog and the analyze engine.

Modules: `rows` (a profile row by name, NotFoundError naming the field), `views` (rows to the
frozen DbProfileView / LlmProfileView) and `urls` (a DB profile's real connection URL, its
password resolved). Creating, editing and removing profiles are services. Nothing is imported here.
"""
