"""SQL for royalty runs: periods, runs, statement lines, carried states, and the facts a run
reads (the period's landed reports, licence lines, holders' payout currencies, holdings)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from clearinghouse.licensing.licenses.tables import License, LicenseLine
from clearinghouse.registry.domain import HoldingStatus
from clearinghouse.registry.tables import Holding, Party
from clearinghouse.royalties.tables import CarriedState, RoyaltyPeriod, RoyaltyRun, StatementLine
from clearinghouse.usage.domain import ReportStatus
from clearinghouse.usage.tables import UsageReport

CURRENT = "current"
SUPERSEDED = "superseded"


def period_row(session: Session, period: str, *, for_update: bool = False) -> RoyaltyPeriod | None:
    query = select(RoyaltyPeriod).where(RoyaltyPeriod.period == period)
    return session.scalars(query.with_for_update() if for_update else query).first()


def current_run(session: Session, period: str) -> RoyaltyRun | None:
    return session.scalars(select(RoyaltyRun).where(
        RoyaltyRun.period == period, RoyaltyRun.status == CURRENT)).first()


def previous_current_run(session: Session, period: str) -> RoyaltyRun | None:
    """The current run of the latest period before `period`."""
    return session.scalars(select(RoyaltyRun).where(
        RoyaltyRun.period < period, RoyaltyRun.status == CURRENT)
        .order_by(RoyaltyRun.period.desc())).first()


def later_current_run(session: Session, period: str) -> RoyaltyRun | None:
    return session.scalars(select(RoyaltyRun).where(
        RoyaltyRun.period > period, RoyaltyRun.status == CURRENT)
        .order_by(RoyaltyRun.period)).first()


def landed_reports(session: Session, period: str) -> Sequence[UsageReport]:
    return session.scalars(select(UsageReport).where(
        UsageReport.period == period, UsageReport.status == ReportStatus.LANDED.value)
        .order_by(UsageReport.id)).all()


def carried_states(session: Session, run_id: str) -> Sequence[CarriedState]:
    return session.scalars(select(CarriedState).where(CarriedState.run_id == run_id)).all()


def add_statement_lines(session: Session, rows: list[dict[str, object]]) -> None:
    """Many statement lines in one multi-row insert (a run's society parts)."""
    if rows:
        session.execute(insert(StatementLine.__table__), rows)  # Core: no ORM per row


def statement_lines(session: Session, run_id: str, holder_id: str | None = None,
                    licensee_id: str | None = None) -> Sequence[StatementLine]:
    query = select(StatementLine).where(StatementLine.run_id == run_id)
    if holder_id is not None:
        query = query.where(StatementLine.holder_id == holder_id)
    if licensee_id is not None:
        query = query.where(StatementLine.licensee_id == licensee_id)
    return session.scalars(query.order_by(
        StatementLine.holder_id, StatementLine.work_id, StatementLine.license_id,
        StatementLine.license_line_id)).all()


def lines_with_licences(session: Session, line_ids: Iterable[str]
                        ) -> list[tuple[LicenseLine, License]]:
    ids = sorted(set(line_ids))
    if not ids:
        return []
    rows = session.execute(select(LicenseLine, License).join(
        License, License.id == LicenseLine.license_id).where(LicenseLine.id.in_(ids)))
    return [(line, lic) for line, lic in rows]


def guaranteed_lines(session: Session, first_day_after: date) -> list[tuple[LicenseLine, License]]:
    """Lines with a minimum guarantee of licences begun before `first_day_after`: candidates
    for a true-up even in a period without usage."""
    rows = session.execute(select(LicenseLine, License).join(
        License, License.id == LicenseLine.license_id).where(
        LicenseLine.minimum_guarantee_minor > 0, License.valid_from < first_day_after,
        License.status == "active"))
    return [(line, lic) for line, lic in rows]


def payout_currencies(session: Session, party_ids: Iterable[str]) -> dict[str, str | None]:
    ids = sorted(set(party_ids))
    if not ids:
        return {}
    return {pid: cur for pid, cur in session.execute(
        select(Party.id, Party.payout_currency).where(Party.id.in_(ids)))}


def holdings_of(session: Session, work_ids: Iterable[str], first_day: date, last_day: date
                ) -> Sequence[Holding]:
    """The accepted holdings of the works in force on some day of the period: a pending claim,
    a rejected or withdrawn one, or a holding that ended before the period is paid nothing."""
    ids = sorted(set(work_ids))
    if not ids:
        return []
    return session.scalars(select(Holding).where(
        Holding.work_id.in_(ids), Holding.status == HoldingStatus.ACTIVE.value,
        Holding.valid_from <= last_day,
        (Holding.valid_to.is_(None)) | (Holding.valid_to >= first_day))).all()
