"""The few queries a backup needs; they take a Connection so they can run inside a snapshot."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, select, text

from clearinghouse.registry.tables import Work


def schema_revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at (None: never migrated)."""
    return MigrationContext.configure(conn).get_current_revision()


def referenced_file_keys(conn: Connection) -> set[str]:
    """Keys in the file store that works point at: the files a restore must bring back."""
    return set(conn.scalars(select(Work.file_key).where(Work.file_key.is_not(None))))


def table_names(conn: Connection) -> list[str]:
    """Tables in the database's default schema; an empty list means an empty database."""
    return sorted(inspect(conn).get_table_names())


def export_snapshot(conn: Connection) -> str:
    """PostgreSQL: name the open transaction's snapshot, so pg_dump sees exactly what it sees."""
    return str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
