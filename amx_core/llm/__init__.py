"""The LLM provider layer: prompts, replies, validation and the providers that describe tables.

Kept import-light on purpose: nothing here is imported by the tick's fast path, and the
HTTP stack is only loaded when a networked provider is built (see `registry.provider_for`).
"""
