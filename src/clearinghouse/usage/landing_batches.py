"""Landing an aggregate CSV or JSON Lines file or a society statement through the vectorised
readers: batches of Arrow rows screened against what the reporter may report (`ReporterScope`, a
column at a time) and written to the lake as they are. The lines refused here are refused by
`ReporterScope.screen` itself, so the reasons are the per-line landing's, word for word."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from clearinghouse.usage.domain import ReporterScope, ReportTotals
from clearinghouse.usage.formats.aggregate_fast import read_csv_batches
from clearinghouse.usage.formats.jsonl_fast import read_jsonl_batches
from clearinghouse.usage.formats.society_fast import read_society_batches
from clearinghouse.usage.lake_writer import LakeWriter
from clearinghouse.usage.records import Rejection, ReportFormat, UsageKind, UsageLine

BATCH_READERS: dict[ReportFormat, Callable[..., Any]] = {
    ReportFormat.AGGREGATE_CSV: read_csv_batches, ReportFormat.AGGREGATE_JSONL: read_jsonl_batches,
    ReportFormat.SOCIETY: read_society_batches}
VECTORISED = frozenset(BATCH_READERS)


def screen(scope: ReporterScope, lines: pa.Table, licensees: dict[str, str]
           ) -> tuple[pa.Table, list[Rejection]]:
    """`scope.screen` over a batch: the lines kept (a platform's own channel filled in) and the
    rejections, in line order."""
    if scope.unrestricted or not lines.num_rows:
        return lines, []
    if scope.is_platform:
        channel = lines["channel"]
        if len(scope.own_platforms) == 1:
            channel = pc.fill_null(channel, next(iter(scope.own_platforms)))
            lines = lines.set_column(lines.schema.get_field_index("channel"), "channel", channel)
        foreign = pc.and_(pc.is_in(channel, value_set=pa.array(sorted(scope.all_platforms), pa.string())),
                          pc.invert(pc.is_in(channel, value_set=pa.array(sorted(scope.own_platforms),
                                                                         pa.string()))))
    else:
        ids = lines["license_id"]
        holders = pa.array([licensees.get(i) for i in pc.unique(ids).to_pylist()], pa.string())
        holder = pc.take(holders, pc.index_in(ids, value_set=pc.unique(ids)))
        foreign = pc.and_(pc.is_valid(ids), pc.fill_null(pc.not_equal(holder, scope.reporter_id), True))
    foreign = pc.fill_null(foreign, False)
    refused = [scope.screen(UsageLine(**row | {"kind": UsageKind(row["kind"])}), licensees)
               for row in lines.filter(foreign).to_pylist()]
    return lines.filter(pc.invert(foreign)), [r for r in refused if isinstance(r, Rejection)]


def land_csv(source: BinaryIO, *, period: str, today: date, scope: ReporterScope, writer: LakeWriter,
             licensees: Callable[[set[str]], dict[str, str]],
             between_batches: Callable[[], None],
             fmt: ReportFormat = ReportFormat.AGGREGATE_CSV,
             arguments: Mapping[str, Any] | None = None) -> ReportTotals:
    """Every line of the file in `writer`; `licensees` looks up the licence ids a batch names
    (for a licensee's report), `between_batches` reports progress and may stop the landing;
    `arguments`: the reader's options from the submission (a society statement's currency…)."""
    for batch in BATCH_READERS[fmt](source, period=period, today=today, **(arguments or {})):
        between_batches()
        holders: dict[str, str] = {}
        if not (scope.unrestricted or scope.is_platform):
            ids = set(pc.unique(batch.lines["license_id"]).drop_null().to_pylist())
            holders = licensees(ids) if ids else {}
        lines, refused = screen(scope, batch.lines, holders)
        writer.add_lines(lines)
        for rejection in sorted(batch.rejections + refused, key=lambda r: r.line_no):
            writer.add(rejection)
    between_batches()
    return writer.totals
