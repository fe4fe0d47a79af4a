"""Unlicensed use read back from the period's outcome file (<lake>/unlicensed/period=P/
usage.parquet, royalties/pipeline/run.py): grouped per use (work, user, channel, territory) for
the owner to pick from, and the evidence of one use, computed here from the lines rather than
taken from whoever asks."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearinghouse.royalties import outcome_reading
from clearinghouse.royalties.unlicensed.domain import Evidence, UseKey, days_of
from clearinghouse.usage.lake import Lake

USE_KEYS = ["work_id", "reporter_id", "channel", "territory"]
_SUMS = [("plays", "sum"), ("copies", "sum"), ("line_no", "count")]


def period_days(period: str) -> tuple[date, date]:
    """The first day of `period` (YYYY-MM) and the first day after it."""
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


def _read(lake: Lake, period: str, where: pc.Expression, columns: list[str]) -> pa.Table | None:
    path = outcome_reading.outcome_file(lake, outcome_reading.UNLICENSED, period)
    if not path.exists():
        return None
    return pq.read_table(path, columns=columns, filters=where)


def uses_of_works(lake: Lake, period: str, work_ids: Collection[str], offset: int, limit: int
                  ) -> tuple[list[dict[str, Any]], int]:
    """The period's unlicensed use of `work_ids`, one row per use (most plays first), and how
    many uses in all."""
    if not work_ids:
        return [], 0
    table = _read(lake, period, pc.field("work_id").isin(sorted(work_ids)),
                  [*USE_KEYS, "line_no", "plays", "copies"])
    if table is None or table.num_rows == 0:
        return [], 0
    grouped = table.group_by(USE_KEYS, use_threads=False).aggregate(_SUMS).sort_by(
        [("plays_sum", "descending"), ("copies_sum", "descending"),
         *((k, "ascending") for k in USE_KEYS)])
    rows = [{"period": period, "work_id": r["work_id"], "user_id": r["reporter_id"],
             "channel": r["channel"], "territory": r["territory"], "plays": r["plays_sum"] or 0,
             "copies": r["copies_sum"] or 0, "lines": r["line_no_count"]}
            for r in grouped.slice(offset, limit).to_pylist()]
    return rows, grouped.num_rows


def evidence_of(lake: Lake, key: UseKey) -> Evidence | None:
    """The evidence of one use, or None when the period has no unlicensed line of it."""
    channel = pc.field("channel").is_null() if key.channel is None else \
        pc.field("channel") == key.channel
    where = ((pc.field("work_id") == key.work_id) & (pc.field("reporter_id") == key.user_id)
             & (pc.field("territory") == key.territory) & channel)
    table = _read(lake, key.period, where, ["report_id", "usage_date", "plays", "copies",
                                            "revenue_minor", "currency", "reason",
                                            "nearest_license_id"])
    if table is None or table.num_rows == 0:
        return None
    rows = table.to_pylist()
    revenue: dict[str, int] = {}
    for r in rows:
        if r["revenue_minor"] is not None and r["currency"]:
            revenue[r["currency"]] = revenue.get(r["currency"], 0) + r["revenue_minor"]
    first, last = days_of([r["usage_date"] for r in rows], *period_days(key.period))
    return Evidence(
        lines=len(rows), plays=sum(r["plays"] for r in rows),
        copies=sum(r["copies"] for r in rows), revenue=revenue, first_day=first, last_day=last,
        reasons=tuple(sorted({r["reason"] for r in rows})),
        nearest_license_ids=tuple(sorted({r["nearest_license_id"] for r in rows
                                          if r["nearest_license_id"]})),
        report_ids=tuple(sorted({r["report_id"] for r in rows}))[:50])
