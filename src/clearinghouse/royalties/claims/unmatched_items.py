"""The unmatched report as owners may search it to find their works: only the items that can be
claimed and only what claiming needs (identifier, title as reported, period, plays, amount), never
who reported them or their other data. Read from the period's outcome file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearinghouse.royalties import outcome_reading as outcomes
from clearinghouse.royalties.claims.domain import CLAIMABLE, Item
from clearinghouse.usage.lake import Lake

_KEYS = ["reason", "identifier", "title", "currency"]
_SUMS = [("plays", "sum"), ("revenue_minor", "sum"), ("line_no", "count")]
_ORDER = [("plays_sum", "descending"), ("revenue_minor_sum", "descending")]


@dataclass(frozen=True)
class Found:
    rows: list[dict[str, Any]]  # period, reason, identifier, title, currency, plays, revenue_minor
    total: int  # items found in all


def periods(lake: Lake) -> list[str]:
    return outcomes.periods_with(lake, outcomes.UNMATCHED)


def _read(lake: Lake, period: str, where: pc.Expression) -> pa.Table | None:
    path = outcomes.outcome_file(lake, outcomes.UNMATCHED, period)
    if not path.exists():
        return None
    table: pa.Table = pq.read_table(path, columns=[*_KEYS, "line_no", "plays", "revenue_minor"],
                                    filters=where & pc.field("reason").isin(sorted(CLAIMABLE)))
    return table


def search(lake: Lake, period: str, text: str, offset: int, limit: int) -> Found:
    """Claimable items of `period` whose identifier or title holds `text` (any case), largest
    first; every claimable item when `text` is empty."""
    where = pc.scalar(True)
    if text:
        def holds(column: str) -> pc.Expression:
            return pc.coalesce(pc.match_substring(pc.field(column), text, ignore_case=True),
                               pc.scalar(False))
        where = holds("identifier") | holds("title")
    table = _read(lake, period, where)
    if table is None or table.num_rows == 0:
        return Found([], 0)
    grouped = table.group_by(_KEYS, use_threads=False).aggregate(_SUMS)
    grouped = grouped.sort_by([*_ORDER, *((k, "ascending") for k in _KEYS)])
    rows = [{"period": period, **{k: row[k] for k in _KEYS}, "plays": row["plays_sum"] or 0,
             "revenue_minor": row["revenue_minor_sum"], "lines": row["line_no_count"]}
            for row in grouped.slice(offset, limit).to_pylist()]
    return Found(rows, grouped.num_rows)


def exists(lake: Lake, item: Item) -> bool:
    """Whether the period's unmatched report holds `item`."""
    where = pc.field("reason") == item.reason
    for column in ("identifier", "title"):
        value = getattr(item, column)
        where &= pc.field(column).is_null() if value is None else pc.field(column) == value
    table = _read(lake, item.period, where)
    return table is not None and table.num_rows > 0
