"""A DB or LLM profile row by name; an unknown name is a NotFoundError on the field the caller names."""

from __future__ import annotations

from sqlmodel import Session, select

from amx_core.errors import NotFoundError
from amx_core.models import DbProfile, LlmProfile
from amx_core.text import storable


def get_db_row(session: Session, name: str, field: str = "db-profile") -> DbProfile:
    row = session.exec(select(DbProfile).where(DbProfile.name == name)).first() if storable(name) else None
    if row is None:
        raise NotFoundError(field, f"no DB profile named {name!r}")
    return row


def get_llm_row(session: Session, name: str, field: str = "llm-profile") -> LlmProfile:
    row = session.exec(select(LlmProfile).where(LlmProfile.name == name)).first() if storable(name) else None
    if row is None:
        raise NotFoundError(field, f"no LLM profile named {name!r}")
    return row
