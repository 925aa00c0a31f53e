"""`amx export dbt|markdown|json PROFILE`: descriptions to where the team reads them."""

from __future__ import annotations

import click

from amx_cli.app import store
from amx_cli.output import emit_json, say


@click.command("export")
@click.argument("fmt", metavar="dbt|markdown|json")
@click.argument("profile")
@click.option("--database", help="Database (default: the profile's)")
@click.option("--scope", multiple=True, help="schema[.table[.column]]; repeat for more (default: whole database)")
@click.option("--out", help="Write the document to this file (default: stdout)")
@click.option("--merge", help="dbt: update this existing properties file (written back unless --out)")
@click.option("--overwrite", is_flag=True, help="With --merge: replace descriptions already in the file")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON (needs --out or --merge)")
def export_cmd(fmt, profile, database, scope, out, merge, overwrite, as_json):
    """Export PROFILE's table and column descriptions (read live) as a dbt properties file, a Markdown data
    dictionary or JSON."""
    from amx_core.errors import ValidationError
    from amx_core.services.export import export_catalog
    from amx_core.wording import counted

    if as_json and not (out or merge):
        raise ValidationError("json", "needs --out or --merge (without them the document itself goes to stdout)")
    result = export_catalog(
        store(),
        fmt,
        profile,
        database=database,
        scope=scope,
        out=out,
        merge=merge,
        overwrite=overwrite,
    )
    if result.out is None:
        click.echo(result.text, nl=False)
    elif as_json:
        emit_json(result.to_json())
    else:
        merged = result.merged
        detail = (
            f"; {merged['added']} descriptions added, {merged['replaced']} replaced, {merged['kept']} kept"
            if merged is not None
            else ""
        )
        say(
            f"wrote {result.out}: {counted(result.tables, 'table')}, {counted(result.columns, 'column')}, "
            f"{result.described} described ({result.format}){detail}"
        )
