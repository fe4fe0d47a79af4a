"""Statements: a period's statement lines as their holders (and the paying licensees) see them,
as rows for JSON and CSV, and the trail from one line back to the usage behind it.

Visibility: the operator sees every line (or one party's); a holder the lines it is paid on; a
licensee or platform the lines of its own licences. Anything else is a 404, never a 403, so
nobody learns what others earn.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.errors import NotFound
from clearinghouse.royalties import runs_repository as repo
from clearinghouse.royalties.matched_usage import lines_behind
from clearinghouse.royalties.pipeline.run import Outcome, outcome_file
from clearinghouse.royalties.runs_service import checked_period
from clearinghouse.royalties.tables import StatementLine
from clearinghouse.usage.lake import Lake

CSV_COLUMNS = (
    "id", "period", "holder_id", "work_id", "channels", "territories", "licensee_id",
    "license_id", "license_line_id", "right", "plays", "copies", "revenue", "currency",
    "earned_minor", "recouped_minor", "payable_minor", "true_up_minor", "license_currency",
    "due_minor", "licensee_fee_minor", "owner_fee_minor", "holder_net_minor", "payout_currency",
    "holder_payout_minor",
)


def _sees(caller: Principal, line: StatementLine) -> bool:
    return caller.acts_for(line.holder_id) or caller.party_id == line.licensee_id


def lines_for(session: Session, caller: Principal, period: str,
              party_id: str | None = None) -> list[StatementLine]:
    """The current run's lines of `period` the caller may see (`party_id`: held by or licensed
    to that party; for anyone but the operator only their own)."""
    checked_period(period)
    run = repo.current_run(session, period)
    if run is None:
        raise NotFound(f"period {period} has not been run", field="period")
    lines = [ln for ln in repo.statement_lines(session, run.id) if _sees(caller, ln)]
    if party_id is not None:
        lines = [ln for ln in lines if party_id in (ln.holder_id, ln.licensee_id)]
    return lines


def row(line: StatementLine) -> dict[str, Any]:
    return {name: getattr(line, name) for name in CSV_COLUMNS} | {"run_id": line.run_id}


def as_csv(lines: list[StatementLine]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        values = row(line)
        values["channels"] = " ".join(line.channels)
        values["territories"] = " ".join(line.territories)
        values["revenue"] = " ".join(f"{cur}:{minor}" for cur, minor in line.revenue.items())
        writer.writerow([values[name] for name in CSV_COLUMNS])
    return out.getvalue()


def trail(session: Session, caller: Principal, lake: Lake, line_id: str, offset: int,
          limit: int) -> dict[str, Any]:
    """How one statement line was computed (the stored factors: rate, conversions, rounding,
    recoupment, guarantee, fees) and a page of the usage lines behind it, read back from the
    period's matched usage file (the current run's; a superseded run's lines show today's)."""
    line = session.get(StatementLine, line_id)
    if line is None or not _sees(caller, line):
        raise NotFound(f"statement line {line_id} not found", field="line_id")
    usage: list[dict[str, Any]] = []
    total = 0
    if line.license_line_id is not None:
        usage, total = lines_behind(outcome_file(lake, Outcome.MATCHED, line.period),
                                    line.license_line_id, offset, limit)
    return {"line": row(line), "license_id": line.license_id,
            "license_line_id": line.license_line_id, "right": line.right,
            "factors": line.trail, "ledger_entry_ids": line.entry_ids,
            "usage": {"items": usage, "total": total, "offset": offset, "limit": limit}}
