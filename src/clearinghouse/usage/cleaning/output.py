"""Clean and removed events into the lake (`lake.Area.EVENTS` and `lake.Area.REMOVED`), streamed
from the engine into a file renamed into place only when complete; and `run_cleaning`, the one
call an ingest makes for an event log it has staged."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from clearinghouse.usage.cleaning.events import EVENT_SCHEMA, REMOVED_EVENT_SCHEMA
from clearinghouse.usage.cleaning.pipeline import Cleaned, clean_event_file
from clearinghouse.usage.cleaning.rules import CleaningRules
from clearinghouse.usage.lake import TEMP_SUFFIX, Area, Lake


@dataclass(frozen=True)
class CleaningRun:
    clean_events: int
    removed_events: int
    summary: pa.Table  # pipeline.SUMMARY_SCHEMA
    usage: pa.Table  # records.USAGE_LINE_SCHEMA: what the ingest lands as the report's usage lines


def run_cleaning(con: ibis.BaseBackend, events_path: Path, *, lake: Lake, period: str, reporter_id: str,
                 report_id: str, rules: CleaningRules | None = None) -> CleaningRun:
    """Clean a staged log on `con`, write its clean and removed events to the lake, and return the
    summary and the usage lines (the caller lands those with the report, as for any format)."""
    cleaned = clean_event_file(con, str(events_path), rules)
    clean_count, removed_count = write_cleaned(
        cleaned, clean_path=lake.file(Area.EVENTS, period, reporter_id, report_id),
        removed_path=lake.file(Area.REMOVED, period, reporter_id, report_id))
    return CleaningRun(clean_events=clean_count, removed_events=removed_count, summary=cleaned.summary(),
                       usage=cleaned.usage_lines(report_id=report_id, reporter_id=reporter_id, period=period))


def write_cleaned(cleaned: Cleaned, *, clean_path: Path, removed_path: Path) -> tuple[int, int]:
    """Write both files; returns (clean events, removed events)."""
    return (_write(cleaned.clean.select(*EVENT_SCHEMA.names), EVENT_SCHEMA, clean_path),
            _write(cleaned.removed.select(*REMOVED_EVENT_SCHEMA.names), REMOVED_EVENT_SCHEMA, removed_path))


def _write(table: ir.Table, schema: pa.Schema, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + TEMP_SUFFIX)
    if table.get_backend().name == "duckdb":
        # DuckDB writes the file itself, in parallel and without the rows passing through Python.
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
