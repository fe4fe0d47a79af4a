"""Run Alembic migrations programmatically, so `clearinghouse init` needs no alembic.ini."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

# Engine-specific search objects made by hand in 0002_search (FTS5 tables, tsvector columns
# and their GIN indexes) are not in the metadata; comparisons must not propose dropping them.
ENGINE_SPECIFIC = {"tsv", "facets_tsv", "ix_search_documents_tsv", "ix_search_documents_facets_tsv",
                   "ix_search_documents_creators_tsv",  # 0011_search_fields
                   "ix_search_documents_title_tsv", "ix_search_documents_alt_titles_tsv"}  # 0014


def include_name(name: str | None, type_: str, parent_names: object) -> bool:  # noqa: ARG001
    return not (name and (name in ENGINE_SPECIFIC or name.startswith("search_fts")))


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("clearinghouse") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
