"""Royalties in the books: what each entry moves, what recoupment does not, and that reversing a
revoked licence's royalties returns every account to where it was."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clearinghouse.ledger.domain import (
    CLEARING_CASH,
    CLEARING_FX,
    CLEARING_SUSPENSE,
    OPERATOR_FEES,
    Books,
    Entry,
    LedgerError,
    SaleLine,
    holder_advance_recouped,
    holder_earnings,
    holder_payable_out,
    licensee_advance_applied,
    licensee_payable,
    shown_balance,
)
from clearinghouse.ledger.royalty_entries import (
    payout_due,
    payout_sent,
    reverse_all,
    royalty_accrual,
    society_distribution,
)
from clearinghouse.royalties.domain import Carried, PeriodRates, PeriodUsage, Revenue, rate_line
from clearinghouse.royalties.postings import rating_entries, society_entry
from clearinghouse.royalties.splits import Holding, split_society_amount
from tests.unit.royalties.test_rating import FEES, USD_CNY, label_line, three_periods


def post_three_periods() -> tuple[Books, list[Entry]]:
    books, entries = Books(), []
    for rating in three_periods():
        for entry in rating_entries(rating):
            books.post(entry)
            entries.append(entry)
    return books, entries


def test_the_three_periods_post_what_the_ratings_say() -> None:
    books, entries = post_three_periods()
    kinds = [e.kind for e in entries]
    assert kinds == ["royalty.recoupment", "royalty.recoupment", "royalty.accrual",
                     "royalty.accrual", "royalty.guarantee"]
    # The licensee owes 630.26 (February) + 1,469.74 (March) = 2,100.00 CNY.
    assert books.balance(licensee_payable("pty_douyin"), "CNY") == 63_026 + 146_974
    # The label earns 540.23 + 1,259.77 = 1,800.00 CNY on top of its advance.
    assert shown_balance(holder_earnings("pty_label"), books.balance(holder_earnings("pty_label"), "CNY")) \
        == 54_023 + 125_977
    # The operator keeps both fees: 30.01 + 60.02 + 69.99 + 139.98 = 300.00 CNY.
    assert -books.balance(OPERATOR_FEES, "CNY") == 3_001 + 6_002 + 6_999 + 13_998
    # The whole advance was recouped, on both sides' memorandum accounts.
    assert books.balance(holder_advance_recouped("pty_label"), "CNY") == 100_000
    assert -books.balance(licensee_advance_applied("pty_douyin"), "CNY") == 100_000
    assert books.total("CNY") == 0


def test_march_shares_its_net_and_fees_between_royalties_and_true_up_exactly() -> None:
    _, entries = post_three_periods()
    accrual, true_up = entries[3], entries[4]
    # Net 125,977 in proportion 50,000 : 89,975 → 45,000.18 : 80,976.82 → 45,000 and 80,977
    # (the odd fen to the larger remainder); fees 20,997 → 7,500.27 : 13,496.73 → 7,500 and 13,497.
    assert accrual.postings[0].amount_minor == 45_000 + 7_500
    assert true_up.postings[0].amount_minor == 80_977 + 13_497
    assert accrual.postings[0].amount_minor + true_up.postings[0].amount_minor == 146_974


def test_recoupment_moves_no_cash_and_no_earnings() -> None:
    books, entries = Books(), rating_entries(three_periods()[0])
    for entry in entries:
        books.post(entry)
    assert books.balance(CLEARING_CASH, "CNY") == 0
    assert books.balance(holder_earnings("pty_label"), "CNY") == 0
    assert books.balance(licensee_payable("pty_douyin"), "CNY") == 0
    assert books.balance(holder_advance_recouped("pty_label"), "CNY") == 60_000


def test_reversing_a_revoked_licences_royalties_restores_every_balance() -> None:
    books, entries = post_three_periods()
    for reversal in reverse_all([(f"ent_{i}", e) for i, e in enumerate(entries)], "licence revoked"):
        assert reversal.kind == "reversal"
        assert reversal.license_id == "lic_1"
        books.post(reversal)
    assert all(v == 0 for v in books.balances.values())


def test_a_society_distribution_pays_holders_fees_and_suspense_to_the_cent() -> None:
    # 1,000.01 CNY received for a work in CN; split 50,001 / 25,000 / 25,000 unheld (test_splits);
    # owner fee 10%: 5,000.1 → 5,000 and 2,500; nets 45,001 and 22,500.
    holdings = [Holding("pty_pub_a", "performance", 500_000),
                Holding("pty_pub_b", "performance", 250_000, frozenset({"CN"}))]
    parts = split_society_amount(100_001, "performance", "CN", holdings)
    entry = society_entry("CNY", parts, Decimal(10), "society statement 2026-01")
    assert entry.kind == "royalty.society"
    books = Books()
    books.post(entry)
    assert books.balance(CLEARING_CASH, "CNY") == 100_001
    assert -books.balance(CLEARING_SUSPENSE, "CNY") == 25_000
    assert -books.balance(holder_earnings("pty_pub_a"), "CNY") == 45_001
    assert -books.balance(holder_earnings("pty_pub_b"), "CNY") == 22_500
    assert -books.balance(OPERATOR_FEES, "CNY") == 7_500


def test_a_society_distribution_that_does_not_add_up_is_refused() -> None:
    with pytest.raises(LedgerError, match="not the 100001 received"):
        society_distribution("CNY", 100_001, [SaleLine("pty_a", 75_000, 0)], 25_000, "x")


def test_payout_moves_earnings_to_payable_out_then_out_of_cash() -> None:
    books = Books()
    books.post(royalty_accrual("pty_app", "USD", [SaleLine("pty_a", 9_000, 1_000)], "r"))
    books.post(payout_due("pty_a", "USD", 9_000, "payout 2026-01"))
    books.post(payout_sent("pty_a", "USD", 9_000, "transfer 2026-01"))
    assert books.balance(holder_earnings("pty_a"), "USD") == 0
    assert books.balance(holder_payable_out("pty_a"), "USD") == 0
    assert books.balance(CLEARING_CASH, "USD") == -9_000
    assert books.total("USD") == 0


def test_negative_royalties_are_refused_corrections_are_reversals() -> None:
    with pytest.raises(LedgerError, match="never negative"):
        royalty_accrual("pty_app", "CNY", [SaleLine("pty_a", -100, 0)], "x")


def test_a_usd_payout_converts_through_the_fx_account() -> None:
    terms = label_line(holder_id="pty_pub", per_1000_plays_minor=None, advance_minor=0,
                       minimum_guarantee_minor=0, guarantee_end=None,
                       revenue_share_pct=Decimal(10))
    rating = rate_line(terms, "2026-01", PeriodUsage(revenue=(Revenue(123_456, "USD"),)),
                       Carried.start(terms), PeriodRates([USD_CNY]), FEES, payout_currency="USD")
    books = Books()
    for entry in rating_entries(rating):
        books.post(entry)
    # The publisher's 791.49 CNY leave through clearing:fx and arrive as 111.11 USD.
    assert books.balance(holder_earnings("pty_pub"), "CNY") == 0
    assert -books.balance(holder_earnings("pty_pub"), "USD") == 11_111
    assert books.balance(CLEARING_FX, "USD") == 11_111
    assert books.total("CNY") == 0 and books.total("USD") == 0
