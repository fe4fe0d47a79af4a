"""Unlicensed use written straight into a lake's outcome file (what a royalty run writes), for
tests of offers and claims that need one use and no run."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq

from clearinghouse.royalties.contracts import UNLICENSED_USAGE_SCHEMA
from clearinghouse.royalties.outcome_reading import UNLICENSED, outcome_file
from clearinghouse.usage.lake import Lake


def unlicensed_use(lake: Lake, period: str, work_id: str, user_id: str, plays: int = 1000) -> dict:
    """One line of `work_id` used by `user_id` on 抖音 in CN on the 10th, never licensed; the
    body that names that use in `/api/v1/unlicensed/offers` and `/claims`."""
    row = {"period": period, "report_id": f"rep_{period}", "reporter_id": user_id, "line_no": 1,
           "work_id": work_id, "reason": "never_licensed", "nearest_license_id": None,
           "usage_date": date.fromisoformat(f"{period}-10"), "channel": "douyin",
           "territory": "CN", "kind": "plays", "plays": plays, "copies": 0,
           "revenue_minor": None, "currency": None}
    path = outcome_file(lake, UNLICENSED, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist([row], schema=UNLICENSED_USAGE_SCHEMA), path)
    return {"period": period, "work_id": work_id, "user_id": user_id, "channel": "douyin",
            "territory": "CN"}
