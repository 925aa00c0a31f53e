"""What a run executes: the executor registry by schedule kind and the context executors get."""
