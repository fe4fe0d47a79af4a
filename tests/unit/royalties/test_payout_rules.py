"""Payouts: a minimum per currency, what is below it carried forward, paid in the chosen currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from clearinghouse.ledger.domain import Books, FxRate, SaleLine, holder_conversion, holder_earnings
from clearinghouse.ledger.royalty_entries import payout_due, royalty_accrual
from clearinghouse.royalties.fx import PeriodRates
from clearinghouse.royalties.payout_rules import EarningsBalance, PayoutPolicy, payouts

USD_CNY = PeriodRates([FxRate("USD", "CNY", Decimal("7.1234"), date(2026, 1, 31))])
POLICY = PayoutPolicy({"CNY": 10_000, "USD": 5_000})  # 100.00 CNY, 50.00 USD


def earnings(books: Books, party: str, currency: str) -> EarningsBalance:
    return EarningsBalance(party, currency, -books.balance(holder_earnings(party), currency))


def test_below_the_threshold_carries_forward_and_is_paid_once_it_is_reached() -> None:
    books = Books()
    books.post(royalty_accrual("pty_app", "CNY", [SaleLine("pty_a", 8_000, 0)], "2026-01"))
    # January: 80.00 CNY is under the 100.00 CNY minimum: nothing paid, all carried.
    [jan] = payouts([earnings(books, "pty_a", "CNY")], {}, USD_CNY, POLICY)
    assert (jan.paid, jan.amount_minor, jan.carried_minor) == (False, 8_000, 8_000)
    # Nothing posted, so February starts from the 80.00 and adds 30.00: 110.00 ≥ 100.00, paid.
    books.post(royalty_accrual("pty_app", "CNY", [SaleLine("pty_a", 3_000, 0)], "2026-02"))
    [feb] = payouts([earnings(books, "pty_a", "CNY")], {}, USD_CNY, POLICY)
    assert (feb.paid, feb.amount_minor, feb.carried_minor) == (True, 11_000, 0)
    books.post(payout_due("pty_a", "CNY", feb.amount_minor, "payout 2026-02"))
    assert books.balance(holder_earnings("pty_a"), "CNY") == 0


def test_a_party_is_paid_in_its_chosen_currency_at_the_recorded_rate() -> None:
    # 500.00 CNY ÷ 7.1234 = 70.19120… USD → 70.19; plus 10.00 USD already there = 80.19 USD ≥ 50.00.
    balances = [EarningsBalance("pty_b", "CNY", 50_000), EarningsBalance("pty_b", "USD", 1_000)]
    [decision] = payouts(balances, {"pty_b": "USD"}, USD_CNY, POLICY)
    assert decision.currency == "USD"
    assert decision.amount_minor == 7_019 + 1_000
    assert decision.paid
    [conv] = decision.conversions
    assert (conv.from_currency, conv.to_currency, conv.rounded_minor, conv.inverse) == ("CNY", "USD", 7_019, True)
    # The conversion is the existing fx.conversion entry; the books stay balanced in both currencies.
    books = Books()
    books.post(royalty_accrual("pty_app", "CNY", [SaleLine("pty_b", 50_000, 0)], "r"))
    books.post(holder_conversion("pty_b", 50_000, "CNY", 7_019, conv.rate, "to USD"))
    assert books.total("CNY") == 0 and books.total("USD") == 0


def test_the_threshold_is_the_payout_currencys() -> None:
    # 60.00 USD would be paid (≥ 50.00 USD) but 60.00 CNY would not (< 100.00 CNY).
    balances = [EarningsBalance("pty_usd", "USD", 6_000), EarningsBalance("pty_cny", "CNY", 6_000)]
    decisions = {d.party_id: d.paid for d in payouts(balances, {}, USD_CNY, POLICY)}
    assert decisions == {"pty_usd": True, "pty_cny": False}


def test_without_a_chosen_currency_each_balance_is_paid_in_its_own() -> None:
    balances = [EarningsBalance("pty_c", "CNY", 20_000), EarningsBalance("pty_c", "USD", 2_000)]
    decisions = payouts(balances, {"pty_c": None}, USD_CNY, POLICY)
    assert [(d.currency, d.amount_minor, d.paid) for d in decisions] == [
        ("CNY", 20_000, True), ("USD", 2_000, False)]


def test_nothing_owed_is_no_payout() -> None:
    assert payouts([EarningsBalance("pty_d", "CNY", 0)], {}, USD_CNY, PayoutPolicy()) == []
