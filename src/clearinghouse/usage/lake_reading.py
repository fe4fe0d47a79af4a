"""Reading back what landed: a report's rejections a page at a time, in line order, and the
usage files that count for a period."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from clearinghouse.usage import repository
from clearinghouse.usage.lake import Area, Lake
from clearinghouse.usage.tables import UsageReport

_FIELDS = ["line_no", "reason", "message", "field", "raw"]


def rejections_page(lake: Lake, report: UsageReport, offset: int, limit: int
                    ) -> tuple[list[dict[str, Any]], int]:
    """Rows `offset`..`offset+limit` of the report's rejections (written in line order), and
    how many there are; only the row groups that hold the page are read."""
    path = lake.file(Area.REJECTIONS, report.period, report.reporter_id, report.id)
    if not path.exists():
        return [], 0
    parquet = pq.ParquetFile(path)
    total = parquet.metadata.num_rows
    rows: list[dict[str, Any]] = []
    start = 0
    for group in range(parquet.num_row_groups):
        size = parquet.metadata.row_group(group).num_rows
        if start + size > offset and len(rows) < limit:
            table = parquet.read_row_group(group, columns=_FIELDS)
            first = max(offset - start, 0)
            rows += table.slice(first, limit - len(rows)).to_pylist()
        start += size
        if len(rows) >= limit:
            break
    return rows, total


def landed_usage_files(session: Session, lake: Lake, period: str) -> list[Path]:
    """The usage files that count for `period`: those of its landed reports, as the database
    lists them (a file left by a crash or by a superseded report is not among them)."""
    return [lake.file(Area.USAGE, period, reporter_id, report_id)
            for report_id, reporter_id in repository.landed_report_ids(session, period)]
