"""The root click group: maps core errors to exit codes and one-line messages."""

from __future__ import annotations

import click

from amx_cli.output import fail


class AmxGroup(click.Group):
    """A group whose commands turn AmxError into `error: field: message` and exit 1 or 2."""

    def invoke(self, ctx: click.Context):
        from amx_core.errors import AmxError

        try:
            return super().invoke(ctx)
        except AmxError as exc:
            fail(exc.message, exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted", 130)


def store():
    """The store for this invocation (opened lazily so `--help` stays instant)."""
    from amx_core.store import open_store

    return open_store()
