"""Exchange rates and service-fee schedules: data the operator maintains, dated, never code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.errors import Conflict, ValidationFailed
from clearinghouse.licensing.catalogue import repository
from clearinghouse.licensing.catalogue.domain import FeeFacts, RateFacts
from clearinghouse.licensing.catalogue.offer_schemas import FeeCreate, RateCreate
from clearinghouse.licensing.tables import ExchangeRate, FeeSchedule
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
    exists = repository.rate_on(session, data.base, data.quote, data.effective)
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
    return repository.page_of_rates(session, base=base.upper() if base else None,
                                    quote=quote.upper() if quote else None,
                                    offset=offset, limit=limit)


def rates_on(session: Session, currencies: Iterable[str], on: date) -> list[RateFacts]:
    """The latest rate effective on `on` for every pair among `currencies`, both directions."""
    codes = sorted(set(currencies))
    if len(codes) < 2:
        return []
    rows = repository.latest_rates_among(session, codes, on)
    return [RateFacts(r.base, r.quote, Decimal(r.rate), r.effective) for r in rows]


def set_fees(session: Session, principal: Principal, data: FeeCreate) -> FeeSchedule:
    require_operator(principal)
    for key in ("licensee_pct", "owner_pct"):
        if Decimal(getattr(data, key)) >= 100:
            raise ValidationFailed("a fee is less than 100 percent", field=key)
    if repository.fee_schedule_effective(session, data.effective) is not None:
        raise Conflict(f"a fee schedule effective {data.effective} exists; use another date",
                       field="effective")
    row = FeeSchedule(licensee_pct=_decimal_text(data.licensee_pct),
                      owner_pct=_decimal_text(data.owner_pct), effective=data.effective)
    session.add(row)
    session.flush()
    record(session, principal, "fees.set", "fee_schedule", str(row.id), None, snapshot(row))
    return row


def list_fees(session: Session) -> list[FeeSchedule]:
    return repository.fee_schedules(session)


def fee_schedule_on(session: Session, on: date) -> FeeSchedule | None:
    return repository.fee_schedule_on(session, on)


def fees_on(session: Session, on: date) -> FeeFacts:
    """The schedule in force on `on`; none at all means no fees."""
    pcts = repository.fee_pcts_on(session, on)
    if pcts is None:
        return FeeFacts(Decimal(0), Decimal(0))
    return FeeFacts(Decimal(pcts[0]), Decimal(pcts[1]))


def rate_source(session: Session, rate: RateFacts) -> str | None:
    """Where a stored rate came from (a central bank's fixing, a bank's quote…), as recorded."""
    return repository.rate_source(session, rate.base, rate.quote, rate.effective)
