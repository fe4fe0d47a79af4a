"""Many rows into one table with a single driver-level executemany (SQLite) or COPY (PostgreSQL).

`session.execute(insert(table), rows)` builds and checks a parameter set per row in SQLAlchemy
(a third of a bulk import's time). Here the statement is compiled once per table and column set,
each value goes through the column type's own bind processor (so what is stored is exactly what
SQLAlchemy would store), and the driver gets plain tuples: SQLite's executemany is a tight loop
in C; on PostgreSQL an executemany is still one statement per row on the server (psycopg's
pipeline), so the rows are streamed with `COPY … FROM STDIN` instead, JSON as its text (jsonb's
by orjson: the server parses it into the same value). A table whose omitted columns need a
computed Python default goes the usual way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Table, insert
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Plan:
    sql: str  # SQLite: the INSERT; PostgreSQL: the COPY
    keys: tuple[str, ...]  # of the row dicts, in the statement's parameter order
    processors: tuple[Processor, ...]
    defaults: dict[str, Any]  # scalar defaults of the columns the rows leave out
    temporal: tuple[bool, ...]  # date/time columns: a batch repeats their few values


_plans: dict[tuple[str, str, tuple[str, ...]], _Plan | None] = {}


def _plan(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> _Plan | None:
    key = (dialect.name, table.name, columns)
    if key not in _plans:
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        defaults = {}
        for column in compiled.insert_prefetch:
            default = column.default
            if default is None or not default.is_scalar:
                _plans[key] = None
                return None
            defaults[column.key] = default.arg  # type: ignore[attr-defined]
        if dialect.name == "sqlite":
            order, sql = list(compiled.positiontup or []), compiled.string
        else:
            order = [*columns, *defaults]
            names = ", ".join(dialect.identifier_preparer.quote(table.c[k].name) for k in order)
            sql = f"COPY {dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN"
        types = [table.c[name].type for name in order]
        processors = tuple(_processor(t, dialect) for t in types)
        temporal = tuple(_is_temporal(t) for t in types)
        _plans[key] = _Plan(sql, tuple(order), processors, defaults, temporal)
    return _plans[key]


class JsonText(str):
    """A JSON column's value already serialised, exactly as `json.dumps` (SQLAlchemy's default
    serialiser) writes it: stored as it is (see registry/import_snapshots)."""

    __slots__ = ()


def _processor(column_type: Any, dialect: Dialect) -> Processor:
    impl = column_type.dialect_impl(dialect)
    if dialect.name != "sqlite" and isinstance(impl, JSONB):
        # The server parses jsonb from COPY's text: orjson's compact UTF-8 text stores the same
        # jsonb as SQLAlchemy's json.dumps text, in a tenth of the time (the audit snapshots
        # made JSON a tenth of an import). `json` columns and SQLite keep the text as given, so
        # there it stays SQLAlchemy's, byte for byte.
        return lambda value: (None if value is None else value if type(value) is JsonText
                              else _json_text(value))
    serialise = getattr(dialect, "_json_serializer", None) or json.dumps
    if isinstance(impl, JSON) and serialise is json.dumps:
        # COPY reads json from its text, serialised as SQLAlchemy would for the INSERT; SQLite
        # stores json.dumps's text. Rows repeat a few short lists (rights, territories).
        if dialect.name == "sqlite":  # its processor stores None as JSON null, as here
            return _json_processor(impl.bind_processor(dialect), impl.bind_processor(dialect))
        return _json_processor(serialise, lambda _: None)
    if dialect.name != "sqlite" and isinstance(impl, JSON):
        return lambda value: None if value is None else serialise(value)
    processor: Processor = impl.bind_processor(dialect)
    return processor


def _json_processor(serialise: Callable[[Any], Any],
                    none: Callable[[Any], Any]) -> Callable[[Any], Any]:
    lists: dict[tuple[str, ...], Any] = {}

    def process(value: Any) -> Any:
        if value is None:
            return none(value)
        kind = type(value)
        if kind is JsonText:
            return value
        if kind is list and len(value) < 8 and all(type(item) is str for item in value):
            key = tuple(value)
            text = lists.get(key)
            if text is None:
                if len(lists) > 4096:  # a plan lives as long as the process
                    lists.clear()
                text = lists[key] = serialise(value)
            return text
        return serialise(value)

    return process


def _json_text(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def insert_many(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) as `session.execute(insert(table), rows)` would."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    plan = _plan(dialect, table, tuple(rows[0])) if dialect.name in _FAST else None
    if plan is None:
        session.execute(insert(table), [_parsed(row) for row in rows])
        return
    # Column by column: a column's values go through its processor in one `map`, and the
    # rows' tuples are zipped from the columns, so a row costs no Python-level loop of its own.
    columns: list[Sequence[Any]] = []
    for key, processor, temporal in zip(plan.keys, plan.processors, plan.temporal, strict=True):
        values: Sequence[Any] = ([plan.defaults[key]] * len(rows) if key in plan.defaults
                                 else list(map(itemgetter(key), rows)))
        if processor is not None:
            values = (_each_distinct(processor, values) if temporal
                      else list(map(processor, values)))
        columns.append(values)
    params = list(zip(*columns, strict=True))
    if dialect.name == "sqlite":
        _insert_rows(connection, plan.sql, len(plan.keys), params)
    else:
        _copy(connection, plan.sql, params)


_FAST = ("sqlite", "postgresql")
_ROWS_PER_STATEMENT = 500  # SQLite's own default cap on the rows of one VALUES list
_VARIABLES_PER_STATEMENT = 30_000  # under SQLite's cap (32,766 from 3.32)


def _insert_rows(connection: Connection, sql: str, width: int,
                 params: Sequence[tuple[Any, ...]]) -> None:
    """SQLite: hundreds of rows per multi-row INSERT. sqlite3's executemany releases the GIL
    around each row's step, and taking it back waits while another thread computes; one step
    for many rows lets the import build its next batch meanwhile (see registry/import_job)."""
    per = max(1, min(_ROWS_PER_STATEMENT, _VARIABLES_PER_STATEMENT // max(width, 1)))
    for start in range(0, len(params), per):
        chunk = params[start:start + per]
        connection.exec_driver_sql(_multi_row(sql, len(chunk)), tuple(chain.from_iterable(chunk)))


@lru_cache(maxsize=256)
def _multi_row(sql: str, rows: int) -> str:
    head, values = sql.rsplit(" VALUES ", 1)
    return f"{head} VALUES {', '.join([values] * rows)}"


def _parsed(row: dict[str, Any]) -> dict[str, Any]:
    """SQLAlchemy's own insert serialises JSON itself: give it the value, not the text."""
    if not any(type(value) is JsonText for value in row.values()):
        return row
    return {key: json.loads(value) if type(value) is JsonText else value
            for key, value in row.items()}


