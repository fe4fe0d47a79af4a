"""Whole-or-absent checks of what a purchase and a payment write, for crash and backup tests.

A purchase writes, in one transaction, the license, its lines, its `purchase` event, its payment
and its certificate; marking the payment paid writes the `license.charge` and `payment.received`
ledger entries and activates the license. After a crash or a restore each of these groups must
be there entirely or not at all, and the books must balance.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, MetaData, select
from sqlalchemy.orm import Session

from clearinghouse.ledger.tables import LedgerAccount, LedgerEntry, LedgerPosting
from clearinghouse.licensing.licenses import payments as payment_states
from clearinghouse.licensing.licenses import service as license_states
from clearinghouse.licensing.licenses.tables import License, LicenseEvent, LicenseLine, Payment


def _ledger_problems(session: Session) -> tuple[list[str], dict[tuple[str, str], list[Any]]]:
    problems: list[str] = []
    postings: dict[str, list[LedgerPosting]] = defaultdict(list)
    for posting in session.scalars(select(LedgerPosting)):
        postings[posting.entry_id].append(posting)
    by_subject: dict[tuple[str, str], list[Any]] = defaultdict(list)
    totals: dict[str, int] = defaultdict(int)
    for entry in session.scalars(select(LedgerEntry)):
        mine = postings.pop(entry.id, [])
        sums: dict[str, int] = defaultdict(int)
        for p in mine:
            sums[p.currency] += p.amount_minor
            totals[p.currency] += p.amount_minor
        if len(mine) < 2 or any(sums.values()):
            problems.append(f"ledger entry {entry.id} is unbalanced or short: {dict(sums)}")
        by_subject[(entry.subject_type or "", entry.subject_id or "")].append((entry, mine))
    if postings:
        problems.append(f"postings without their entry: {sorted(postings)}")
    if any(totals.values()):
        problems.append(f"the books do not balance: {dict(totals)}")
    return problems, by_subject


def _debit_to(entry_postings: list[LedgerPosting], accounts: dict[str, str], code: str) -> int:
    return sum(p.amount_minor for p in entry_postings if accounts[p.account_id] == code and p.amount_minor > 0)


def purchase_problems(session: Session) -> list[str]:
    """Everything half-written among licenses, payments and the ledger (empty when whole)."""
    problems, by_subject = _ledger_problems(session)
    accounts = {aid: code for aid, code in session.execute(select(LedgerAccount.id, LedgerAccount.code))}
    lines: dict[str, list[LicenseLine]] = defaultdict(list)
    for line in session.scalars(select(LicenseLine)):
        lines[line.license_id].append(line)
    actions: dict[str, set[str]] = defaultdict(set)
    for license_id, action in session.execute(select(LicenseEvent.license_id, LicenseEvent.action)):
        actions[license_id].add(action)
    paid_for: dict[str, list[Payment]] = defaultdict(list)
    for payment in session.scalars(select(Payment)):
        paid_for[payment.license_id].append(payment)
    license_ids = set()
    for lic in session.scalars(select(License)):
        license_ids.add(lic.id)
        where = f"license {lic.id}"
        nets = sum(x.holder_net_minor for x in lines[lic.id])
        if not lines[lic.id] or nets + lic.licensee_fee_minor + lic.owner_fee_minor != lic.total_minor:
            problems.append(f"{where}: lines missing or not adding up to the total")
        if lic.certificate is None or "purchase" not in actions[lic.id]:
            problems.append(f"{where}: no certificate or no purchase event")
        charges = by_subject.get(("license", lic.id), [])
        pays = paid_for[lic.id]
        if lic.total_minor == 0:
            continue
        if len(pays) != 1 or pays[0].amount_minor != lic.total_minor:
            problems.append(f"{where}: expected one payment of {lic.total_minor}, found {len(pays)}")
            continue
        payment = pays[0]
        received = by_subject.get(("payment", payment.id), [])
        if payment.status == payment_states.PENDING:
            if lic.status != license_states.PENDING or charges or received:
                problems.append(f"{where}: unpaid, yet {lic.status} or with ledger entries")
        elif payment.status == payment_states.PAID:
            if lic.status != license_states.ACTIVE or "activate" not in actions[lic.id]:
                problems.append(f"{where}: paid, yet {lic.status}")
            if [e.kind for e, _ in charges] != ["license.charge"] or [e.kind for e, _ in received] != [
                "payment.received"
            ]:
                problems.append(f"{where}: paid, yet its ledger entries are {charges} / {received}")
            elif _debit_to(charges[0][1], accounts, f"licensee:{lic.licensee_id}:payable") != lic.total_minor:
                problems.append(f"{where}: the charge is not the license's total")
    orphans = {sid for (kind, sid) in by_subject if kind == "license"} - license_ids
    if orphans:
        problems.append(f"ledger entries for licenses that do not exist: {sorted(orphans)}")
    return problems


def rows_by_table(engine: Engine, tables: list[str] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the application's tables (or of `tables`), in primary-key order."""
    from clearinghouse.core.db import Base

    metadata: MetaData = Base.metadata
    chosen = [t for t in metadata.sorted_tables if tables is None or t.name in tables]
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in chosen:
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(row) for row in conn.execute(select(table).order_by(*order))]
    return out
