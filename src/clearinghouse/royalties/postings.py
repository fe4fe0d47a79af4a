"""A line's rating as ledger entries (see `ledger.royalty_entries` for the postings). Pure.

In order: the recoupment (terms currency, no cash), the royalties accrued and the guarantee
true-up (licence currency; when a period has both, its net and fees are shared between them by
`allocate` in proportion to the two amounts, so they add up to the rating exactly), then the
holder's conversion to its payout currency at the period's rate. A holder's earnings therefore
already sit in its payout currency when `payout_rules` decides the payout.

A society's amount, once split (`splits.split_society_amount`), is one `royalty.society` entry:
each holder's part less the owner fee (half-even); no licensee fee, as no licensee pays it.
"""

from __future__ import annotations

from decimal import Decimal

from clearinghouse.core.money import allocate, round_half_even
from clearinghouse.ledger.domain import Entry, SaleLine, holder_conversion
from clearinghouse.ledger.royalty_entries import (
    advance_recoupment,
    guarantee_true_up,
    royalty_accrual,
    society_distribution,
)
from clearinghouse.royalties.domain import LineRating
from clearinghouse.royalties.splits import Split


def rating_entries(r: LineRating) -> list[Entry]:
    t = r.terms
    where = f"licence {t.license_id} line {t.line_id}, {r.period}"
    entries: list[Entry] = []
    if r.recouped_minor:
        entries.append(advance_recoupment(t.licensee_id, t.holder_id, t.currency, r.recouped_minor,
                                          f"{where}: recouped from the advance", t.license_id))
    if r.due_minor:
        weights = [r.payable_royalty_minor, r.guarantee_true_up_minor]
        nets = allocate(r.holder_net_minor, weights)
        fees = allocate(r.owner_fee_minor + r.licensee_fee_minor, weights)
        if nets[0] or fees[0]:
            entries.append(royalty_accrual(
                t.licensee_id, t.license_currency,
                [SaleLine(t.holder_id, nets[0], fees[0], f"{where}: royalties")],
                f"{where}: royalties", t.license_id))
        if nets[1] or fees[1]:
            entries.append(guarantee_true_up(
                t.licensee_id, t.license_currency,
                [SaleLine(t.holder_id, nets[1], fees[1], f"{where}: minimum guarantee")],
                f"{where}: minimum guarantee true-up", t.license_id))
    conv = r.payout_conversion
    if conv is not None and r.holder_net_minor and r.holder_payout_minor:
        entries.append(holder_conversion(
            t.holder_id, r.holder_net_minor, t.license_currency, r.holder_payout_minor, conv.rate,
            f"{where}: {t.license_currency} to {r.payout_currency}", t.license_id))
    return entries


def society_entry(currency: str, parts: Split, owner_pct: Decimal, memo: str) -> Entry:
    lines = []
    for part in parts.parts:
        fee = round_half_even(Decimal(part.amount_minor) * owner_pct / 100)
        lines.append(SaleLine(part.party_id, part.amount_minor - fee, fee, memo))
    return society_distribution(currency, parts.total_minor, lines, parts.unheld_minor, memo)
