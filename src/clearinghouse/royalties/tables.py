"""Royalty runs: periods (open or closed), runs, the statement lines a run rated and the state
each licence line carries into the next period.

A run's ledger entries name it as their subject (`royalty_run`, run id); running a period again
reverses them and marks the run superseded, so only one run per period is current.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import Base, JSONType, UTCDateTime


class RoyaltyPeriod(Base):
    __tablename__ = "royalty_periods"
    period: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    status: Mapped[str] = mapped_column(String(10), nullable=False)  # open | closed
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[str | None] = mapped_column(String(40))


class RoyaltyRun(Base):
    __tablename__ = "royalty_runs"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # run_…
    period: Mapped[str] = mapped_column(ForeignKey("royalty_periods.period"), nullable=False)
    engine: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)  # current | superseded
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_by_id: Mapped[str | None] = mapped_column(String(40))
    superseded_by_id: Mapped[str | None] = mapped_column(String(40))
    # [{"report_id": …, "sha256": …}]: exactly what the run read
    inputs: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)
    # {"lines": n, "matched_rows": n, "unlicensed": n, "unmatched": n, "statement_lines": n}
    counts: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)

    __table_args__ = (Index("ix_royalty_runs_period_status", "period", "status"),)


class StatementLine(Base):
    """One licence line (or one holder's part of a society amount) rated for one period."""

    __tablename__ = "statement_lines"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # stl_…
    run_id: Mapped[str] = mapped_column(ForeignKey("royalty_runs.id"), nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    holder_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False)
    licensee_id: Mapped[str | None] = mapped_column(String(40))  # None: a society amount
    license_id: Mapped[str | None] = mapped_column(String(40))
    license_line_id: Mapped[str | None] = mapped_column(String(40))
    work_id: Mapped[str] = mapped_column(String(40), nullable=False)
    right: Mapped[str | None] = mapped_column(String(40))
    channels: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    territories: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    plays: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    copies: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    revenue: Mapped[dict[str, int]] = mapped_column(JSONType, nullable=False, default=dict)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)  # the terms' currency
    license_currency: Mapped[str] = mapped_column(String(3), nullable=False)
    earned_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    recouped_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    payable_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    true_up_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    due_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)  # licence currency
    licensee_fee_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    owner_fee_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    holder_net_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    payout_currency: Mapped[str] = mapped_column(String(3), nullable=False)
    holder_payout_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    trail: Mapped[list[dict[str, str]]] = mapped_column(JSONType, nullable=False, default=list)
    entry_ids: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)

    __table_args__ = (
        Index("ix_statement_lines_run", "run_id"),
        Index("ix_statement_lines_holder_period", "holder_id", "period"),
    )


class CarriedState(Base):
    """What a licence line carries out of a run into the next period (`royalties.domain.Carried`).

    Every run writes the state of every line carried so far, rated this period or not, so the
    next period reads one run only."""

    __tablename__ = "royalty_carried_states"
    run_id: Mapped[str] = mapped_column(ForeignKey("royalty_runs.id"), primary_key=True)
    license_line_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    advance_unrecouped_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    earned_to_date_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    periods_rated: Mapped[int] = mapped_column(Integer, nullable=False)
    guarantee_settled: Mapped[bool] = mapped_column(Boolean, nullable=False)


class RoyaltyPayout(Base):
    """A payout posted for a period (its earnings moved to `payable_out`), and once the transfer
    left, when and under which reference. The amount is never changed: a correction is a ledger
    reversal; `sent_*` is written once."""

    __tablename__ = "royalty_payouts"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # pyo_…
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    amount_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    due_entry_id: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    sent_reference: Mapped[str | None] = mapped_column(String(200))
    sent_on: Mapped[date | None] = mapped_column(Date)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_by_id: Mapped[str | None] = mapped_column(String(40))
    sent_entry_id: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (Index("ix_royalty_payouts_party_period", "party_id", "period"),)
