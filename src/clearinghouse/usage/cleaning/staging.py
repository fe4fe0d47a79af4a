"""An event log streamed into Parquet in batches, so a log of any size reads in bounded memory.

Events go to one file (`events.EVENT_SCHEMA`), refused lines to another (`records.REJECTION_SCHEMA`);
each is written beside its final name (`lake.TEMP_SUFFIX`) and renamed into place when complete.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from clearinghouse.usage.cleaning.events import EVENT_SCHEMA, Event, events_to_batch
from clearinghouse.usage.cleaning.reader import LogFormat, read_event_log
from clearinghouse.usage.lake import TEMP_SUFFIX
from clearinghouse.usage.records import REJECTION_SCHEMA, Rejection

BATCH_ROWS = 65_536  # events held in memory at once


@dataclass(frozen=True)
class StagedLog:
    events: int
    rejections: int


def stage_event_log(source: BinaryIO, *, fmt: LogFormat, period: str, today: date, report_id: str,
                    events_path: Path, rejections_path: Path, batch_rows: int = BATCH_ROWS,
                    screen: Callable[[Event], Rejection | None] | None = None) -> StagedLog:
    """`screen`: a rejection for an event the reporter may not report (its line stays in line
    order among the other refusals), None for one it may."""
    events: list[Event] = []
    rejections: list[Rejection] = []
    counts = [0, 0]
    temp_events = _temp(events_path)
    temp_rejections = _temp(rejections_path)
    with pq.ParquetWriter(temp_events, EVENT_SCHEMA) as event_writer, \
            pq.ParquetWriter(temp_rejections, REJECTION_SCHEMA) as rejection_writer:
        for item in read_event_log(source, fmt=fmt, period=period, today=today):
            if isinstance(item, Event) and screen is not None:
                item = screen(item) or item
            if isinstance(item, Event):
                events.append(item)
            else:
                rejections.append(item)
            if len(events) >= batch_rows:
                counts[0] += _flush_events(event_writer, events)
            if len(rejections) >= batch_rows:
                counts[1] += _flush_rejections(rejection_writer, rejections, report_id)
        counts[0] += _flush_events(event_writer, events)
        counts[1] += _flush_rejections(rejection_writer, rejections, report_id)
    os.replace(temp_events, events_path)
    os.replace(temp_rejections, rejections_path)
    return StagedLog(events=counts[0], rejections=counts[1])


def _temp(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(path.name + TEMP_SUFFIX)


def _flush_events(writer: pq.ParquetWriter, events: list[Event]) -> int:
    if events:
        writer.write_batch(events_to_batch(events))
    n = len(events)
    events.clear()
    return n


def _flush_rejections(writer: pq.ParquetWriter, rejections: list[Rejection], report_id: str) -> int:
    if rejections:
        writer.write_batch(pa.RecordBatch.from_pylist(
            [{"report_id": report_id, "line_no": r.line_no, "reason": r.reason.value, "message": r.message,
              "field": r.field, "raw": r.raw} for r in rejections], schema=REJECTION_SCHEMA))
    n = len(rejections)
    rejections.clear()
    return n
