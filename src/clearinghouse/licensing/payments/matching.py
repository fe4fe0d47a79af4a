"""Which statement row pays which payment. Pure: the rows and the payments they name in, outcomes out.

A row pays a payment when its remark holds exactly one of our references and the amount and
currency are exactly the payment's. Everything else is listed with why, and confirms nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from clearinghouse.core.money import Money
from clearinghouse.licensing.payments.statement import StatementRow

# The transfer reference's shape (payments._transfer_reference): CH + 10 of an unambiguous alphabet.
REFERENCE = re.compile(r"CH[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{10}")

MATCHED = "matched"
UNMATCHED = "unmatched"
AMBIGUOUS = "ambiguous"
AMOUNT_MISMATCH = "amount_mismatch"
ALREADY_PAID = "already_paid"
NOT_PAYABLE = "not_payable"
DUPLICATE = "duplicate"


@dataclass(frozen=True)
class PaymentFacts:
    id: str
    reference: str
    license_id: str
    status: str  # pending, paid, cancelled
    amount: Money


@dataclass(frozen=True)
class Outcome:
    row: StatementRow
    result: str
    reason: str
    payment: PaymentFacts | None = None


def references_in(remark: str) -> list[str]:
    """Our references in a remark, in order, each once; banks may break it with spaces."""
    found = REFERENCE.findall("".join(remark.upper().split()))
    return list(dict.fromkeys(found))


def wanted_references(rows: Iterable[StatementRow]) -> set[str]:
    return {ref for row in rows for ref in references_in(row.remark)}


def classify(rows: Iterable[StatementRow], payments: Mapping[str, PaymentFacts]) -> list[Outcome]:
    """`payments`: ours by reference (only those the rows name are needed)."""
    outcomes: list[Outcome] = []
    taken: dict[str, int] = {}  # payment id -> the line that pays it in this statement
    for row in rows:
        known = [payments[ref] for ref in references_in(row.remark) if ref in payments]
        if not known:
            outcomes.append(Outcome(row, UNMATCHED, "no reference of ours in the remark"))
            continue
        if len(known) > 1:
            names = ", ".join(p.reference for p in known)
            outcomes.append(Outcome(row, AMBIGUOUS, f"the remark names several payments: {names}"))
            continue
        payment = known[0]
        if payment.status == "paid":
            outcomes.append(Outcome(row, ALREADY_PAID, f"{payment.reference} is already paid", payment))
        elif payment.status != "pending":
            outcomes.append(Outcome(row, NOT_PAYABLE, f"{payment.reference} is {payment.status}", payment))
        elif row.amount != payment.amount:
            outcomes.append(Outcome(row, AMOUNT_MISMATCH, f"{payment.reference} is for "
                                    f"{payment.amount}, the row pays {row.amount}", payment))
        elif payment.id in taken:
            outcomes.append(Outcome(row, DUPLICATE, f"line {taken[payment.id]} already pays "
                                    f"{payment.reference}", payment))
        else:
            taken[payment.id] = row.line
            outcomes.append(Outcome(row, MATCHED, f"pays {payment.reference}", payment))
    return outcomes
