"""SQL for the earnings and statement pages: a party's statement lines of every period's current
run (as holder or as licensee), read as `EarnedLine`s."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from clearinghouse.royalties.earnings import EarnedLine
from clearinghouse.royalties.runs_repository import CURRENT
from clearinghouse.royalties.tables import RoyaltyRun, StatementLine

_COLUMNS = (StatementLine.period, StatementLine.work_id, StatementLine.channels,
            StatementLine.territories, StatementLine.payout_currency,
            StatementLine.holder_payout_minor, StatementLine.due_minor,
            StatementLine.licensee_fee_minor, StatementLine.license_currency)


def _lines(session: Session, where: ColumnElement[bool]) -> list[EarnedLine]:
    rows = session.execute(select(*_COLUMNS).join(
        RoyaltyRun, RoyaltyRun.id == StatementLine.run_id).where(
        RoyaltyRun.status == CURRENT, where).order_by(StatementLine.period, StatementLine.id))
    return [EarnedLine(period, work, tuple(channels), tuple(territories), currency, amount,
                       due + fee, license_currency)
            for period, work, channels, territories, currency, amount, due, fee, license_currency
            in rows]


def held_lines(session: Session, holder_id: str) -> list[EarnedLine]:
    return _lines(session, StatementLine.holder_id == holder_id)


def licensed_lines(session: Session, licensee_id: str) -> list[EarnedLine]:
    return _lines(session, StatementLine.licensee_id == licensee_id)
