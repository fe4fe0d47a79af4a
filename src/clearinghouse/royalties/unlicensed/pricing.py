"""What an unlicensed use would have cost, from licensing's own pricing (never re-implemented):
the quote engine prices the use from the work's routine offers; where none covers the owner's
part, the owner's stated price becomes its one line, priced as an agreed referral is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.money import Money, MoneyError
from clearinghouse.licensing.catalogue import rates as rates_service
from clearinghouse.licensing.catalogue.domain import Price
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.quotes.engine import (
    PricedDraft,
    QuoteResult,
    build_quote,
    needed_rights,
    price_referral,
)
from clearinghouse.licensing.quotes.pricing import RateBook
from clearinghouse.licensing.terms import (
    Portion,
    PortionUnit,
    Purpose,
    Use,
    channels_named,
)
from clearinghouse.platforms import service as platforms_service
from clearinghouse.registry import repository as registry
from clearinghouse.royalties.unlicensed.domain import Evidence, UseKey


def use_of(key: UseKey, evidence: Evidence, purpose: Purpose, seconds: int | None) -> Use:
    """The use the licence would clear: that work, channel and territory, from the first to the
    last day of use, bounded to the plays and copies reported (matching: over_licensed_uses)."""
    if key.channel is None:
        raise ValidationFailed("this use names no channel, so no licence can be offered for it; "
                               "record a claim instead", field="channel")
    portion = Portion(PortionUnit.SECONDS, seconds) if seconds else Portion(PortionUnit.WHOLE, None)
    return Use(work_ids=(key.work_id,), purpose=purpose,
               channels=frozenset(channels_named([key.channel], field="channel")), uses=1,
               portion=portion, modified=False, territories=(key.territory,),
               start=evidence.first_day, term_days=evidence.term_days, exclusive=False,
               max_plays=evidence.plays or None, max_copies=evidence.copies or None)


def routine(session: Session, use: Use, currency: str, today: date) -> QuoteResult:
    platforms_service.refresh(session)
    return build_quote(use, currency, quotes_service.gather(session, use, currency, today), today)


def minor_of(currency: str, amount: str, field: str) -> int:
    """A positive amount stated in major units, in whole minor units of `currency`."""
    try:
        minor = Money.from_decimal(currency, Decimal(amount)).minor
    except (MoneyError, ArithmeticError) as err:
        raise ValidationFailed(str(err), field=field) from None
    if minor <= 0:
        raise ValidationFailed("state an amount above zero", field=field)
    return minor


def stated(session: Session, principal: Principal, use: Use, currency: str, amount: str,
           today: date) -> QuoteResult:
    """One line: the owner's share of the first right the use needs that it holds, at its price."""
    work_id = use.work_ids[0]
    fee_minor = minor_of(currency, amount, "price")
    market = quotes_service.gather(session, use, currency, today)
    work = market.works.get(work_id)
    holder = registry.get_party(session, principal.party_id)
    held = [h for h in market.holdings if h.work_id == work_id and h.holder_id == principal.party_id]
    rights = needed_rights(work.category, use) if work else []
    right = next((r for r in rights if any(r in h.rights for h in held)), None)
    if work is None or holder is None or right is None:
        raise ValidationFailed("you hold none of the rights this use needs", field="work_id")
    draft = PricedDraft(work_id=work_id, work_title=work.title, right=right,
                        holder_id=holder.id, holder_name=holder.name,
                        share_ppm=max(h.share_ppm for h in held if right in h.rights),
                        price=Price(currency, fixed_fee_minor=fee_minor),
                        countries=use.territories)
    return price_referral(draft, currency, rates_service.rates_on(session, {currency}, today),
                          rates_service.fees_on(session, today), today)


def claim_minor(session: Session, result: QuoteResult, evidence: Evidence, currency: str,
                today: date) -> int:
    """The routine price of the use: the quote's total plus its running royalties on the plays
    and copies reported (each line's rate, converted at today's rate, rounded half to even)."""
    book = RateBook(rates_service.rates_on(session, {currency, *(ln.currency for ln in result.lines)},
                                           today), today)
    running = Decimal(0)
    for ln in result.lines:
        owed = (Decimal(ln.per_1000_plays_minor or 0) * evidence.plays / 1000
                + Decimal(ln.per_copy_minor or 0) * evidence.copies)
        if owed:
            converted = book.convert(int(owed.to_integral_value()), ln.currency, currency)
            if converted is None:
                raise ValidationFailed(f"no exchange rate from {ln.currency} to {currency}",
                                       field="currency")
            running += converted
    return result.totals.total_minor + int(running)
