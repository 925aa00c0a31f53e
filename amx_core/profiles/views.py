"""Profile rows to frozen views: the URL masked, secrets only as references."""

from __future__ import annotations

import sqlalchemy as sa

from amx_core.engines.registry import engine_for
from amx_core.models import DbProfile, LlmProfile
from amx_core.models.base import saved_id
from amx_core.secrets.masking import mask_url
from amx_core.views import DbProfileView, LlmProfileView


def db_view(row: DbProfile) -> DbProfileView:
    dialect = sa.engine.make_url(row.url).get_backend_name()
    engine = engine_for(dialect)
    return DbProfileView(
        id=saved_id(row),
        name=row.name,
        url=mask_url(row.url),
        password_ref=row.password_ref,
        default_database=row.default_database,
        sample_mode=row.sample_mode,
        dialect=dialect,
        single_database=engine.single_database,
        engine=engine.label,
    )


def llm_view(row: LlmProfile) -> LlmProfileView:
    return LlmProfileView(
        id=saved_id(row),
        name=row.name,
        provider=row.provider,
        model=row.model,
        base_url=mask_url(row.base_url) if row.base_url else None,
        key_ref=row.key_ref,
        temperature=row.temperature,
        max_concurrency=row.max_concurrency,
        timeout_seconds=row.timeout_seconds,
        columns_per_request=row.columns_per_request,
    )
