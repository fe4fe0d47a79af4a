"""The SQL of moving a SQLite database to PostgreSQL: reading tables in batches, writing them,
counting, resetting sequences, and the ledger and certificates a finished copy is checked by."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import JSON, Connection, Table, Text, func, inspect, null, select, text, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from clearinghouse.core.db import Base
from clearinghouse.core.models import load_all_models
from clearinghouse.ledger.tables import LedgerPosting
from clearinghouse.licensing.licenses.tables import License


def application_tables() -> list[Table]:
    """Every table of the application, parents before the tables that refer to them."""
    load_all_models()
    return list(Base.metadata.sorted_tables)


def table_names(conn: Connection) -> list[str]:
    return sorted(inspect(conn).get_table_names())


def row_counts(conn: Connection, tables: list[Table]) -> dict[str, int]:
    return {t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0) for t in tables}


def _is_json(column: Any) -> bool:
    kind = column.type
    return isinstance(kind, JSON) or isinstance(getattr(kind, "impl", None), JSON)


def _json_cell(raw: str | None) -> Any:
    """A JSON column's stored text as the value to write: SQL NULL and JSON `null` stay apart
    (read as Python values, both would be None)."""
    if raw is None:
        return null()
    value = json.loads(raw)
    return JSON.NULL if value is None else value


def _self_referring(table: Table) -> bool:
    return any(fk.column.table is table for fk in table.foreign_keys)


def read_batches(conn: Connection, table: Table, batch_rows: int) -> Iterator[list[dict[str, Any]]]:
    """The table's rows as parameter dicts for an insert, `batch_rows` at a time.

    JSON columns are read as their stored text so that SQL NULL and JSON null stay apart; other
    columns go through their types (UTC timestamps, dates, booleans, integer money) unchanged.
    A table whose rows refer to each other (a reversing ledger entry) is read oldest first, so
    that what a row refers to is always written before it.
    """
    json_columns = {c.name for c in table.columns if _is_json(c)}
    selected: list[ColumnElement[Any]] = [
        type_coerce(c, Text).label(c.name) if c.name in json_columns else c for c in table.columns
    ]
    order: list[Any] = list(table.primary_key.columns) or list(table.columns)
    if _self_referring(table) and "created_at" in table.columns:
        order = [table.columns["created_at"], *order]
    result = conn.execution_options(yield_per=batch_rows).execute(select(*selected).order_by(*order))
    for rows in result.mappings().partitions():
        yield [{k: (_json_cell(v) if k in json_columns else v) for k, v in row.items()} for row in rows]


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    conn.execute(table.insert(), rows)


def delete_all(conn: Connection, table: Table) -> None:
    conn.execute(table.delete())


def reset_sequences(conn: Connection, tables: list[Table]) -> list[str]:
    """PostgreSQL: start every integer key's sequence after the highest id copied (the copy
    wrote ids explicitly, so the sequences never moved)."""
    reset = []
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name})
        if sequence is None:
            continue
        highest = conn.scalar(select(func.max(column)))
        # setval(seq, n, false): the next id is n itself.
        conn.execute(text("SELECT setval(CAST(:s AS regclass), :n, false)"),
                     {"s": sequence, "n": int(highest or 0) + 1})
        reset.append(f"{table.name}.{column.name}")
    return reset


def ledger_sums(conn: Connection) -> dict[tuple[str, str], int]:
    """Debit-positive sum of every account in every currency: the balances a copy must keep."""
    rows = conn.execute(
        select(LedgerPosting.account_id, LedgerPosting.currency, func.sum(LedgerPosting.amount_minor))
        .group_by(LedgerPosting.account_id, LedgerPosting.currency)
    )
    return {(account, currency): int(total) for account, currency, total in rows}


def latest_certificate(conn: Connection) -> tuple[str, Any] | None:
    """The most recently issued licence certificate as stored (id, signed document)."""
    row = conn.execute(
        select(License.id, License.certificate).where(License.certificate.is_not(None))
        .order_by(License.created_at.desc(), License.id.desc()).limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def certificate_of(conn: Connection, license_id: str) -> Any:
    return conn.scalar(select(License.certificate).where(License.id == license_id))
