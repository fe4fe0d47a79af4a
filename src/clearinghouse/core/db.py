"""Database engine and session factory, plus shared column types.

Engines are created by entrypoints (API app factory, CLI), never at import time.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from clearinghouse.core.clock import as_utc

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Always timezone-aware UTC on the way out, whatever the backend stores."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
        return as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


# 19 digits in a row may be an integer beyond 64 bits, which orjson reads as a float.
_LONG_NUMBER = re.compile(r"[0-9]{19}")


def load_json(text: str) -> Any:
    """`json.loads`, by orjson where that gives the same value (several times faster: an
    import's report, one JSON value of a row per work, is read back whole). Text orjson refuses
    (NaN, 1e400, lone surrogates) or may read otherwise (long numbers) goes to `json.loads`."""
    if _LONG_NUMBER.search(text):
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


SQLITE_MMAP_BYTES = 2 * 1024**3  # address space, not memory; SQLite caps it at its build's limit


def make_engine(
    url: str,
    *,
    immediate: bool = True,
    pool_size: int = 5,
    pool_timeout: float = 30.0,
    busy_timeout_ms: int = 30_000,
    statement_timeout_ms: int = 0,
    **kwargs: Any,
) -> Engine:
    """`immediate=False` gives a SQLite engine for read-only work that never blocks writers.

    `pool_size` is how many connections a process keeps; a request waits at most `pool_timeout`
    seconds for one (then the API answers 503). The API sizes the pool above the number of requests
    it admits at once, so that no admitted request ever waits for a connection.
    """
    pool = {"pool_size": pool_size, "max_overflow": max(2, pool_size // 4), "pool_timeout": pool_timeout}
    if url.startswith("sqlite"):
        kwargs.setdefault("json_deserializer", load_json)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
                               **pool, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Autocommit off in the driver; we issue BEGIN ourselves so that writers take the
            # lock up front (BEGIN IMMEDIATE) instead of failing half-way on upgrade.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            # Read pages in place instead of copying each through a read() into SQLite's small
            # page cache: 5-15 % less CPU per search at a million works (docs/search.md).
            cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cur.close()

        if immediate:
            _gate_sqlite_writers(engine, busy_timeout_ms / 1000)
        else:
            @event.listens_for(engine, "begin")
            def _sqlite_begin(conn: Any) -> None:
                conn.exec_driver_sql("BEGIN")

        return engine
    if statement_timeout_ms and url.startswith("postgresql"):
        # A runaway statement or a transaction left open cannot hold rows or a connection forever.
        options = (f"-c statement_timeout={statement_timeout_ms} "
                   f"-c idle_in_transaction_session_timeout={statement_timeout_ms}")
        kwargs.setdefault("connect_args", {})["options"] = options
    return create_engine(url, pool_pre_ping=True, **pool, **kwargs)


_GATE_HELD = "clearinghouse.write_gate"


def _gate_sqlite_writers(engine: Engine, timeout: float) -> None:
    """SQLite has one writer at a time. Writers of this process queue on a lock, and are woken the
    moment it is free, instead of polling SQLite's busy handler (which sleeps up to 100 ms a try and
    collapsed throughput under load). Other processes (the CLI) still meet the busy timeout."""
    gate = threading.Lock()

    @event.listens_for(engine, "begin")
    def _begin_immediate(conn: Any) -> None:
        if not gate.acquire(timeout=timeout):
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
        conn.info[_GATE_HELD] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            conn.info.pop(_GATE_HELD, None)
            gate.release()
            raise

    def _end(conn: Any) -> None:
        if conn.info.pop(_GATE_HELD, False):
            gate.release()

    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error. Entrypoints use this."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(session_or_engine: Session | Engine) -> bool:
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    return bind.dialect.name == "postgresql"


def ping(engine: Engine) -> None:
    """One round trip to the database (the health check); raises when it cannot answer."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
