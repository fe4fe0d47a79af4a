"""Many rows into one table with a single driver-level executemany.

`session.execute(insert(table), rows)` builds and checks a parameter set per row in SQLAlchemy
(a third of a bulk import's time). Here the statement is compiled once per table and column set,
each value goes through the column type's own bind processor (so what is stored is exactly what
SQLAlchemy would store), and the driver gets plain tuples. Used on SQLite, whose executemany is
a tight loop in C; PostgreSQL keeps SQLAlchemy's multi-row VALUES batching, which is already
cheap there. A table whose omitted columns need a computed Python default goes the usual way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Plan:
    sql: str
    keys: tuple[str, ...]  # of the row dicts, in the statement's parameter order
    processors: tuple[Processor, ...]
    defaults: dict[str, Any]  # scalar defaults of the columns the rows leave out
    temporal: tuple[bool, ...]  # date/time columns: a batch repeats their few values


_plans: dict[tuple[str, str, tuple[str, ...]], _Plan | None] = {}


def _plan(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> _Plan | None:
    key = (dialect.name, table.name, columns)
    if key not in _plans:
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        order = compiled.positiontup or []
        defaults = {}
        for column in compiled.insert_prefetch:
            default = column.default
            if default is None or not default.is_scalar:
                _plans[key] = None
                return None
            defaults[column.key] = default.arg  # type: ignore[attr-defined]
        types = [table.c[name].type for name in order]
        processors = tuple(t.dialect_impl(dialect).bind_processor(dialect) for t in types)
        temporal = tuple(_is_temporal(t) for t in types)
        _plans[key] = _Plan(compiled.string, tuple(order), processors, defaults, temporal)
    return _plans[key]


def insert_many(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) as `session.execute(insert(table), rows)` would."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    plan = _plan(dialect, table, tuple(rows[0])) if dialect.name == "sqlite" else None
    if plan is None:
        session.execute(insert(table), rows)
        return
    if plan.defaults:
        rows = [plan.defaults | row for row in rows]
    pairs = [(key, _memoised(processor) if processor is not None and temporal else processor)
             for key, processor, temporal in zip(plan.keys, plan.processors, plan.temporal,
                                                 strict=True)]
    params = [tuple([row[key] if processor is None else processor(row[key])
                     for key, processor in pairs]) for row in rows]
    connection.exec_driver_sql(plan.sql, params)


def _is_temporal(column_type: Any) -> bool:
    try:
        return issubclass(column_type.python_type, date)  # datetime is a date too
    except NotImplementedError:
        return False


def _memoised(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """One batch stamps its rows with the same instant: format each distinct value once."""
    done: dict[Any, Any] = {}

    def process(value: Any) -> Any:
        # Equal instants in two offsets are equal datetimes, yet may be stored differently.
        key = (value, value.utcoffset()) if isinstance(value, datetime) else value
        if key in done:
            return done[key]
        done[key] = result = processor(value)
        return result

    return process
