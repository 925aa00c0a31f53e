"""Entry point of `amx`: attaches each command group; groups import the core lazily."""

from __future__ import annotations

import importlib

import click

from amx_cli.app import AmxGroup

# (module, attribute) of every group or command attached to the root or to `schedule`;
# a module that is not installed yet is simply absent.
ROOT_GROUPS = [
    ("amx_cli.commands.schedules", "schedule_group"),
    ("amx_cli.commands.profiles", "profile_group"),
    ("amx_cli.commands.catalog", "catalog_group"),
    ("amx_cli.commands.runs", "runs_group"),
    ("amx_cli.commands.review", "review_group"),
    ("amx_cli.commands.demo", "demo_group"),
]
SCHEDULE_COMMANDS = [
    ("amx_cli.commands.daemon", "install_daemon_cmd"),
    ("amx_cli.commands.daemon", "uninstall_daemon_cmd"),
    ("amx_cli.commands.daemon", "status_cmd"),
    ("amx_cli.commands.run_now", "run_now_cmd"),
]


def _load(module: str, attr: str):
    try:
        return getattr(importlib.import_module(module), attr)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise


def build_cli() -> click.Group:
    @click.group(cls=AmxGroup, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="amx-schedules")
    def cli() -> None:
        """AMX Schedules: plan LLM-written catalog descriptions and fire them later."""
        notice = _load("amx_cli.commands.runs", "startup_notice")
        if notice is not None:
            notice()

    schedule = None
    for module, attr in ROOT_GROUPS:
        group = _load(module, attr)
        if group is not None:
            cli.add_command(group)
            if attr == "schedule_group":
                schedule = group
    for module, attr in SCHEDULE_COMMANDS:
        command = _load(module, attr)
        if command is not None and schedule is not None:
            schedule.add_command(command)
    return cli


def main() -> None:
    build_cli()(prog_name="amx")


if __name__ == "__main__":
    main()
