"""Target database engines behind one boundary: what differs per engine lives in that engine's module.

`base` (the Engine class: connecting, error meanings, introspection, profiling expressions,
quoting, write-back; its defaults serve any SQLAlchemy dialect), `registry` (engines by dialect
name), `types` (value classes of type texts, types SQLAlchemy does not know), `comments` (the
comment-writer protocol, its errors and text fitting), and one module per engine: `postgresql`,
`mysql` (+ `mysql_comments`, its writer), `sqlite`, `duckdb`. A new engine is one module and its tests.
"""
