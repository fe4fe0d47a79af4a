"""Reading a period's matching outcomes back for the pages: the unmatched report grouped by
reason and identifier, and unlicensed use of some works, largest first. Straight from the Parquet
files royalties/pipeline/run.py writes (complete files only: they are renamed into place)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearinghouse.usage.lake import Lake

# run.py's layout (<lake>/<outcome>/period=P/usage.parquet), named here rather than imported:
# importing the pipeline brings Ibis into every web process (tests/royalties check they agree).
UNMATCHED, UNLICENSED = "unmatched", "unlicensed"
OUTCOME_FILE = "usage.parquet"

_PERIOD_DIR = re.compile(r"period=(\d{4}-\d{2})")
_SUMS = [("plays", "sum"), ("copies", "sum"), ("revenue_minor", "sum"), ("line_no", "count")]
# Largest first: plays, then money, then copies; the keys last so the order is stable.
_ORDER = [("plays_sum", "descending"), ("revenue_minor_sum", "descending"),
          ("copies_sum", "descending")]
UNMATCHED_KEYS = ["reason", "identifier", "title", "currency"]
UNLICENSED_KEYS = ["work_id", "reason", "nearest_license_id", "channel", "territory", "currency"]


@dataclass(frozen=True)
class Groups:
    rows: list[dict[str, Any]]  # keys, plays, copies, revenue_minor (None: no money), lines
    total: int  # groups in all
    lines: int  # usage lines in all the groups


def outcome_file(lake: Lake, outcome: str, period: str) -> Path:
    return lake.root / outcome / f"period={period}" / OUTCOME_FILE


def periods_with(lake: Lake, outcome: str) -> list[str]:
    """The periods that have this outcome, newest first."""
    folder = lake.root / outcome
    if not folder.is_dir():
        return []
    found = [m[1] for p in folder.iterdir() if (m := _PERIOD_DIR.fullmatch(p.name))
             and outcome_file(lake, outcome, m[1]).exists()]
    return sorted(found, reverse=True)


def unmatched_groups(lake: Lake, period: str, offset: int, limit: int) -> Groups:
    """The period's unmatched usage by reason, identifier (and title) and currency."""
    return _grouped(lake, UNMATCHED, period, UNMATCHED_KEYS, None, offset, limit)


def unlicensed_groups(lake: Lake, period: str, work_ids: Collection[str], offset: int,
                      limit: int) -> Groups:
    """The period's unlicensed use of `work_ids` by work, reason, nearest licence, channel,
    territory and currency."""
    if not work_ids:
        return Groups([], 0, 0)
    return _grouped(lake, UNLICENSED, period, UNLICENSED_KEYS,
                    pc.field("work_id").isin(sorted(work_ids)), offset, limit)


def _grouped(lake: Lake, outcome: str, period: str, keys: list[str],
             where: pc.Expression | None, offset: int, limit: int) -> Groups:
    path = outcome_file(lake, outcome, period)
    if not path.exists():
        return Groups([], 0, 0)
    columns = [*keys, "line_no", "plays", "copies", "revenue_minor"]
    table: pa.Table = pq.read_table(path, columns=columns, filters=where)
    if table.num_rows == 0:
        return Groups([], 0, 0)
    grouped = table.group_by(keys, use_threads=False).aggregate(_SUMS)
    grouped = grouped.sort_by([*_ORDER, *((k, "ascending") for k in keys)])
    rows = [{**{k: row[k] for k in keys}, "plays": row["plays_sum"] or 0,
             "copies": row["copies_sum"] or 0, "revenue_minor": row["revenue_minor_sum"],
             "lines": row["line_no_count"]}
            for row in grouped.slice(offset, limit).to_pylist()]
    return Groups(rows, grouped.num_rows, table.num_rows)
