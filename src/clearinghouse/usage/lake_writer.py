"""Lands a report's lines in the lake: usage lines and rejections streamed into two Parquet
files, a row group per `BATCH_ROWS`, each written under a temporary name, flushed to disk and
renamed into place only when complete. Memory holds one batch, whatever the report's length.

The files alone count for nothing: the report's row says `landed` only after both are in place
(usage/service.finish_landing), and readers take their list of reports from the database.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from clearinghouse.usage.domain import ReportTotals
from clearinghouse.usage.lake import TEMP_SUFFIX, Area, Lake
from clearinghouse.usage.records import (
    REJECTION_SCHEMA,
    USAGE_LINE_SCHEMA,
    Rejection,
    UsageLine,
)

BATCH_ROWS = 65_536
_LINE_FIELDS = [f.name for f in USAGE_LINE_SCHEMA][2:]  # after report_id and reporter_id
_REJECTION_FIELDS = [f.name for f in REJECTION_SCHEMA][1:]  # after report_id


class _ParquetStream:
    """One Parquet file written batch by batch under `<file>.partial`."""

    def __init__(self, path: Path, schema: pa.Schema, constants: dict[str, str]) -> None:
        self.path, self.schema, self.constants = path, schema, constants
        self.temp = path.with_name(path.name + TEMP_SUFFIX)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.writer = pq.ParquetWriter(self.temp, schema, compression="zstd")
        self.columns: dict[str, list[Any]] = {f.name: [] for f in schema if f.name not in constants}
        self.pending = 0

    def append(self, values: dict[str, Any]) -> None:
        for name, column in self.columns.items():
            column.append(values[name])
        self.pending += 1
        if self.pending >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        data: dict[str, Any] = dict(self.columns)
        for name, value in self.constants.items():
            data[name] = pa.array([value] * self.pending, pa.string())
        self.writer.write_table(pa.Table.from_pydict(data, schema=self.schema))
        for column in self.columns.values():
            column.clear()
        self.pending = 0

    def complete(self) -> None:
        """Every row on disk under the temporary name (renamed by `publish`)."""
        self.flush()
        self.writer.close()
        with self.temp.open("rb") as handle:
            os.fsync(handle.fileno())

    def publish(self) -> None:
        os.replace(self.temp, self.path)
        _fsync_dir(self.path.parent)

    def discard(self) -> None:
        try:
            self.writer.close()
        finally:
            self.temp.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a directory; the rename is still atomic
        pass
    finally:
        os.close(fd)


class LakeWriter:
    """A report's two lake files; `add` each item in file order, then `close` (or `discard`)."""

    def __init__(self, lake: Lake, report_id: str, reporter_id: str, period: str) -> None:
        self.totals = ReportTotals()
        self.lines = _ParquetStream(lake.file(Area.USAGE, period, reporter_id, report_id),
                                    USAGE_LINE_SCHEMA,
                                    {"report_id": report_id, "reporter_id": reporter_id})
        try:
            self.rejections = _ParquetStream(
                lake.file(Area.REJECTIONS, period, reporter_id, report_id), REJECTION_SCHEMA,
                {"report_id": report_id})
        except BaseException:
            self.lines.discard()
            raise

    def add(self, item: UsageLine | Rejection) -> None:
        self.totals.add(item)
        if isinstance(item, Rejection):
            self.rejections.append({name: getattr(item, name) for name in _REJECTION_FIELDS}
                                   | {"reason": item.reason.value})
        else:
            self.lines.append({name: getattr(item, name) for name in _LINE_FIELDS}
                              | {"kind": item.kind.value})

    def close(self) -> ReportTotals:
        """Both files complete on disk, then renamed into place (rejections first)."""
        self.lines.complete()
        self.rejections.complete()
        self.rejections.publish()
        self.lines.publish()
        return self.totals

    def discard(self) -> None:
        try:
            self.lines.discard()
        finally:
            self.rejections.discard()
