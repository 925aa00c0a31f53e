"""The root click group: maps core errors and click's usage errors to exit codes and one-line messages."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import click

from amx_cli.output import fail

EXIT_BAD_INPUT = 2
_NEGATIVE_NUMBER = re.compile(r"-\d[\d.]*")
# click >= 8.2 raises this to show a group's help when no subcommand was given: help, not an error line.
_SHOW_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _sentence(text: str) -> str:
    """click's "Got unexpected extra argument (x)." as "got unexpected extra argument (x)"."""
    text = " ".join(text.split()).rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _param_field(param: click.Parameter) -> str:
    """The field a parameter is: an option's long name without dashes (`expect-version`), an argument's name."""
    if isinstance(param, click.Option):
        return max(param.opts, key=len).lstrip("-")
    return (param.name or "argument").replace("_", "-")


def usage_line(exc: click.UsageError) -> str:
    """click's usage error as `<field>: <message>` (the CLI contract's one line), without the usage block."""
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        field = _param_field(exc.param)
        if isinstance(exc, click.MissingParameter):
            return f"{field}: is required"
        return f"{field}: {_sentence(exc.message)}"
    if isinstance(exc, click.NoSuchOption):
        message = "no such option"
        if exc.possibilities:
            message += f"; did you mean {' or '.join(exc.possibilities)}?"
        if _NEGATIVE_NUMBER.fullmatch(exc.option_name):
            message += f"; to give a value that starts with '-', put '--' before it (-- {exc.option_name})"
        return f"{exc.option_name}: {message}"
    if isinstance(exc, click.BadOptionUsage):
        return f"{exc.option_name.lstrip('-')}: {_sentence(exc.message)}"
    message = _sentence(exc.message)
    field = "command" if message.lower().startswith("no such command") else "arguments"
    return f"{field}: {message}"


class AmxGroup(click.Group):
    """A group whose commands turn AmxError into `error: field: message` and exit 1 or 2.

    click's own usage errors (unknown option, bad value, missing argument, unknown command) become the
    same one line with exit 2, here for every command below, instead of click's usage block.

    `lazy_commands` maps a command name to a function that imports and returns it: its module loads only when
    that command runs or its help is drawn, so `amx schedule list` loads no other command's imports.
    """

    def __init__(
        self, *args: Any, lazy_commands: Mapping[str, Callable[[], click.Command]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        load = self.lazy_commands.get(cmd_name)
        if load is not None and cmd_name not in self.commands:
            self.add_command(load(), cmd_name)
        return super().get_command(ctx, cmd_name)

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        with one_line_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context):
        with one_line_errors():
            return super().invoke(ctx)


@contextmanager
def one_line_errors() -> Iterator[None]:
    """The one handler: a core error or a usage error becomes `error: <field>: <message>` and its exit code."""
    from amx_core.errors import AmxError

    try:
        yield
    except click.UsageError as exc:
        if isinstance(exc, _SHOW_HELP):
            raise
        fail(usage_line(exc), EXIT_BAD_INPUT)
    except AmxError as exc:
        fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)


def store():
    """The store for this invocation (opened lazily so `--help` stays instant)."""
    from amx_core.store import open_store

    return open_store()
