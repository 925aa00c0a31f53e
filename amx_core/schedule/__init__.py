"""What a schedule is, below every service: its state machine, its view, and the ledger of its missed slots.

Modules: `rules` (statuses and which event is allowed from which), `views` (rows to ScheduleView)
and `ledger` (the occurrences of a window and the missed-slot rows). The services and the tick
share these, so both agree on every rule. Nothing is imported here.
"""
