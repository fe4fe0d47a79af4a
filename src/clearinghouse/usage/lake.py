"""Where the usage lake's files live. Parquet, partitioned by period and reporter (hive style,
so DuckDB and Spark prune partitions by path):

    <data_dir>/lake/usage/period=2026-10/reporter=pty_…/<report_id>.parquet       usage lines
    <data_dir>/lake/rejections/period=…/reporter=…/<report_id>.parquet            refused lines
    <data_dir>/lake/events/period=…/reporter=…/<report_id>.parquet                clean events
    <data_dir>/lake/removed/period=…/reporter=…/<report_id>.parquet               removed events

A file is written under a temporary name beside its final one and renamed into place only when
complete; readers take the report ids to read from the database (landed reports only), never
from a directory listing, so a file left by a crash is never counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Area(StrEnum):
    USAGE = "usage"
    REJECTIONS = "rejections"
    EVENTS = "events"
    REMOVED = "removed"


TEMP_SUFFIX = ".partial"


@dataclass(frozen=True)
class Lake:
    root: Path  # <data_dir>/lake

    def file(self, area: Area, period: str, reporter_id: str, report_id: str) -> Path:
        return self.root / area.value / f"period={period}" / f"reporter={reporter_id}" / f"{report_id}.parquet"

    def partition(self, area: Area, period: str) -> Path:
        return self.root / area.value / f"period={period}"
