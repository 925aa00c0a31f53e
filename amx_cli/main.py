"""Entry point of `amx`: attaches each command group; groups import the core lazily."""

from __future__ import annotations

import click

from amx_cli.app import AmxGroup
from amx_cli.commands.catalog import catalog_group
from amx_cli.commands.daemon import install_daemon_cmd, status_cmd, uninstall_daemon_cmd
from amx_cli.commands.demo import demo_group
from amx_cli.commands.export import export_cmd
from amx_cli.commands.notify import notify_group
from amx_cli.commands.profiles import profile_group
from amx_cli.commands.review import review_group
from amx_cli.commands.run_now import run_now_cmd
from amx_cli.commands.runs import runs_group, startup_notice
from amx_cli.commands.schedules import schedule_group

ROOT_GROUPS = (
    schedule_group,
    profile_group,
    catalog_group,
    runs_group,
    review_group,
    export_cmd,
    notify_group,
    demo_group,
)
SCHEDULE_COMMANDS = (install_daemon_cmd, uninstall_daemon_cmd, status_cmd, run_now_cmd)


def build_cli() -> click.Group:
    @click.group(cls=AmxGroup, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="amx-schedules")
    def cli() -> None:
        """AMX Schedules: plan LLM-written catalog descriptions and fire them later."""
        startup_notice()

    for group in ROOT_GROUPS:
        cli.add_command(group)
    for command in SCHEDULE_COMMANDS:
        schedule_group.add_command(command)
    return cli


def main() -> None:
    build_cli()(prog_name="amx")


if __name__ == "__main__":
    main()
