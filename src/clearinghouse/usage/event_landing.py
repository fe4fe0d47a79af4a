"""Landing an event log (format `events`): the log is staged into Parquet beside the lake, its
refused lines and its clean usage lines go through the report's `LakeWriter` like any format's,
and its clean and removed events go to the lake's EVENTS and REMOVED areas. Like every lake file,
those count only while the report is `landed` (a redo rewrites them; a crash leaves at most
files no reader is pointed at). Cleaning runs on an embedded DuckDB (docs/usage-cleaning.md)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import pyarrow.parquet as pq

from clearinghouse.usage.cleaning import CleaningRules, Event, run_cleaning, stage_event_log, usage_lines
from clearinghouse.usage.cleaning.reader import LogFormat
from clearinghouse.usage.domain import ReporterScope
from clearinghouse.usage.lake import Lake
from clearinghouse.usage.lake_writer import LakeWriter
from clearinghouse.usage.records import Rejection, RejectionReason

SNIFF_BYTES = 4096


@dataclass(frozen=True)
class EventLanding:
    lake: Lake
    report_id: str
    reporter_id: str
    period: str
    today: date
    scope: ReporterScope
    rules: CleaningRules


def land_event_log(path: Path, landing: EventLanding, writer: LakeWriter,
                   check_stop: Callable[[], None]) -> dict[str, Any] | None:
    """Stage, clean and hand the lines to `writer`; the cleaning summary, or None when the log
    ended early (truncated: nothing is cleaned, the report is quarantined by the caller)."""
    landing.lake.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=landing.lake.root) as folder:
        events_path, rejections_path = Path(folder) / "events.parquet", Path(folder) / "refused.parquet"
        with path.open("rb") as source:
            staged = stage_event_log(source, fmt=log_format(path), period=landing.period, today=landing.today,
                                     report_id=landing.report_id, events_path=events_path,
                                     rejections_path=rejections_path, screen=_screen(landing.scope))
        check_stop()
        for batch in pq.ParquetFile(rejections_path).iter_batches():
            for row in batch.to_pylist():
                writer.add(Rejection(row["line_no"], RejectionReason(row["reason"]), row["message"],
                                     row["field"], row["raw"]))
        if writer.totals.truncated:
            return None
        con = ibis.duckdb.connect()
        try:
            run = run_cleaning(con, events_path, lake=landing.lake, period=landing.period,
                               reporter_id=landing.reporter_id, report_id=landing.report_id,
                               rules=landing.rules)
        finally:
            con.disconnect()
        check_stop()
        for line in usage_lines(run.usage):
            writer.add(line)
    return {"events": staged.events, "lines_refused": staged.rejections, "clean_events": run.clean_events,
            "removed_events": run.removed_events, "removed": run.summary.to_pylist()}


def log_format(path: Path) -> LogFormat:
    """JSON Lines when the first thing in the file is an object, else CSV (with its header)."""
    with path.open("rb") as source:
        head = source.read(SNIFF_BYTES).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "jsonl" if head.startswith(b"{") else "csv"


def _screen(scope: ReporterScope) -> Callable[[Event], Rejection | None]:
    """A platform logs plays on its own platforms: an event on another's is foreign content."""
    def screen(event: Event) -> Rejection | None:
        if scope.unrestricted or event.channel not in scope.all_platforms or \
                event.channel in scope.own_platforms:
            return None
        return Rejection(event.line_no, RejectionReason.FOREIGN_CONTENT,
                         f"channel {event.channel} is another platform's: a platform reports use on its "
                         "own platforms only", "channel")
    return screen
