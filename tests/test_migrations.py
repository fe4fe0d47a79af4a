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


def test_migrations_never_read_application_code():
    """An old migration must seed and build the same thing whatever today's code and defaults say:
    it may use the database column types (`clearinghouse.core.db`) and nothing else of ours."""
    import ast
    from pathlib import Path

    import clearinghouse.migrations

    versions = Path(clearinghouse.migrations.__file__).parent / "versions"
    offenders = []
    for path in sorted(versions.glob("[0-9]*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names
                          if n.startswith("clearinghouse") and n != "clearinghouse.core.db"]
    assert offenders == []
