"""The two profile lists, keyed by profile name; secrets appear as their references (`env:PGPW`), never values."""

from __future__ import annotations

from collections.abc import Sequence

from amx_core.views import DbProfileView, LlmProfileView
from amx_tui.widgets.keyed_table import Column, KeyedTable

NO_SECRET = "—"

ProfileView = DbProfileView | LlmProfileView
ProfileLists = tuple[list[DbProfileView], list[LlmProfileView]]  # (DB profiles, LLM profiles)

DB_COLUMNS = (
    Column("name", "Name", min_width=10, max_width=30, grow=1),
    Column("dialect", "Dialect", min_width=6, max_width=12),
    Column("url", "URL (masked)", min_width=16, grow=3),
    Column("password", "Password ref", min_width=10, max_width=30, drop_order=2),
    Column("database", "Database", min_width=8, max_width=20, drop_order=1),
    Column("sample", "Samples", min_width=6, max_width=8, drop_order=3),
)
LLM_COLUMNS = (
    Column("name", "Name", min_width=10, max_width=30, grow=1),
    Column("provider", "Provider", min_width=8, max_width=10),
    Column("model", "Model", min_width=8, max_width=30, grow=1),
    Column("base_url", "Base URL", min_width=12, grow=2, drop_order=2),
    Column("key", "API key ref", min_width=10, max_width=30, drop_order=3),
    Column("limits", "Conc. / timeout", min_width=10, max_width=16, drop_order=1),
)


def secret_ref_text(ref: str | None, masked: bool = False) -> str:
    """A secret's reference as shown (`env:PGPW`, or `env:PGPW ••••` masked); the value is never read for display."""
    if not ref:
        return NO_SECRET
    return f"{ref} ••••" if masked else ref


class DbProfileTable(KeyedTable[DbProfileView]):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(DB_COLUMNS, empty_text="No DB profile yet. Press n to add one.", id=id, classes=classes)

    def cells(self, key: str, view: DbProfileView) -> Sequence[str]:
        return (
            view.name,
            view.dialect,
            view.url,
            secret_ref_text(view.password_ref),
            view.default_database or NO_SECRET,
            view.sample_mode,
        )


class LlmProfileTable(KeyedTable[LlmProfileView]):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(LLM_COLUMNS, empty_text="No LLM profile yet. Press n to add one.", id=id, classes=classes)

    def cells(self, key: str, view: LlmProfileView) -> Sequence[str]:
        return (
            view.name,
            view.provider,
            view.model or "default",
            view.base_url or "default",
            secret_ref_text(view.key_ref) if view.provider != "heuristic" else "not needed",
            f"{view.max_concurrency} / {view.timeout_seconds:g} s",
        )
