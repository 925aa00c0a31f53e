"""The two profile lists, keyed by profile name; secrets appear as their references (`env:PGPW`), never values."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from amx_core.views import DbProfileView, LlmProfileView
from amx_tui.formatting import plain
from amx_tui.widgets.keyed_table import Column, KeyedTable

NO_SECRET = "—"

ProfileView = DbProfileView | LlmProfileView
ProfileLists = tuple[list[DbProfileView], list[LlmProfileView]]  # (DB profiles, LLM profiles)

DB_COLUMNS = (
    Column("name", "Name", ratio=1, min_width=12),
    Column("dialect", "Dialect", width=10),
    Column("url", "URL (masked)", ratio=3, min_width=16),
    Column("password", "Password ref", width=20, drop_order=2),
    Column("database", "Database", width=12, drop_order=1),
    Column("sample", "Samples", width=7, drop_order=3),
)
LLM_COLUMNS = (
    Column("name", "Name", ratio=1, min_width=12),
    Column("provider", "Provider", width=10),
    Column("model", "Model", ratio=1, min_width=10),
    Column("base_url", "Base URL", ratio=2, min_width=12, drop_order=2),
    Column("key", "API key ref", width=20, drop_order=3),
    Column("limits", "Conc. / timeout", width=15, drop_order=1),
)


def secret_ref_text(ref: str | None, masked: bool = False) -> str:
    """A secret's reference as shown (`env:PGPW`, or `env:PGPW ••••` masked); the value is never read for display."""
    if not ref:
        return NO_SECRET
    return f"{ref} ••••" if masked else ref


class DbProfileTable(KeyedTable[DbProfileView]):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(DB_COLUMNS, empty_text="No DB profile yet. Press n to add one.", id=id, classes=classes)

    def format_row(self, key: str, view: DbProfileView) -> Sequence[Text]:
        return (
            plain(view.name),
            plain(view.dialect),
            plain(view.url),
            plain(secret_ref_text(view.password_ref)),
            plain(view.default_database or NO_SECRET),
            plain(view.sample_mode),
        )


class LlmProfileTable(KeyedTable[LlmProfileView]):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(LLM_COLUMNS, empty_text="No LLM profile yet. Press n to add one.", id=id, classes=classes)

    def format_row(self, key: str, view: LlmProfileView) -> Sequence[Text]:
        return (
            plain(view.name),
            plain(view.provider),
            plain(view.model or "default"),
            plain(view.base_url or "default"),
            plain(secret_ref_text(view.key_ref) if view.provider != "heuristic" else "not needed"),
            plain(f"{view.max_concurrency} / {view.timeout_seconds:g} s"),
        )
