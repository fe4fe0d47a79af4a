"""Double-entry bookkeeping rules. Pure: no I/O.

An entry is a set of postings; an amount is in minor units of one currency, positive for a debit
and negative for a credit. Every entry sums to zero in each currency, so the books as a whole always
do. Entries are never changed: a mistake is corrected by a reversing entry.

Accounts are named `<kind>:<party>:<purpose>` for a party's account (`holder:pty_…:earnings`) or
`<kind>:<purpose>` for the clearinghouse's own (`operator:fees`, `clearing:cash`).
Royalties add purposes (their entries are built in `ledger.royalty_entries`); the rules below
do not change.

A holder paid in another currency than the licence's (its payout currency) gets a conversion
entry: its earnings leave in the licence currency and arrive in the payout currency through the
clearinghouse's FX account `clearing:fx`, one pair of postings per currency, so each currency
still sums to zero. The entry records the rate it used (`FxRate`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from clearinghouse.core.money import allocate


class LedgerError(ValueError):
    pass


class Side(StrEnum):
    """The side on which an account normally grows; balances are shown in that sign."""

    DEBIT = "debit"  # what is owed to the clearinghouse or held by it (cash, receivables)
    CREDIT = "credit"  # what the clearinghouse owes (holders' earnings) or has earned (fees)


# Purposes whose balances grow on the credit side; everything else is debit-normal.
CREDIT_PURPOSES = frozenset(
    {"earnings", "fees", "payable_out", "refunds_due", "advance_applied", "suspense"}
)

OPERATOR_FEES = "operator:fees"
CLEARING_CASH = "clearing:cash"
CLEARING_FX = "clearing:fx"  # what currency conversions owe or hold, per currency
# Money received for a share nobody (yet) holds: kept until a holder proves it, never paid out.
CLEARING_SUSPENSE = "clearing:suspense"
# Kinds whose every account grows on the credit side: escrow holds money owed to someone.
CREDIT_KINDS = frozenset({"escrow"})


def licensee_payable(party_id: str) -> str:
    """What a licensee has been charged and not yet paid (a receivable of the clearinghouse)."""
    return f"licensee:{party_id}:payable"


def holder_earnings(party_id: str) -> str:
    """What the clearinghouse owes a holder from licenses sold (paid out later)."""
    return f"holder:{party_id}:earnings"


def claim_escrow(claim_id: str) -> str:
    """Earnings of a disputed upload, held until the dispute has a winner (enforcement)."""
    return f"escrow:{claim_id}"


def platform_earnings_due(party_id: str) -> str:
    """What a platform reported its uploads earned for owners and has not yet paid in."""
    return f"platform:{party_id}:earnings_due"


def uploader_earnings(party_id: str) -> str:
    """Escrowed earnings released to the uploader that won a dispute."""
    return f"uploader:{party_id}:earnings"


def holder_payable_out(party_id: str) -> str:
    """A holder's earnings decided for payout and not yet sent."""
    return f"holder:{party_id}:payable_out"


def holder_advance_recouped(party_id: str) -> str:
    """Royalties a holder earned back against advances it was already paid (memorandum)."""
    return f"holder:{party_id}:advance_recouped"


def licensee_advance_applied(party_id: str) -> str:
    """Royalties a licensee owed that its advances paid (memorandum, the other side of the above)."""
    return f"licensee:{party_id}:advance_applied"


@dataclass(frozen=True)
class AccountRef:
    code: str
    kind: str
    party_id: str | None
    purpose: str

    @property
    def normal_side(self) -> Side:
        credit = self.purpose in CREDIT_PURPOSES or self.kind in CREDIT_KINDS
        return Side.CREDIT if credit else Side.DEBIT


def parse_account(code: str) -> AccountRef:
    parts = code.split(":")
    if len(parts) == 2 and all(parts):
        return AccountRef(code, parts[0], None, parts[1])
    if len(parts) == 3 and all(parts):
        return AccountRef(code, parts[0], parts[1], parts[2])
    raise LedgerError(f"account code {code!r} is not `kind:purpose` or `kind:party:purpose`")


