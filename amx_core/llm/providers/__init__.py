"""Provider implementations; pick one by name through `amx_core.llm.registry.provider_for`."""
