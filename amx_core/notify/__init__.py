"""Telling people what happened while nobody watched: run outcomes and missed schedules, by webhook, command
or desktop notice (docs/ARCHITECTURE.md §7.12)."""
