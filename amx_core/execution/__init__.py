"""What a run executes: the contract between the tick and an executor (the context it gets, the outcome it gives)."""
