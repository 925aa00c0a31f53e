"""Entry point of `amx`: names each command group; a group's module is imported only when it is used."""

from __future__ import annotations

import click

from amx_cli.app import AmxGroup
from amx_cli.startup import startup_notice


def _schedule() -> click.Command:
    from amx_cli.commands.schedules import schedule_group

    return schedule_group


def _profile() -> click.Command:
    from amx_cli.commands.profiles import profile_group

    return profile_group


def _catalog() -> click.Command:
    from amx_cli.commands.catalog import catalog_group

    return catalog_group


def _runs() -> click.Command:
    from amx_cli.commands.runs import runs_group

    return runs_group


def _review() -> click.Command:
    from amx_cli.commands.review import review_group

    return review_group


def _export() -> click.Command:
    from amx_cli.commands.export import export_cmd

    return export_cmd


def _notify() -> click.Command:
    from amx_cli.commands.notify import notify_group

    return notify_group


def _demo() -> click.Command:
    from amx_cli.commands.demo import demo_group

    return demo_group


# command name -> the function importing it (AmxGroup calls it on first use; `amx --help` lists them all)
ROOT_COMMANDS = {
    "schedule": _schedule,
    "profile": _profile,
    "catalog": _catalog,
    "runs": _runs,
    "review": _review,
    "export": _export,
    "notify": _notify,
    "demo": _demo,
}


def build_cli() -> click.Group:
    @click.group(cls=AmxGroup, lazy_commands=ROOT_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="amx-schedules")
    def cli() -> None:
        """AMX Schedules: plan LLM-written catalog descriptions and fire them later."""
        startup_notice()

    return cli


def main() -> None:
    """The `amx` entry point: the command, then the process ends without the interpreter's teardown (finish.py)."""
    from amx_cli.finish import run_and_exit

    cli = build_cli()
    run_and_exit(lambda: cli(prog_name="amx"))


if __name__ == "__main__":
    main()
