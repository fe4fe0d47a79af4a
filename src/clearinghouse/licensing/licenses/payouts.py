"""Holders paid in their own currency: a licence sold in CNY, a holder that chose USD.

At payment each holder's net earnings on the licence (summed over its lines) are converted once
at the rate of the payment day, picked as quotes pick rates (`RateBook`: the latest rate
effective that day, either direction) and rounded half-even to a whole minor unit of the payout
currency. The conversion is a ledger entry of its own that records the rate, its date and its
source (see `ledger.domain.holder_conversion` for the postings). Without a rate for the pair the
holder keeps its earnings in the licence currency; the operator converts later by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.ledger import domain as ledger
from clearinghouse.ledger import service as ledger_service
from clearinghouse.licensing.catalogue import rates as rates_service
from clearinghouse.licensing.licenses.tables import License
from clearinghouse.licensing.quotes.pricing import RateBook
from clearinghouse.registry import repository


def post_conversions(
    session: Session,
    principal: Principal | None,
    lic: License,
    lines: Sequence[ledger.SaleLine],
    paid_on: date,
) -> list[str]:
    """Post one conversion per holder whose payout currency is not the licence's; the ids."""
    nets: dict[str, int] = defaultdict(int)
    for line in lines:
        nets[line.holder_id] += line.net_minor
    posted = []
    for holder_id, net in sorted(nets.items()):
        party = repository.get_party(session, holder_id)
        target = party.payout_currency if party is not None else None
        if not target or target == lic.currency or net == 0:
            continue
        book = RateBook(rates_service.rates_on(session, [lic.currency, target], paid_on), paid_on)
        found = book.find(lic.currency, target)
        converted = book.convert(net, lic.currency, target)
        if found is None or converted is None or converted == 0:
            continue
        rate = found[0]
        entry = ledger.holder_conversion(
            holder_id, net, lic.currency, converted,
            ledger.FxRate(rate.base, rate.quote, rate.rate, rate.effective,
                          rates_service.rate_source(session, rate)),
            f"license {lic.id}: {lic.currency} to {target} for {holder_id}",
            license_id=lic.id,
        )
        row = ledger_service.post(session, entry, subject=("license", lic.id), actor=principal)
        posted.append(row.id)
    return posted
