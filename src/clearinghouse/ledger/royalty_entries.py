"""Ledger entries for royalties. Pure: the same rules as `ledger.domain` (every entry balances
per currency; entries are never changed, a reversal undoes one).

- `royalty.accrual`: a licensee owes royalties beyond its advance — debit its payable, credit
  each holder's earnings and `operator:fees` (both sides' fees), like a licence charge;
- `royalty.guarantee`: the minimum-guarantee shortfall at the guarantee's end, the same postings;
- `royalty.recoupment`: royalties earned against an advance already paid. No new cash: a
  memorandum pair, `holder:<h>:advance_recouped` against `licensee:<l>:advance_applied`, so both
  statements show how much of the advance has been earned back;
- `royalty.society`: cash received from a society, distributed: debit `clearing:cash`, credit the
  holders' earnings, the operator's fee and `clearing:suspense` for any share nobody holds;
- `payout.due`: earnings decided for payout move to `holder:<h>:payable_out`; `payout.sent`
  pays them from `clearing:cash`;
- revoking a licence reverses its royalty entries one by one (`reverse_all`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from clearinghouse.ledger.domain import (
    CLEARING_CASH,
    CLEARING_SUSPENSE,
    OPERATOR_FEES,
    Entry,
    LedgerError,
    Posting,
    SaleLine,
    credit,
    debit,
    holder_advance_recouped,
    holder_earnings,
    holder_payable_out,
    licensee_advance_applied,
    licensee_payable,
    reversal_of,
)

ROYALTY_ACCRUAL = "royalty.accrual"
ROYALTY_GUARANTEE = "royalty.guarantee"
ROYALTY_RECOUPMENT = "royalty.recoupment"
ROYALTY_SOCIETY = "royalty.society"
PAYOUT_DUE = "payout.due"
PAYOUT_SENT = "payout.sent"


def _credits(currency: str, lines: Sequence[SaleLine]) -> list[Posting]:
    out: list[Posting] = []
    for line in lines:
        if line.net_minor:
            out.append(credit(holder_earnings(line.holder_id), currency, line.net_minor, line.memo))
        if line.fee_minor:
            out.append(credit(OPERATOR_FEES, currency, line.fee_minor, line.memo))
    return out


def _charge(kind: str, licensee_id: str, currency: str, lines: Sequence[SaleLine], memo: str,
            license_id: str | None) -> Entry:
    if any(line.net_minor < 0 or line.fee_minor < 0 for line in lines):
        raise LedgerError("royalties are never negative: correct them with a reversal")
    total = sum(line.net_minor + line.fee_minor for line in lines)
    if total == 0:
        raise LedgerError("no royalties to post")
    postings = [debit(licensee_payable(licensee_id), currency, total), *_credits(currency, lines)]
    return Entry(kind, tuple(postings), memo, license_id=license_id)


def royalty_accrual(licensee_id: str, currency: str, lines: Sequence[SaleLine], memo: str,
                    license_id: str | None = None) -> Entry:
    """The licensee owes Σ(net + fee) of `lines` (a line's fee: its owner fee + licensee fee)."""
    return _charge(ROYALTY_ACCRUAL, licensee_id, currency, lines, memo, license_id)


def guarantee_true_up(licensee_id: str, currency: str, lines: Sequence[SaleLine], memo: str,
                      license_id: str | None = None) -> Entry:
    """The minimum-guarantee shortfall the licensee owes, posted like royalties."""
    return _charge(ROYALTY_GUARANTEE, licensee_id, currency, lines, memo, license_id)


def advance_recoupment(licensee_id: str, holder_id: str, currency: str, amount_minor: int,
                       memo: str, license_id: str | None = None) -> Entry:
    """Royalties covered by an advance paid earlier: recorded, no money moves."""
    if amount_minor <= 0:
        raise LedgerError("a recoupment is of more than zero")
    return Entry(ROYALTY_RECOUPMENT, (
        debit(holder_advance_recouped(holder_id), currency, amount_minor, memo),
        credit(licensee_advance_applied(licensee_id), currency, amount_minor, memo),
    ), memo, license_id=license_id)


def society_distribution(currency: str, received_minor: int, lines: Sequence[SaleLine],
                         unheld_minor: int, memo: str) -> Entry:
    """Cash a society paid, distributed to holders (net + operator fee per line) and suspense.

    The parts must add up to what was received exactly."""
    parts = sum(line.net_minor + line.fee_minor for line in lines) + unheld_minor
    if parts != received_minor:
        raise LedgerError(f"holder nets, fees and suspense add up to {parts}, not the "
                          f"{received_minor} received")
    postings = [debit(CLEARING_CASH, currency, received_minor), *_credits(currency, lines)]
    if unheld_minor:
        postings.append(credit(CLEARING_SUSPENSE, currency, unheld_minor, memo))
    return Entry(ROYALTY_SOCIETY, tuple(postings), memo)


def payout_due(holder_id: str, currency: str, amount_minor: int, memo: str) -> Entry:
    """A holder's earnings reached the payout threshold: set aside for the transfer."""
    return Entry(PAYOUT_DUE, (
        debit(holder_earnings(holder_id), currency, amount_minor, memo),
        credit(holder_payable_out(holder_id), currency, amount_minor, memo),
    ), memo)


def payout_sent(holder_id: str, currency: str, amount_minor: int, memo: str) -> Entry:
    """The transfer left the clearing account."""
    return Entry(PAYOUT_SENT, (
        debit(holder_payable_out(holder_id), currency, amount_minor, memo),
        credit(CLEARING_CASH, currency, amount_minor, memo),
    ), memo)


def reverse_all(entries: Iterable[tuple[str, Entry]], memo: str) -> list[Entry]:
    """A revoked licence's royalty entries (id, entry), each undone by its own reversal."""
    return [reversal_of(entry_id, e.postings, f"{memo}: reverses {entry_id}", e.license_id)
            for entry_id, e in entries]
