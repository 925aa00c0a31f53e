"""amx-tui: the Textual face of AMX Schedules; it calls amx_core services and never touches SQL itself."""
