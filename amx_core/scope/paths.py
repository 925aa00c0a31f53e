"""Scope paths (docs/ARCHITECTURE.md §4.3): dot-separated, SQL-style double quotes for awkward names."""

from __future__ import annotations

import re

from amx_core.errors import ValidationError
from amx_core.text import storable

Path = tuple[str, ...]
MAX_DEPTH = 3  # schema, table, column
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class PathSyntaxError(ValueError):
    pass


def parse_path(text: str) -> Path:
    """`"my.schema".users` -> ('my.schema', 'users'); raises PathSyntaxError with the reason."""
    if _CONTROL.search(text):
        raise PathSyntaxError("control characters are not allowed")
    if not storable(text):
        raise PathSyntaxError("it holds bytes that are not UTF-8")
    parts: list[str] = []
    i, n = 0, len(text)
    if n == 0:
        raise PathSyntaxError("empty path")
    while True:
        if i < n and text[i] == '"':
            i += 1
            buf = []
            while True:
                if i >= n:
                    raise PathSyntaxError("unclosed double quote")
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        buf.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                buf.append(text[i])
                i += 1
            part = "".join(buf)
        else:
            j = i
            while j < n and text[j] not in '."':
                j += 1
            part = text[i:j]
            if part != part.strip() or any(c.isspace() for c in part):
                raise PathSyntaxError(f'{part!r} holds spaces; quote it like "{part.strip()}"')
            i = j
        if part == "":
            raise PathSyntaxError("empty name between dots")
        parts.append(part)
        if i >= n:
            break
        if text[i] != ".":
            raise PathSyntaxError(f"unexpected {text[i]!r} at position {i + 1}")
        i += 1
        if i >= n:
            raise PathSyntaxError("path ends with a dot")
    if len(parts) > MAX_DEPTH:
        raise PathSyntaxError("a path has at most three parts: schema.table.column")
    return tuple(parts)


def quote_part(part: str) -> str:
    if _PLAIN.fullmatch(part):
        return part
    return '"' + part.replace('"', '""') + '"'


def format_path(parts: Path) -> str:
    return ".".join(quote_part(p) for p in parts)


def is_under(path: Path, ancestor: Path) -> bool:
    """True when `path` is `ancestor` itself or lies below it."""
    return len(path) >= len(ancestor) and path[: len(ancestor)] == ancestor


def normalize_scope(paths: list[str] | tuple[str, ...], *, field: str = "scope") -> list[str]:
    """Parse, de-duplicate and keep the user's order; a path already covered by an ancestor is dropped.

    The stored scope is the effective one: `public` plus `public.users` means all of public,
    because a path means "everything below it".
    """
    parsed: list[Path] = []
    for text in paths:
        if not isinstance(text, str):
            raise ValidationError(field, f"{text!r} is not a path")
        try:
            parsed.append(parse_path(text.strip() if text.strip() else text))
        except PathSyntaxError as exc:
            raise ValidationError(field, f"{text!r} is not a path like schema[.table[.column]]: {exc}") from exc
    kept: list[Path] = []
    for p in parsed:
        if p in kept:
            continue
        if any(is_under(p, other) for other in parsed if other != p and len(other) < len(p)):
            continue
        kept.append(p)
    return [format_path(p) for p in kept]


def summarize_scope(paths: list[str] | tuple[str, ...], *, show: int = 2) -> str:
    """`public.users, public.orders +3`; no path means the whole database."""
    if not paths:
        return "whole database"
    head = ", ".join(paths[:show])
    rest = len(paths) - show
    return f"{head} +{rest}" if rest > 0 else head