def insert_values(session: Session, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """SQLite: `sql`, an INSERT of one `VALUES (?, …)` row, for each of `rows` (ready-made
    values), hundreds of rows per statement; for tables SQLAlchemy does not model (FTS5)."""
    if rows:
        _insert_rows(session.connection(), sql, len(rows[0]), rows)


def copy_rows(session: Session, table: str, columns: Sequence[str],
              rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL: stream ready-made values (str, int, date, None …) into `table` with COPY."""
    connection = session.connection()
    quote = connection.dialect.identifier_preparer.quote
    _copy(connection, f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN", rows)


def _copy(connection: Connection, sql: str, rows: Iterable[Sequence[Any]]) -> None:
    dbapi_connection = connection.connection
    dialect = connection.dialect
    try:
        with dbapi_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    except dialect.loaded_dbapi.Error as exc:
        # As SQLAlchemy raises them for any other statement (IntegrityError, DataError …).
        raise DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error,
                                  dialect=dialect) from exc


def _is_temporal(column_type: Any) -> bool:
    # A TypeDecorator (UTCDateTime) says `object`; the type it wraps knows.
    column_type = getattr(column_type, "impl_instance", column_type)
    try:
        return issubclass(column_type.python_type, date)  # datetime is a date too
    except NotImplementedError:
        return False


def _each_distinct(processor: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """`processor` of each value, computed once per distinct value: a batch stamps its rows
    with the same instant and repeats a few dates. Objects are told apart by identity first
    (no Python loop per row), then by value."""
    objects = dict(zip(map(id, values), values, strict=True))
    by_value: dict[Any, Any] = {}
    done = {}
    for key, value in objects.items():
        # Equal instants in two offsets are equal datetimes, yet may be stored differently.
        same = (value, value.utcoffset()) if isinstance(value, datetime) else value
        if same not in by_value:
            by_value[same] = processor(value)
        done[key] = by_value[same]
    return list(map(done.__getitem__, map(id, values)))
