"""Alembic environment: the URL comes from the caller (clearinghouse.core.migrate), never a file."""

from __future__ import annotations

from alembic import context

from clearinghouse.core.db import Base, make_engine
from clearinghouse.core.migrate import include_name
from clearinghouse.core.models import load_all_models

load_all_models()
config = context.config
url: str = config.get_main_option("sqlalchemy.url") or ""
if not url:
    raise RuntimeError("clearinghouse.core.migrate sets sqlalchemy.url")


def run() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, target_metadata=Base.metadata,
                          render_as_batch=True, compare_type=True, include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url, immediate=False)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=True, compare_type=True, include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
