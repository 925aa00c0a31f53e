"""The core stays free of the faces: no textual, no CLI, no TUI when amx_core is imported."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("textual", "amx_tui", "amx_cli")


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return set(out.split())


def test_import_amx_core_loads_no_textual():
    mods = _loaded_after("import amx_core")
    assert not {m for m in mods if m.split(".")[0] in FORBIDDEN}


def test_core_services_load_no_textual():
    mods = _loaded_after(
        "import amx_core.services.schedules, amx_core.services.profiles, amx_core.store, amx_core.scope"
    )
    assert not {m for m in mods if m.split(".")[0] in FORBIDDEN}
