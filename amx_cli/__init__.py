"""The `amx` command line: every action of the TUI, scriptable, with `--json` on reads."""
