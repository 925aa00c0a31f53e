"""`amx demo init`: create the offline demo workspace (SQLite shop + heuristic profile)."""

from __future__ import annotations

import click

from amx_cli.app import AmxGroup, store
from amx_cli.output import emit_json, say


@click.group("demo", cls=AmxGroup)
def demo_group() -> None:
    """The built-in offline demo workspace."""


@demo_group.command("init")
@click.option("--json", "as_json", is_flag=True)
def init(as_json):
    """Create the demo database and profiles if they are missing."""
    from amx_core.demo.workspace import ensure_demo_workspace

    ws = ensure_demo_workspace(store())
    if as_json:
        emit_json(
            {
                "database": str(ws.database_path),
                "db_profile": ws.db_profile,
                "llm_profile": ws.llm_profile,
                "created": ws.created,
            }
        )
    else:
        state = "created" if ws.created else "already present"
        say(f"demo workspace {state}: {ws.database_path} (profiles {ws.db_profile}, {ws.llm_profile})")
