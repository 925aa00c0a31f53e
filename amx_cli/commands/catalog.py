"""`amx catalog refresh|show|changes|databases`: the cached catalog from the command line."""

from __future__ import annotations

import click

from amx_cli.app import AmxGroup, store
from amx_cli.output import emit_json, pairs, say
from amx_cli.tables import table


@click.group("catalog", cls=AmxGroup)
def catalog_group() -> None:
    """Read database catalogs into the local cache and see what changed."""


def _changes_table(changes) -> None:
    table(
        ("AT", "KIND", "PATH", "DETAIL"),
        [(c.at.strftime("%Y-%m-%d %H:%M:%S"), c.kind, c.path, c.detail or "") for c in changes],
    )


@catalog_group.command("refresh")
@click.argument("profile")
@click.option("--database", help="Database to read (default: the profile's)")
@click.option("--scope", multiple=True, help="schema[.table[.column]]; repeat for more (default: whole database)")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines")
@click.option("--json", "as_json", is_flag=True)
def refresh_cmd(profile, database, scope, quiet, as_json):
    """Read PROFILE's catalog live, update the cache and record the changes."""
    from amx_cli.progress import Progress
    from amx_core.catalog.refresh import refresh_catalog

    bar = None if quiet else Progress("catalog")
    try:
        report = refresh_catalog(
            store(), profile, database=database, scope=list(scope), progress=bar.update if bar else None
        )
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        emit_json(report.to_json())
        return
    pairs(
        [
            ("profile", report.profile),
            ("database", report.database or "main"),
            ("scope", ", ".join(report.scope) or "whole database"),
            ("tables", report.tables),
            ("columns", report.columns),
            ("re-read", f"{report.reflected} of {report.checked}" + (" (fast path)" if report.fast_path else "")),
            (
                "changes",
                "baseline (first read: none recorded)"
                if report.baseline and not report.changes
                else len(report.changes),
            ),
            ("took", f"{report.duration_seconds:.2f}s"),
        ]
    )
    if report.changes:
        say()
        _changes_table(report.changes)


@catalog_group.command("show")
@click.argument("profile")
@click.argument("path", required=False, default="")
@click.option("--database", help="Database (default: the profile's)")
@click.option("--offset", default=0, show_default=True, type=int)
@click.option("--limit", default=200, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
def show_cmd(profile, path, database, offset, limit, as_json):
    """List the children of PATH (none: schemas; schema: tables; schema.table: columns) from the cache, with
    each table's and column's description read live and who wrote it (person, amx, reviewed).

    A branch never read is read live first.
    """
    from amx_core.errors import ValidationError
    from amx_core.scope.paths import PathSyntaxError, parse_path
    from amx_core.services.descriptions import catalog_children

    try:
        parts = parse_path(path) if path else ()
    except PathSyntaxError as exc:
        raise ValidationError("path", f"{path!r} is not a path like schema[.table[.column]]: {exc}") from None
    page = catalog_children(store(), profile, database, parts, offset=offset, limit=limit)
    if as_json:
        emit_json(page.to_json())
        return
    table(
        ("NAME", "KIND", "CHILDREN", "DETAIL", "DESCRIPTION", "WRITTEN BY"),
        [
            (
                n.name,
                n.kind,
                "?" if n.child_count is None else n.child_count,
                n.detail or "",
                _short(n.description),
                _written_by(n),
            )
            for n in page.items
        ],
    )
    if page.has_more or page.offset:
        last = page.offset + len(page.items)
        say(f"({page.offset + 1}-{last} of {page.total}; more with --offset {last})", err=True)
    if page.descriptions_from == "cache":
        say("note: the database could not be reached; descriptions are those of the last refresh", err=True)


def _short(text: str | None, width: int = 60) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _written_by(node) -> str:
    return "" if node.kind == "schema" else (node.written or "-")


@catalog_group.command("changes")
@click.argument("profile")
@click.option("--database", help="Database (default: the profile's)")
@click.option("--since", help="Only changes after this ISO-8601 instant (naive = UTC)")
@click.option("--json", "as_json", is_flag=True)
def changes_cmd(profile, database, since, as_json):
    """Schema changes seen by refreshes of PROFILE's catalog, oldest first."""
    from amx_core.catalog.changes import list_changes
    from amx_core.instants import parse_instant

    after = parse_instant(since, field="since") if since else None
    changes = list_changes(store(), profile, database=database, since=after)
    if as_json:
        emit_json([c.to_json() for c in changes])
        return
    _changes_table(changes)


@catalog_group.command("databases")
@click.argument("profile")
@click.option("--json", "as_json", is_flag=True)
def databases_cmd(profile, as_json):
    """The databases PROFILE's server holds (the cached ones when it cannot be reached)."""
    from amx_core.catalog.listing import list_databases

    names = list_databases(store(), profile)
    if as_json:
        emit_json(names)
        return
    for name in names:
        say(name or "main")
