"""Daemon test pieces: a setup per platform in tmp_path, and a writer that refuses like a read-only folder."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

from amx_core.daemon.context import DaemonSetup
from amx_core.daemon.files import FileWriter
from amx_core.daemon.runner import CommandResult
from amx_core.daemon.scripted import ScriptedRunner

# Spaces, non-ASCII and a percent sign: each needs its own escaping in units, crontab and XML.
AWKWARD_HOME = "amx home é 日本 50%"
UID = 501
USER = "ann"
PYTHON = Path(os.path.abspath(sys.executable))
OK = CommandResult(0)


class RefusingWriter(FileWriter):
    """Refuses every write as a read-only folder would for an ordinary user (root ignores chmod 0500)."""

    def write(self, path: Path, data: bytes, mode: int = 0o644) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))


def make_setup(tmp_path: Path, platform: str, runner: ScriptedRunner | None = None, **overrides) -> DaemonSetup:
    values = dict(
        platform=platform,
        amx_home=tmp_path / AWKWARD_HOME,
        user_home=tmp_path / "user home",
        python=PYTHON,
        runner=runner if runner is not None else ScriptedRunner(),
        uid=UID,
        user=USER,
        # Hermetic: no store variables or XDG_RUNTIME_DIR from the shell running the tests; a runtime folder
        # of the test's own, and /run/user stood in for by a folder where tests may put a manager socket.
        environ={},
        runtime_dir=tmp_path / "runtime",
        runtime_root=tmp_path / "run-user",
    )
    values.update(overrides)
    return DaemonSetup.current(**values)


def read_only_writer(folder: Path) -> FileWriter:
    """Make `folder` read-only (0500); if this process can still write there (root), refuse through the writer."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o500)
    probe = folder / ".probe"
    try:
        probe.write_bytes(b"")
    except PermissionError:
        return FileWriter()
    probe.unlink()
    return RefusingWriter()


def install_into_read_only_folder(tmp_path: Path, platform: str, runner: ScriptedRunner) -> DaemonSetup:
    """Install with the hook folder at 0500; it must fail clearly and leave no file there. Returns the setup used."""
    import pytest

    from amx_core.daemon import install_daemon
    from amx_core.errors import ActionError

    folder = make_setup(tmp_path, platform).unit_dir
    setup = make_setup(tmp_path, platform, runner, files=read_only_writer(folder))
    try:
        with pytest.raises(ActionError, match="cannot write .*Permission denied"):
            install_daemon(setup)
    finally:
        os.chmod(folder, 0o700)
    assert leftovers(folder) == []
    return setup


def leftovers(folder: Path) -> list[str]:
    """Every file under `folder` (temporary files included), to prove nothing was left half-written."""
    if not folder.exists():
        return []
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
