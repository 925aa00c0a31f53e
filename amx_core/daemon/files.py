"""Writing hook files atomically with a fixed mode, and undoing them when an install fails half way."""

from __future__ import annotations

import os
from pathlib import Path

from amx_core.errors import ActionError

HOOK_FILE_MODE = 0o644


class FileWriter:
    """Real file operations; tests swap in a subclass that refuses, as a read-only folder would."""

    def write(self, path: Path, data: bytes, mode: int = HOOK_FILE_MODE) -> None:
        """Write `data` to a temporary sibling, fix its mode, then rename it over `path`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, mode)
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)


class FileTransaction:
    """The files one install wrote, so a later failure can remove them and leave nothing half-installed."""

    def __init__(self, writer: FileWriter) -> None:
        self.writer = writer
        self.written: list[Path] = []

    def write(self, path: Path, data: bytes) -> None:
        try:
            self.writer.write(path, data)
        except OSError as exc:
            self.rollback()
            reason = exc.strerror or str(exc)
            raise ActionError(f"cannot write {path}: {reason}") from exc
        self.written.append(path)

    def rollback(self) -> None:
        for path in reversed(self.written):
            try:
                self.writer.remove(path)
            except OSError:
                pass
        self.written.clear()


def remove_files(writer: FileWriter, paths: list[Path]) -> None:
    """Remove hook files for an uninstall; a file that will not go is an action failure."""
    for path in paths:
        try:
            writer.remove(path)
        except OSError as exc:
            raise ActionError(f"cannot remove {path}: {exc.strerror or exc}") from exc


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def mtime_of(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None
