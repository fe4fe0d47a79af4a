"""Lands a report's lines in the lake: usage lines and rejections streamed into two Parquet
files, a row group per `BATCH_ROWS`, each written under a temporary name, flushed to disk and
renamed into place only when complete. Memory holds one batch, whatever the report's length.

The files alone count for nothing: the report's row says `landed` only after both are in place
(usage/service.finish_landing), and readers take their list of reports from the database.
"""

from __future__ import annotations

import os
from operator import attrgetter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
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
# The item's attributes in schema order, after the constant columns (report_id, reporter_id);
# `kind` and `reason` are StrEnums, stored as their text.
_LINE_VALUES = attrgetter(*[f.name for f in USAGE_LINE_SCHEMA][2:])
_REJECTION_VALUES = attrgetter(*[f.name for f in REJECTION_SCHEMA][1:])


class _ParquetStream:
    """One Parquet file written batch by batch under `<file>.partial`."""

    def __init__(self, path: Path, schema: pa.Schema, constants: dict[str, str]) -> None:
        self.path, self.schema, self.constants = path, schema, constants
        self.temp = path.with_name(path.name + TEMP_SUFFIX)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.writer = pq.ParquetWriter(self.temp, schema, compression="zstd")
        self.columns: dict[str, list[Any]] = {f.name: [] for f in schema if f.name not in constants}
        self.lists = list(self.columns.values())
        self.pending = 0

    def append(self, values: tuple[Any, ...]) -> None:
        """One row: its values in the order of the schema's non-constant columns."""
        for column, value in zip(self.lists, values, strict=True):
            column.append(value)
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

    def write(self, table: pa.Table) -> None:
        """Rows already in Arrow form: the schema's non-constant columns, after those appended."""
        self.flush()
        n = table.num_rows
        if not n:
            return
        columns = [pa.repeat(pa.scalar(self.constants[f.name], f.type), n) if f.name in self.constants
                   else table.column(f.name) for f in self.schema]
        self.writer.write_table(pa.table(columns, schema=self.schema))

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
            self.rejections.append(_REJECTION_VALUES(item))
        else:
            self.lines.append(_LINE_VALUES(item))

    def add_lines(self, table: pa.Table) -> None:
        """Accepted lines as Arrow rows (the schema's columns after report_id and reporter_id), in
        line order: the vectorised reader's batches."""
        totals = self.totals
        totals.accepted += table.num_rows
        totals.plays += pc.sum(table["plays"]).as_py() or 0
        totals.copies += pc.sum(table["copies"]).as_py() or 0
        paid = table.filter(pc.and_(pc.is_valid(table["revenue_minor"]), pc.is_valid(table["currency"])))
        if paid.num_rows:
            sums = paid.group_by("currency").aggregate([("revenue_minor", "sum")])
            for currency, amount in zip(sums["currency"].to_pylist(),
                                        sums["revenue_minor_sum"].to_pylist(), strict=True):
                totals.revenue[currency] += amount
        self.lines.write(table)

    def close(self) -> ReportTotals:
        """Both files complete on disk, then renamed into place (rejections first)."""
        self.lines.complete()
        self.rejections.complete()
        self.rejections.publish()
        self.lines.publish()
        return self.totals

    def close_rejections_only(self) -> ReportTotals:
        """A quarantined report: its rejections in place (they say why), its lines dropped."""
        self.lines.discard()
        self.rejections.complete()
        self.rejections.publish()
        return self.totals

    def discard(self) -> None:
        try:
            self.lines.discard()
        finally:
            self.rejections.discard()
