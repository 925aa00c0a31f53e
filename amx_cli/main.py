"""Entry point of `amx`: names each command group; a group's module is imported only when it is used."""

from __future__ import annotations

import click

from amx_cli.app import AmxGroup
from amx_cli.startup import startup_notice

# command name -> "module:attribute" (AmxGroup imports it on first use; `amx --help` lists them all)
ROOT_COMMANDS = {
    "schedule": "amx_cli.commands.schedules:schedule_group",
    "profile": "amx_cli.commands.profiles:profile_group",
    "catalog": "amx_cli.commands.catalog:catalog_group",
    "runs": "amx_cli.commands.runs:runs_group",
    "review": "amx_cli.commands.review:review_group",
    "export": "amx_cli.commands.export:export_cmd",
    "notify": "amx_cli.commands.notify:notify_group",
    "demo": "amx_cli.commands.demo:demo_group",
}


def build_cli() -> click.Group:
    @click.group(cls=AmxGroup, lazy_commands=ROOT_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="amx-schedules")
    def cli() -> None:
        """AMX Schedules: plan LLM-written catalog descriptions and fire them later."""
        startup_notice()

    return cli


def main() -> None:
    build_cli()(prog_name="amx")


if __name__ == "__main__":
    main()
