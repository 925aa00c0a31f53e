"""`amx export dbt|markdown|json`: one database's descriptions as a dbt properties file, a Markdown data
dictionary or JSON, to stdout or a file; `--merge` updates an existing dbt properties file.

Every input is checked before anything is read or written (bad input: exit 2, nothing written);
files are written whole or not at all (a temporary file beside the target, then renamed).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amx_core.catalog.verify import check_database, check_scope
from amx_core.errors import ActionError, ValidationError
from amx_core.scope.paths import normalize_scope
from amx_core.services.validation import one_of, plain_text

FORMATS = ("dbt", "markdown", "json")
PATH_MAX = 4096


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the document (when it goes to stdout) or the file, and what it holds."""

    format: str
    profile: str
    database: str
    out: str | None  # the file written; None: `text` goes to stdout
    text: str
    tables: int
    columns: int
    described: int
    merged: dict[str, int] | None = None  # added / replaced / kept, for --merge

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "profile": self.profile,
            "database": self.database,
            "out": self.out,
            "tables": self.tables,
            "columns": self.columns,
            "described": self.described,
            "merged": self.merged,
        }


def _file(value: str | None, field: str, *, must_exist: bool) -> Path | None:
    if value is None:
        return None
    text = plain_text(value, field=field, max_len=PATH_MAX)
    if not text:
        raise ValidationError(field, "must name a file")
    path = Path(text).expanduser()
    if path.is_dir():
        raise ValidationError(field, f"{text!r} is a folder; name a file")
    if must_exist and not path.is_file():
        raise ValidationError(field, f"{text!r} does not exist")
    if not path.parent.is_dir():
        raise ValidationError(field, f"the folder of {text!r} does not exist")
    return path


def _read(path: Path, field: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(field, f"cannot read {str(path)!r}: {exc}") from None


def write_whole(path: Path, text: str) -> None:
    """Write `text` to `path` completely or not at all (a temporary file in the same folder, then renamed)."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
            if path.exists():
                os.chmod(temporary, path.stat().st_mode & 0o7777)
            else:
                os.chmod(temporary, 0o666 & ~_umask())
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
    except OSError as exc:
        raise ActionError(f"cannot write {str(path)!r}: {exc}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def export_catalog(
    store,
    fmt: str,
    profile: str,
    *,
    database: str | None = None,
    scope=(),
    out: str | None = None,
    merge: str | None = None,
    overwrite: bool = False,
) -> ExportResult:
    """Read the scope's descriptions live and render them as `fmt`; write `out` (or the merged file) if given."""
    from amx_core.export.dbt import merge_dbt, render_dbt
    from amx_core.export.document import read_document
    from amx_core.export.markdown import render_markdown

    fmt = one_of(fmt, FORMATS, field="format")
    paths = normalize_scope(list(scope or ()), field="scope")
    target = _file(out, "out", must_exist=False)
    merged_file = _file(merge, "merge", must_exist=True)
    if merged_file is not None and fmt != "dbt":
        raise ValidationError("merge", "merges dbt properties files only (use the dbt format)")
    if overwrite and merged_file is None:
        raise ValidationError("overwrite", "applies to --merge only (a new file has no descriptions to keep)")
    existing = _read(merged_file, "merge") if merged_file is not None else None
    if database:
        check_database(store, profile, database)
    check_scope(store, profile, database, paths)  # a name that does not exist is bad input, with the nearest ones
    doc = read_document(store, profile, database, paths)
    merged = None
    if existing is not None:
        text, counts = merge_dbt(existing, doc, overwrite=overwrite)
        merged = counts.to_json()
        target = target or merged_file
    elif fmt == "dbt":
        text = render_dbt(doc)
    elif fmt == "markdown":
        text = render_markdown(doc)
    else:  # every character that is not ASCII as its \u escape: the file is printable anywhere, and reads back same
        text = json.dumps(doc.to_json(), indent=2, ensure_ascii=True) + "\n"
    if target is not None:
        write_whole(target, text)
    counts_now = doc.counts()
    return ExportResult(
        format=fmt,
        profile=profile,
        database=doc.shown_database,
        out=str(target) if target is not None else None,
        text=text,
        merged=merged,
        **counts_now,
    )
