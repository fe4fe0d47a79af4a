"""The migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from clearinghouse.core.db import Base
from clearinghouse.core.migrate import include_name
from clearinghouse.core.models import load_all_models


def test_migrated_schema_matches_the_models(engine):
    load_all_models()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False, "include_name": include_name})
        diffs = compare_metadata(ctx, Base.metadata)
    assert diffs == []


def test_work_types_are_seeded(engine):
    from sqlalchemy import text

    with engine.connect() as conn:
        codes = {r[0] for r in conn.execute(text("SELECT code FROM work_types"))}
    assert {"musical_composition", "sound_recording", "short_video", "film_clip", "photograph"} <= codes
