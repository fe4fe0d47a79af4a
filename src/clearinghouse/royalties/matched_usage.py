"""A period's matched usage, summed per licence line and per society amount, read from the
matched Parquet file with DuckDB (bounded memory whatever the file's size); and the usage lines
behind one licence line, a page at a time, for a statement line's trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb


@dataclass
class LineUsage:
    """One licence line's usage for the period (every fanned-out row carries the line's use)."""

    work_id: str
    plays: int = 0
    copies: int = 0
    revenue: dict[str, int] = field(default_factory=dict)  # currency → minor
    channels: set[str] = field(default_factory=set)
    territories: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class SocietyAmount:
    work_id: str
    right: str | None  # None: the society named no right
    territory: str
    currency: str
    amount_minor: int


def summed(path: Path) -> tuple[dict[str, LineUsage], list[SocietyAmount]]:
    if not path.exists():
        return {}, []
    con = duckdb.connect()
    try:
        source = "read_parquet(?)"
        per_line: dict[str, LineUsage] = {}
        rows = con.execute(
            f"SELECT license_line_id, work_id, channel, territory, currency, sum(plays), "
            f"sum(copies), sum(coalesce(revenue_minor, 0)) FROM {source} "
            "WHERE license_line_id IS NOT NULL "
            "GROUP BY ALL ORDER BY ALL", [str(path)]).fetchall()
        for line_id, work_id, channel, territory, currency, plays, copies, revenue in rows:
            usage = per_line.setdefault(line_id, LineUsage(work_id))
            usage.plays += int(plays)
            usage.copies += int(copies)
            if currency is not None and revenue:
                usage.revenue[currency] = usage.revenue.get(currency, 0) + int(revenue)
            if channel is not None:
                usage.channels.add(channel)
            usage.territories.add(territory)
        society = [SocietyAmount(w, r, t, c, int(a)) for w, r, t, c, a in con.execute(
            f"SELECT work_id, \"right\", territory, currency, sum(revenue_minor) FROM {source} "
            "WHERE license_id IS NULL AND kind = 'amount' AND revenue_minor IS NOT NULL "
            "GROUP BY ALL ORDER BY ALL", [str(path)]).fetchall() if a]
        return per_line, society
    finally:
        con.close()


def lines_behind(path: Path, license_line_id: str, offset: int, limit: int
                 ) -> tuple[list[dict[str, Any]], int]:
    """The usage lines matched to one licence line (report, line number, what was used), in
    report and line order, and how many there are."""
    if not path.exists():
        return [], 0
    con = duckdb.connect()
    try:
        where = "FROM read_parquet(?) WHERE license_line_id = ?"
        total = con.execute(f"SELECT count(*) {where}", [str(path), license_line_id]).fetchone()
        cursor = con.execute(
            "SELECT report_id, reporter_id, line_no, usage_date, channel, territory, kind, plays, "
            f"copies, revenue_minor, currency {where} ORDER BY report_id, line_no "
            "LIMIT ? OFFSET ?", [str(path), license_line_id, limit, offset])
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        for row in rows:
            if row["usage_date"] is not None:
                row["usage_date"] = row["usage_date"].isoformat()
        return rows, int(total[0]) if total else 0
    finally:
        con.close()
