"""Screens of amx-tui: the schedule list, the schedule dialog, confirmations, the row menu, missed runs and help."""
