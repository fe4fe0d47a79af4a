"""Property: for any usage, terms, fees, currencies and splits, the books balance per currency and
every split's parts add up exactly to its whole."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from clearinghouse.ledger.domain import Books, FxRate, holder_earnings
from clearinghouse.ledger.royalty_entries import payout_due
from clearinghouse.royalties.domain import (
    Carried,
    FeeRates,
    LineTerms,
    PeriodRates,
    PeriodUsage,
    Revenue,
    rate_line,
)
from clearinghouse.royalties.payout_rules import EarningsBalance, PayoutPolicy, payouts
from clearinghouse.royalties.postings import rating_entries, society_entry
from clearinghouse.royalties.splits import split

CURRENCIES = ["CNY", "USD", "JPY"]  # JPY has no minor unit: exercises the exponents
RATES = PeriodRates([
    FxRate("USD", "CNY", Decimal("7.1234"), date(2026, 1, 31)),
    FxRate("USD", "JPY", Decimal("151.37"), date(2026, 1, 31)),
    FxRate("CNY", "JPY", Decimal("21.2499"), date(2026, 1, 31)),
])
PERIODS = ["2026-01", "2026-02", "2026-03", "2026-04"]

pct = st.decimals(min_value=0, max_value=30, places=2)
usage = st.builds(
    PeriodUsage,
    plays=st.integers(0, 10**10),
    copies=st.integers(0, 10**6),
    revenue=st.lists(st.builds(Revenue, st.integers(0, 10**9), st.sampled_from(CURRENCIES)),
                     max_size=3, unique_by=lambda r: r.currency).map(tuple),
)


@st.composite
def terms(draw: st.DrawFn) -> LineTerms:
    guarantee = draw(st.integers(0, 10**7))
    return LineTerms(
        license_id="lic_p", line_id="lln_p", work_id="wrk_p", right="performance",
        holder_id="pty_h", licensee_id="pty_l", currency=draw(st.sampled_from(CURRENCIES)),
        license_currency=draw(st.sampled_from(CURRENCIES)),
        per_1000_plays_minor=draw(st.none() | st.integers(0, 10_000)),
        per_copy_minor=draw(st.none() | st.integers(0, 1_000)),
        revenue_share_pct=draw(st.none() | st.decimals(min_value=0, max_value=100, places=4)),
        advance_minor=draw(st.integers(0, 10**7)), minimum_guarantee_minor=guarantee,
        guarantee_end=PERIODS[-1] if guarantee else None,
    )


@settings(max_examples=150, deadline=None)
@given(terms(), st.lists(usage, min_size=len(PERIODS), max_size=len(PERIODS)), pct, pct,
       st.sampled_from(CURRENCIES))
def test_rated_periods_keep_the_books_balanced_and_the_guarantee_met(
        line: LineTerms, usages: list[PeriodUsage], licensee_pct: Decimal, owner_pct: Decimal,
        payout_currency: str) -> None:
    books = Books()
    carried = Carried.start(line)
    fees = FeeRates(licensee_pct, owner_pct)
    earned = recouped = payable = true_up = 0
    for period, used in zip(PERIODS, usages, strict=True):
        r = rate_line(line, period, used, carried, RATES, fees, payout_currency)
        carried = r.carried
        # Every whole is its parts: the licensee pays what the holder and the operator get.
        assert r.licensee_owes_minor == r.holder_net_minor + r.owner_fee_minor + r.licensee_fee_minor
        assert r.earned_minor == r.recouped_minor + r.payable_royalty_minor
        assert abs(Decimal(r.earned_minor) - r.rounding.exact) <= Decimal("0.5")
        for entry in rating_entries(r):  # an Entry refuses to exist unbalanced
            books.post(entry)
        earned += r.earned_minor
        recouped += r.recouped_minor
        payable += r.payable_royalty_minor
        true_up += r.guarantee_true_up_minor
    for currency in CURRENCIES:
        assert books.total(currency) == 0
    assert recouped == min(earned, line.advance_minor)
    # Advance + everything payable beyond it + the true-up = the most of earned, advance and MG.
    assert line.advance_minor + payable + true_up == max(earned, line.advance_minor,
                                                         line.minimum_guarantee_minor)


@given(st.integers(-10**12, 10**12),
       st.lists(st.integers(1, 400_000), min_size=1, max_size=7).filter(lambda s: sum(s) <= 1_000_000))
def test_a_split_sums_exactly_and_no_part_is_off_by_more_than_a_minor_unit(
        total: int, shares: list[int]) -> None:
    result = split(total, [(f"pty_{i}", s) for i, s in enumerate(shares)])
    assert sum(p.amount_minor for p in result.parts) + result.unheld_minor == total
    for part in result.parts:
        assert abs(Decimal(part.amount_minor) - Decimal(total) * part.share_ppm / 1_000_000) < 1


@given(st.integers(1, 10**10),
       st.lists(st.integers(1, 400_000), min_size=1, max_size=7).filter(lambda s: sum(s) <= 1_000_000),
       pct, st.integers(0, 10**7))
def test_society_distributions_and_payouts_keep_the_books_balanced(
        received: int, shares: list[int], owner_pct: Decimal, threshold: int) -> None:
    result = split(received, [(f"pty_{i}", s) for i, s in enumerate(shares)])
    books = Books()
    books.post(society_entry("CNY", result, owner_pct, "statement"))
    balances = [EarningsBalance(p.party_id, "CNY", -books.balance(holder_earnings(p.party_id), "CNY"))
                for p in result.parts]
    for decision in payouts(balances, {}, RATES, PayoutPolicy({"CNY": threshold})):
        assert decision.paid == (decision.amount_minor >= threshold)
        if decision.paid:
            books.post(payout_due(decision.party_id, "CNY", decision.amount_minor, "payout"))
            assert books.balance(holder_earnings(decision.party_id), "CNY") == 0
    assert books.total("CNY") == 0
