"""The built-in demo workspace: an offline SQLite shop database and the heuristic LLM profile."""
