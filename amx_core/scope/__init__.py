"""Scope paths (`schema[.table[.column]]`) and the additive tick/untick selection behind the ScopeTree."""

from amx_core.scope.paths import format_path, normalize_scope, parse_path, summarize_scope
from amx_core.scope.selection import ScopeSelection

__all__ = ["ScopeSelection", "format_path", "normalize_scope", "parse_path", "summarize_scope"]
