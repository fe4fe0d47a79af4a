"""Payouts for a period: every holder's earnings balances (from the ledger) through
`payout_rules.payouts` — converted to the currency it chose at the period's recorded rates, paid
when the sum reaches that currency's threshold (`Settings.payout_thresholds`), carried forward
otherwise. Posting moves what is paid to `holder:<h>:payable_out` (a conversion entry first for
each balance in another currency) and records the payout as due (`payout_records`: the operator
marks it sent). Posting twice pays nothing twice: the balances are then zero. Flush only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record
from clearinghouse.core.errors import Conflict
from clearinghouse.ledger import repository as ledger_repository
from clearinghouse.ledger import service as ledger_service
from clearinghouse.ledger.domain import FxRate, holder_conversion
from clearinghouse.ledger.royalty_entries import payout_due
from clearinghouse.licensing.catalogue import rates as catalogue_rates
from clearinghouse.royalties import payout_records
from clearinghouse.royalties import runs_repository as repo
from clearinghouse.royalties.fx import PeriodRates, RatingError
from clearinghouse.royalties.payout_rules import EarningsBalance, Payout, PayoutPolicy, payouts
from clearinghouse.royalties.pipeline.run import period_days
from clearinghouse.royalties.runs_service import checked_period

EARNINGS = "earnings"
PAYOUT_SUBJECT = "royalty_payouts"


def decide(session: Session, period: str, thresholds: Mapping[str, int],
           party_id: str | None = None) -> list[Payout]:
    checked_period(period)
    balances = [EarningsBalance(pid, currency, -raw)  # earnings are credit-normal
                for _code, pid, purpose, _side, currency, raw
                in ledger_repository.account_sums(session, party_id)
                if purpose == EARNINGS and pid is not None and raw < 0]
    chosen = repo.payout_currencies(session, {b.party_id for b in balances})
    currencies = {b.currency for b in balances} | {c for c in chosen.values() if c}
    last_day = period_days(period)[1] - timedelta(days=1)
    facts = catalogue_rates.rates_on(session, currencies, last_day)
    rates = PeriodRates(FxRate(f.base, f.quote, f.rate, f.effective,
                               catalogue_rates.rate_source(session, f)) for f in facts)
    try:
        return payouts(balances, chosen, rates, PayoutPolicy(thresholds))
    except RatingError as exc:
        raise Conflict(str(exc), field="period") from exc


def post(session: Session, actor: Principal | None, period: str,
         thresholds: Mapping[str, int]) -> list[Payout]:
    decided = decide(session, period, thresholds)
    for p in decided:
        if not p.paid:
            continue
        memo = f"payout {period}"
        converted = {c.from_currency: c for c in p.conversions}
        for b in p.balances:
            conv = converted.get(b.currency)
            if conv is not None and conv.rounded_minor:
                ledger_service.post(session, holder_conversion(
                    p.party_id, b.minor, b.currency, conv.rounded_minor, conv.rate,
                    f"{memo}: {b.currency} to {p.currency}"),
                    subject=(PAYOUT_SUBJECT, period), actor=actor)
        due = ledger_service.post(session, payout_due(p.party_id, p.currency, p.amount_minor,
                                                      memo),
                                  subject=(PAYOUT_SUBJECT, period), actor=actor)
        payout_records.record_due(session, period, p.party_id, p.currency, p.amount_minor, due.id)
    record(session, actor, "royalties.payouts", "royalty_period", period, None,
           {"paid": [[p.party_id, p.currency, p.amount_minor] for p in decided if p.paid]})
    return decided
