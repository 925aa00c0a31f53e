"""The error types every face maps to exit codes and inline messages.

Bad input (exit 2) always names the field it is about, so a form can show the
message beside that field and the CLI can print one line.
"""

from __future__ import annotations


class AmxError(Exception):
    """Base of every error the core raises on purpose."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class ValidationError(AmxError):
    """Input the core refuses; `field` names the option or form field at fault."""

    exit_code = 2

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.detail = message


class NotFoundError(ValidationError):
    """A name or id that does not exist: bad input, so exit 2."""


class ConflictError(ValidationError):
    """The request is well-formed but the current state refuses it (stale version, running)."""


class ActionError(AmxError):
    """The action itself failed (server down, write refused): exit 1."""


class UncheckedError(ActionError):
    """A name could not be checked against the catalog (the server did not answer): a face may offer saving
    without the check."""


class StoreError(AmxError):
    """The store cannot be opened or used (e.g. it is newer than this code)."""
