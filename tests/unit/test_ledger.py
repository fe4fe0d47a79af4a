"""The ledger's rules: entries balance per currency, reversals undo, the books stay balanced."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearinghouse.core.money import allocate
from clearinghouse.ledger import domain
from clearinghouse.ledger.domain import (
    Books,
    Entry,
    LedgerError,
    Posting,
    PricedLine,
    SaleLine,
    credit,
    debit,
    license_charge,
    payment_received,
    reversal_of,
    sale_lines,
)


def test_an_unbalanced_entry_is_refused() -> None:
    with pytest.raises(LedgerError, match="CNY off by 1"):
        Entry("x", (debit("clearing:cash", "CNY", 101), credit("operator:fees", "CNY", 100)))


def test_each_currency_must_balance_on_its_own() -> None:
    # 100 CNY against 100 USD sums to zero numerically but is two unbalanced currencies.
    with pytest.raises(LedgerError, match="does not balance"):
        Entry("x", (debit("clearing:cash", "CNY", 100), credit("operator:fees", "USD", 100)))


def test_zero_postings_floats_and_lone_postings_are_refused() -> None:
    with pytest.raises(LedgerError, match="zero"):
        Posting("clearing:cash", "CNY", 0)
    with pytest.raises(LedgerError, match="integer"):
        Posting("clearing:cash", "CNY", 1.5)  # type: ignore[arg-type]
    with pytest.raises(LedgerError, match="at least two"):
        Entry("x", ())
    with pytest.raises(LedgerError, match="kind:purpose"):
        Posting("cash", "CNY", 1)


def _shown(books: Books, account: str) -> int:
    return domain.shown_balance(account, books.balance(account, "CNY"))


def test_sale_then_payment_worked_example() -> None:
    # 600.00 + 400.00 CNY for two holders' shares, 10% owner fee each, 5% (50.00) licensee fee.
    lines = sale_lines(
        5_000,
        [PricedLine("pty_a", 60_000, 6_000, "lil_a"), PricedLine("pty_b", 40_000, 4_000, "lil_b")],
    )
    assert lines == [
        SaleLine("pty_a", 54_000, 6_000 + 3_000, "lil_a"),
        SaleLine("pty_b", 36_000, 4_000 + 2_000, "lil_b"),
    ]
    books = Books()
    books.post(license_charge("pty_l", "CNY", 105_000, lines, "lic_1"))
    books.post(payment_received("pty_l", "CNY", 105_000, "pay_1"))
    assert books.balance("licensee:pty_l:payable", "CNY") == 0  # charged and settled
    assert books.balance("clearing:cash", "CNY") == 105_000
    assert _shown(books, "holder:pty_a:earnings") == 54_000
    assert _shown(books, "holder:pty_b:earnings") == 36_000
    assert _shown(books, "operator:fees") == 15_000
    assert books.total("CNY") == 0


def test_the_licensee_fee_is_shared_out_exactly() -> None:
    # 1.00 of fee over three equal lines: 34 + 33 + 33, never 33 * 3 = 99.
    lines = sale_lines(100, [PricedLine(h, 1_000, 0) for h in ("a", "b", "c")])
    assert [line.fee_minor for line in lines] == [34, 33, 33]
    # Free lines share a fee equally rather than dividing by zero.
    assert [x.fee_minor for x in sale_lines(3, [PricedLine("a", 0, 0), PricedLine("b", 0, 0)])] == [
        2,
        1,
    ]


def test_a_charge_whose_parts_do_not_add_up_is_refused() -> None:
    with pytest.raises(LedgerError, match="not the total"):
        license_charge(
            "pty_l", "CNY", 100, [SaleLine("pty_a", 33, 0), SaleLine("pty_b", 33, 33)], "m"
        )


def test_reversal_restores_every_balance() -> None:
    books = Books()
    entry = license_charge("pty_l", "USD", 999, [SaleLine("pty_a", 900, 99)], "m")
    books.post(entry)
    books.post(reversal_of("lje_1", entry.postings))
    assert all(v == 0 for v in books.balances.values())


ACCOUNTS = [
    "clearing:cash",
    "operator:fees",
    "holder:pty_a:earnings",
    "holder:pty_b:earnings",
    "licensee:pty_l:payable",
]


@st.composite
def balanced_entries(draw: st.DrawFn) -> Entry:
    """Entries that balance by construction: a total allocated over several credits."""
    currency = draw(st.sampled_from(["CNY", "USD", "JPY"]))
    total = draw(st.integers(min_value=1, max_value=10**12))
    debit_account = draw(st.sampled_from(ACCOUNTS))
    weights = draw(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=4))
    targets = draw(
        st.lists(st.sampled_from(ACCOUNTS), min_size=len(weights), max_size=len(weights))
    )
    postings = [debit(debit_account, currency, total)]
    postings += [
        credit(acc, currency, part)
        for acc, part in zip(targets, allocate(total, weights), strict=True)
        if part
    ]
    return Entry("random", tuple(postings))


@given(st.lists(balanced_entries(), max_size=30), st.data())
def test_any_sequence_of_valid_entries_keeps_the_books_balanced(
    entries: list[Entry], data: st.DataObject
) -> None:
    books = Books()
    for i, entry in enumerate(entries):
        books.post(entry)
        if data.draw(st.booleans()):  # corrections along the way are reversals, never edits
            books.post(reversal_of(f"lje_{i}", entry.postings))
    for currency in {c for (_, c) in books.balances}:
        assert books.total(currency) == 0


@given(
    st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 100)), min_size=1, max_size=6),
    st.integers(min_value=0, max_value=10**8),
)
def test_license_charge_balances_for_any_split(
    prices: list[tuple[int, int]], licensee_fee: int
) -> None:
    """Any prices, owner fee rates and licensee fee: the charge balances to the minor unit."""
    priced = [PricedLine(f"pty_{i}", p, p * pct // 100) for i, (p, pct) in enumerate(prices)]
    total = sum(p for p, _ in prices) + licensee_fee
    lines = sale_lines(licensee_fee, priced)
    assert sum(line.fee_minor for line in lines) == licensee_fee + sum(
        x.owner_fee_minor for x in priced
    )
    if total:
        entry = license_charge("pty_l", "CNY", total, lines, "m")
        assert domain.totals_by_currency(entry.postings) == {"CNY": 0}


def test_a_holder_conversion_balances_in_each_currency_and_keeps_its_rate():
    rate = domain.FxRate("USD", "CNY", Decimal("7.25"), date(2026, 11, 30), "PBOC")
    entry = domain.holder_conversion("pty_a", 54_000, "CNY", 7_448, rate, "memo", "lic_1")
    assert domain.totals_by_currency(entry.postings) == {"CNY": 0, "USD": 0}
    assert entry.fx == rate and entry.license_id == "lic_1" and entry.kind == "fx.conversion"
    books = domain.Books()
    books.post(entry)
    assert books.balance(domain.holder_earnings("pty_a"), "USD") == -7_448  # owed to the holder
    assert books.balance(domain.CLEARING_FX, "CNY") == -54_000
    with pytest.raises(domain.LedgerError, match="does not convert EUR"):
        domain.holder_conversion("pty_a", 100, "EUR", 90, rate, "memo")
