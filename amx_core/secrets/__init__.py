"""Secret references (`env:VAR`, `key:NAME`, `keyring:NAME`) and their resolution; values never stored."""
