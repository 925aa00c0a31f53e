"""Widgets of amx-tui: the keyed schedule table, filter chips, daemon bar, scope tree and form pieces."""
