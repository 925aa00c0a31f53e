"""Writing descriptions where they belong, one writer per destination behind one protocol.

`postgresql` (COMMENT ON with a dollar-quote tag absent from the text), `mysql` (table
COMMENT and MODIFY COLUMN rebuilt from information_schema, checked against SHOW CREATE
TABLE) and `local` (the AMX local catalog, for SQLite, MySQL views and any other dialect).
`base` holds the protocol and errors, `text` the per-backend text limits.
"""
