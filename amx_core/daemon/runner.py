"""The one door every OS command goes through, so tests can script replies and record exact command lines."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

NOT_FOUND_RC = 127
TIMEOUT_RC = 124
COMMAND_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class CommandResult:
    """What a command did: exit code, captured text, and whether the program exists at all."""

    returncode: int
    stdout: str = ""
    stderr: str = ""
    not_found: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def text(self) -> str:
        """stdout and stderr together, for matching messages that tools print on either."""
        return "\n".join(part for part in (self.stdout, self.stderr) if part)

    def summary(self) -> str:
        """One line for an error message: the first non-empty line the command printed."""
        for line in self.text.splitlines():
            if line.strip():
                return line.strip()
        return f"exit code {self.returncode}"

    @classmethod
    def missing(cls, program: str) -> CommandResult:
        return cls(NOT_FOUND_RC, "", f"{program}: command not found", not_found=True)


class CommandRunner(Protocol):
    """Runs one OS command; never raises for a failing or missing program."""

    def run(self, argv: Sequence[str], *, input: str | None = None) -> CommandResult: ...


class SubprocessRunner:
    """The real runner: no shell, captured text, a timeout, the inherited environment (for D-Bus, XDG dirs)."""

    def __init__(self, timeout: float = COMMAND_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout

    def run(self, argv: Sequence[str], *, input: str | None = None) -> CommandResult:
        args = [str(part) for part in argv]
        try:
            done = subprocess.run(
                args,
                input=input,
                stdin=None if input is not None else subprocess.DEVNULL,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=self.timeout,
                check=False,
            )
        except FileNotFoundError:
            return CommandResult.missing(args[0])
        except PermissionError as exc:
            return CommandResult(NOT_FOUND_RC, "", f"{args[0]}: {exc.strerror}", not_found=True)
        except subprocess.TimeoutExpired:
            return CommandResult(TIMEOUT_RC, "", f"{args[0]}: no answer within {self.timeout:g} s")
        return CommandResult(done.returncode, done.stdout or "", done.stderr or "")
