"""Clean and removed events into the lake (`lake.Area.EVENTS` and `lake.Area.REMOVED`), streamed
batch by batch from the engine and renamed into place only when complete."""

from __future__ import annotations

import os
from pathlib import Path

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from clearinghouse.usage.cleaning.events import EVENT_SCHEMA, REMOVED_EVENT_SCHEMA
from clearinghouse.usage.cleaning.pipeline import Cleaned
from clearinghouse.usage.lake import TEMP_SUFFIX


def write_cleaned(cleaned: Cleaned, *, clean_path: Path, removed_path: Path) -> tuple[int, int]:
    """Write both files; returns (clean events, removed events)."""
    return (_write(cleaned.clean.select(*EVENT_SCHEMA.names), EVENT_SCHEMA, clean_path),
            _write(cleaned.removed.select(*REMOVED_EVENT_SCHEMA.names), REMOVED_EVENT_SCHEMA, removed_path))


def _write(table: ir.Table, schema: pa.Schema, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + TEMP_SUFFIX)
    if table.get_backend().name == "duckdb":
        # DuckDB streams the result into the file itself (Ibis's batch reader fails on DuckDB 2).
        table.cast(schema).to_parquet(temp)
        rows = int(pq.ParquetFile(temp).metadata.num_rows)
    else:
        rows = 0
        with pq.ParquetWriter(temp, schema) as writer:
            for batch in table.to_pyarrow_batches():
                writer.write_batch(batch.cast(schema))
                rows += batch.num_rows
    os.replace(temp, path)
    return rows
