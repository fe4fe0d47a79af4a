"""Staging a log held in memory, as an upload would be: a buffered binary file."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from clearinghouse.usage.cleaning import StagedLog, stage_event_log
from tests.usage.cleaning.traffic import PERIOD

TODAY = date(2026, 11, 30)


def stage_bytes(data: bytes, folder: Path, *, fmt: str = "csv", period: str = PERIOD,
                batch_rows: int = 65_536) -> tuple[StagedLog, Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    events, rejections = folder / "events.parquet", folder / "rejections.parquet"
    staged = stage_event_log(io.BufferedReader(io.BytesIO(data)), fmt=fmt, period=period,  # type: ignore[arg-type]
                             today=TODAY, report_id="rep_test", events_path=events,
                             rejections_path=rejections, batch_rows=batch_rows)
    return staged, events, rejections


def rejections_by_line(path: Path) -> dict[int, dict]:
    return {r["line_no"]: r for r in pq.read_table(path).to_pylist()}
