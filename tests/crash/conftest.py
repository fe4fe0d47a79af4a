"""Crash tests run the real server as a child process, on SQLite and on PostgreSQL."""

from tests.support.databases import new_postgres_database  # noqa: F401  (fixture)