@dataclass(frozen=True)
class Posting:
    account: str
    currency: str
    amount_minor: int  # debit > 0, credit < 0
    memo: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.amount_minor, int) or isinstance(self.amount_minor, bool):
            raise LedgerError("posting amounts are whole minor units (an integer)")
        if self.amount_minor == 0:
            raise LedgerError(f"a posting to {self.account} of zero carries nothing; leave it out")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise LedgerError(f"currency {self.currency!r} is not an ISO 4217 code")
        parse_account(self.account)


def debit(account: str, currency: str, minor: int, memo: str | None = None) -> Posting:
    return Posting(account, currency, minor, memo)


def credit(account: str, currency: str, minor: int, memo: str | None = None) -> Posting:
    return Posting(account, currency, -minor, memo)


@dataclass(frozen=True)
class FxRate:
    """`rate` units of `quote` per one `base`, effective `effective`, as published by `source`."""

    base: str
    quote: str
    rate: Decimal
    effective: date
    source: str | None = None


@dataclass(frozen=True)
class Entry:
    kind: str  # what happened: "license.charge", "payment.received", "reversal", …
    postings: tuple[Posting, ...]
    memo: str = ""
    reverses: str | None = None  # the id of the entry this one reverses
    license_id: str | None = None  # the licence the entry belongs to, if any
    fx: FxRate | None = None  # the rate a conversion used

    def __post_init__(self) -> None:
        check_balanced(self.postings)


