"""Exchange rates and service-fee schedules: data the operator maintains, dated, never code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, and_, bindparam, func, select
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.errors import Conflict, ValidationFailed
from clearinghouse.licensing.catalogue.offer_schemas import FeeCreate, RateCreate
from clearinghouse.licensing.quotes.engine import FeeFacts, RateFacts
from clearinghouse.licensing.tables import ExchangeRate, FeeSchedule
from clearinghouse.registry.audit import record, snapshot
from clearinghouse.registry.parties_service import require_operator


def _decimal_text(value: str) -> str:
    """Canonical text of a decimal ("6.60" -> "6.6"), so equal rates read the same everywhere."""
    d = Decimal(value).normalize()
    return format(d, "f")


def set_rate(session: Session, principal: Principal, data: RateCreate) -> ExchangeRate:
    require_operator(principal)
    if data.base == data.quote:
        raise ValidationFailed("a rate converts between two different currencies", field="quote")
    if Decimal(data.rate) <= 0:
        raise ValidationFailed("a rate is more than zero", field="rate")
    exists = session.scalars(select(ExchangeRate).where(
        ExchangeRate.base == data.base, ExchangeRate.quote == data.quote,
        ExchangeRate.effective == data.effective)).first()
    if exists is not None:
        raise Conflict(f"a {data.base}/{data.quote} rate effective {data.effective} exists "
                       f"({exists.rate}); add one with a later date", field="effective")
    row = ExchangeRate(base=data.base, quote=data.quote, rate=_decimal_text(data.rate),
                       effective=data.effective, source=data.source)
    session.add(row)
    session.flush()
    record(session, principal, "rate.set", "exchange_rate", str(row.id), None, snapshot(row))
    return row


def list_rates(session: Session, *, base: str | None, quote: str | None, offset: int,
               limit: int) -> tuple[Sequence[ExchangeRate], int]:
    query = select(ExchangeRate)
    if base:
        query = query.where(ExchangeRate.base == base.upper())
    if quote:
        query = query.where(ExchangeRate.quote == quote.upper())
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(ExchangeRate.base, ExchangeRate.quote,
                                          ExchangeRate.effective.desc())
                           .offset(offset).limit(limit)).all()
    return rows, total


_CODES: BindParameter[Any] = bindparam("codes", expanding=True)
_ON: BindParameter[Any] = bindparam("on")
_LATEST = (select(ExchangeRate.base, ExchangeRate.quote,
                  func.max(ExchangeRate.effective).label("effective"))
           .where(ExchangeRate.effective <= _ON, ExchangeRate.base.in_(_CODES),
                  ExchangeRate.quote.in_(_CODES))
           .group_by(ExchangeRate.base, ExchangeRate.quote).subquery())
# Built once: every quote runs it.
_RATES_ON = select(ExchangeRate.base, ExchangeRate.quote, ExchangeRate.rate,
                   ExchangeRate.effective).join(_LATEST, and_(
    ExchangeRate.base == _LATEST.c.base, ExchangeRate.quote == _LATEST.c.quote,
    ExchangeRate.effective == _LATEST.c.effective))
_FEES_ON = (select(FeeSchedule).where(FeeSchedule.effective <= _ON)
            .order_by(FeeSchedule.effective.desc()).limit(1))


def rates_on(session: Session, currencies: Iterable[str], on: date) -> list[RateFacts]:
    """The latest rate effective on `on` for every pair among `currencies`, both directions."""
    codes = sorted(set(currencies))
    if len(codes) < 2:
        return []
    rows = session.execute(_RATES_ON, {"codes": codes, "on": on})
    return [RateFacts(r.base, r.quote, Decimal(r.rate), r.effective) for r in rows]


def set_fees(session: Session, principal: Principal, data: FeeCreate) -> FeeSchedule:
    require_operator(principal)
    for key in ("licensee_pct", "owner_pct"):
        if Decimal(getattr(data, key)) >= 100:
            raise ValidationFailed("a fee is less than 100 percent", field=key)
    if session.scalars(select(FeeSchedule).where(FeeSchedule.effective == data.effective)).first():
        raise Conflict(f"a fee schedule effective {data.effective} exists; use another date",
                       field="effective")
    row = FeeSchedule(licensee_pct=_decimal_text(data.licensee_pct),
                      owner_pct=_decimal_text(data.owner_pct), effective=data.effective)
    session.add(row)
    session.flush()
    record(session, principal, "fees.set", "fee_schedule", str(row.id), None, snapshot(row))
    return row


def list_fees(session: Session) -> list[FeeSchedule]:
    return list(session.scalars(select(FeeSchedule).order_by(FeeSchedule.effective.desc())))


def fee_schedule_on(session: Session, on: date) -> FeeSchedule | None:
    return session.scalars(_FEES_ON, {"on": on}).first()


def fees_on(session: Session, on: date) -> FeeFacts:
    """The schedule in force on `on`; none at all means no fees."""
    row = fee_schedule_on(session, on)
    if row is None:
        return FeeFacts(Decimal(0), Decimal(0))
    return FeeFacts(Decimal(row.licensee_pct), Decimal(row.owner_pct))



def rate_source(session: Session, rate: RateFacts) -> str | None:
    """Where a stored rate came from (a central bank's fixing, a bank's quote…), as recorded."""
    return session.scalar(select(ExchangeRate.source).where(
        ExchangeRate.base == rate.base, ExchangeRate.quote == rate.quote,
        ExchangeRate.effective == rate.effective))
