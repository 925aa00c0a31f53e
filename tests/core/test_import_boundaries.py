"""The core's layers hold: no faces when amx_core is imported, nothing below the services imports them,
and every import is one a reader (and import-linter) can follow."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import amx_core

FORBIDDEN = ("textual", "amx_tui", "amx_cli")
CORE = Path(amx_core.__file__).parent
REPO = CORE.parent
BELOW_SERVICES = ("tick", "analyze", "catalog", "llm")


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


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, *, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, module) for every import anywhere in `source`, function-local ones included, relative ones resolved."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def _sources(*folders: Path):
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            yield path, path.read_text(encoding="utf-8")


def _is_services(name: str) -> bool:
    return name == "amx_core.services" or name.startswith("amx_core.services.")


def test_the_scan_sees_local_relative_and_package_imports():
    source = (
        "import os\n"
        "def later():\n"
        "    from amx_core.services.profiles import show_db_profile\n"
        "class K:\n"
        "    def m(self):\n"
        "        from ...services import runs\n"
        "from amx_core import services\n"
    )
    hits = [line for line, name in imports_of(source, "amx_core.tick.sub.mod") if _is_services(name)]
    assert sorted(set(hits)) == [3, 6, 7]


def test_nothing_below_the_services_imports_them():
    offenders = [
        f"{path.relative_to(REPO)}:{line} imports {name}"
        for path, source in _sources(*(CORE / folder for folder in BELOW_SERVICES))
        for line, name in imports_of(source, _module_name(path), is_package=path.name == "__init__.py")
        if _is_services(name)
    ]
    assert offenders == []


DYNAMIC_IMPORTERS = {"importlib", "importlib.import_module", "importlib.util"}


def dynamic_imports(source: str) -> list[int]:
    """Lines that import by string (importlib, __import__): imports neither a reader nor import-linter follows."""
    lines = [line for line, name in imports_of(source, "x") if name in DYNAMIC_IMPORTERS]
    lines += [
        node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name) and node.id == "__import__"
    ]
    return sorted(set(lines))


def test_the_scan_sees_string_imports():
    source = "import importlib\nfrom importlib import import_module\nmod = __import__('os')\nimport os\n"
    assert dynamic_imports(source) == [1, 2, 3]


def test_core_and_cli_import_nothing_by_string():
    offenders = [
        f"{path.relative_to(REPO)}:{line}"
        for path, source in _sources(CORE, REPO / "amx_cli")
        for line in dynamic_imports(source)
    ]
    assert offenders == []