def totals_by_currency(postings: Iterable[Posting]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for p in postings:
        out[p.currency] += p.amount_minor
    return dict(out)


def check_balanced(postings: Sequence[Posting]) -> None:
    if len(postings) < 2:
        raise LedgerError("an entry needs at least two postings (a debit and a credit)")
    unbalanced = {c: t for c, t in totals_by_currency(postings).items() if t != 0}
    if unbalanced:
        detail = ", ".join(f"{c} off by {t}" for c, t in sorted(unbalanced.items()))
        raise LedgerError(f"entry does not balance: {detail}")


def reversal_of(
    entry_id: str, postings: Sequence[Posting], memo: str = "", license_id: str | None = None
) -> Entry:
    """The entry that undoes another: every posting with the opposite sign."""
    flipped = tuple(Posting(p.account, p.currency, -p.amount_minor, p.memo) for p in postings)
    return Entry(
        "reversal", flipped, memo or f"reverses {entry_id}", reverses=entry_id,
        license_id=license_id,
    )


def shown_balance(code: str, raw_minor: int) -> int:
    """A raw (debit-positive) balance in the account's normal sign, as a person reads it."""
    return -raw_minor if parse_account(code).normal_side is Side.CREDIT else raw_minor


@dataclass
class Books:
    """Balances kept in memory: what the database sums, for tests and previews."""

    balances: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def post(self, entry: Entry) -> None:
        for p in entry.postings:
            self.balances[(p.account, p.currency)] += p.amount_minor

    def balance(self, account: str, currency: str) -> int:
        return self.balances.get((account, currency), 0)

    def total(self, currency: str) -> int:
        return sum(v for (_, c), v in self.balances.items() if c == currency)


@dataclass(frozen=True)
class SaleLine:
    """One line of a license sale: what its holder earns and what the operator keeps of it."""

    holder_id: str
    net_minor: int  # the line's price less the owner fee
    fee_minor: int = 0  # the owner fee plus this line's share of the licensee fee
    memo: str | None = None


@dataclass(frozen=True)
class PricedLine:
    holder_id: str
    price_minor: int
    owner_fee_minor: int
    memo: str | None = None


def sale_lines(licensee_fee_minor: int, lines: Sequence[PricedLine]) -> list[SaleLine]:
    """Each line's net and fees, the licensee fee shared out by price (largest remainder), so the
    shares add up to the licensee fee exactly and every fee can be traced to a line."""
    if not lines:
        raise LedgerError("a sale needs at least one line")
    prices = [max(line.price_minor, 0) for line in lines]
    weights = prices if any(prices) else [1] * len(lines)
    shares = allocate(licensee_fee_minor, weights)
    return [
        SaleLine(
            line.holder_id,
            line.price_minor - line.owner_fee_minor,
            line.owner_fee_minor + share,
            line.memo,
        )
        for line, share in zip(lines, shares, strict=True)
    ]


def license_charge(
    licensee_id: str,
    currency: str,
    total_minor: int,
    lines: Sequence[SaleLine],
    memo: str,
    license_id: str | None = None,
) -> Entry:
    """The licensee is charged the total; each holder earns its net and the operator its fees,
    line by line.

    The parts must add up to the total exactly: this refuses anything else rather than let a
    rounding difference disappear.
    """
    parts = sum(line.net_minor + line.fee_minor for line in lines)
    if parts != total_minor:
        raise LedgerError(f"holder nets and fees add up to {parts}, not the total {total_minor}")
    postings = [debit(licensee_payable(licensee_id), currency, total_minor)]
    for line in lines:
        if line.net_minor:
            postings.append(
                credit(holder_earnings(line.holder_id), currency, line.net_minor, line.memo)
            )
        if line.fee_minor:
            postings.append(credit(OPERATOR_FEES, currency, line.fee_minor, line.memo))
    return Entry("license.charge", tuple(postings), memo, license_id=license_id)


def payment_received(
    licensee_id: str, currency: str, amount_minor: int, memo: str, license_id: str | None = None
) -> Entry:
    """Money arrived in the clearing account and settles what the licensee owed."""
    return Entry(
        "payment.received",
        (
            debit(CLEARING_CASH, currency, amount_minor),
            credit(licensee_payable(licensee_id), currency, amount_minor),
        ),
        memo,
        license_id=license_id,
    )


def licensee_refunds_due(party_id: str) -> str:
    """What the clearinghouse owes a licensee back (a revoked licence's refund, not yet sent)."""
    return f"licensee:{party_id}:refunds_due"


def refund_due(
    licensee_id: str, currency: str, amount_minor: int, memo: str, license_id: str | None = None
) -> Entry:
    """Money the licensee paid becomes owed back to it. After the sale is reversed the licensee's
    payable shows a credit (it paid for nothing); this moves that credit to `refunds_due`, so the
    payable of a refunded licence is zero and the debt to the licensee is named."""
    return Entry(
        "refund.due",
        (
            debit(licensee_payable(licensee_id), currency, amount_minor),
            credit(licensee_refunds_due(licensee_id), currency, amount_minor),
        ),
        memo,
        license_id=license_id,
    )


def holder_conversion(
    holder_id: str,
    paid_minor: int,
    paid_currency: str,
    payout_minor: int,
    rate: FxRate,
    memo: str,
    license_id: str | None = None,
) -> Entry:
    """A holder's earnings moved from the licence currency to its payout currency at `rate`.

    Two pairs of postings, each balancing in its own currency:
    the holder's earnings in the licence currency are debited against `clearing:fx`, and
    `clearing:fx` is debited in the payout currency against the holder's earnings there. The
    converted amount is computed by the caller (rounded half-even to a minor unit).
    """
    payout_currency = rate.quote if rate.base == paid_currency else rate.base
    if {paid_currency, payout_currency} != {rate.base, rate.quote} or paid_currency == payout_currency:
        raise LedgerError(f"rate {rate.base}/{rate.quote} does not convert {paid_currency}")
    earnings = holder_earnings(holder_id)
    return Entry(
        "fx.conversion",
        (
            debit(earnings, paid_currency, paid_minor, memo),
            credit(CLEARING_FX, paid_currency, paid_minor, memo),
            debit(CLEARING_FX, payout_currency, payout_minor, memo),
            credit(earnings, payout_currency, payout_minor, memo),
        ),
        memo,
        license_id=license_id,
        fx=rate,
    )
