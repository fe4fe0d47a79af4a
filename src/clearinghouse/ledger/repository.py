"""All ledger SQL: accounts, entries and their postings, and the sums balances are made of."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from clearinghouse.core.db import is_postgres
from clearinghouse.ledger.tables import LedgerAccount, LedgerEntry, LedgerPosting


def add_missing_accounts(session: Session, accounts: Sequence[Mapping[str, Any]]) -> None:
    """Insert each account (a dict of LedgerAccount columns) unless its code exists, without
    racing a concurrent creator (INSERT … ON CONFLICT DO NOTHING)."""
    insert = pg_insert if is_postgres(session) else sqlite_insert
    for values in accounts:
        session.execute(insert(LedgerAccount).values(**values).on_conflict_do_nothing(
            index_elements=["code"]))


def account_ids_by_code(session: Session, codes: set[str]) -> dict[str, str]:
    rows = session.execute(
        select(LedgerAccount.code, LedgerAccount.id).where(LedgerAccount.code.in_(codes))
    )
    return {code: account_id for code, account_id in rows}


def reversal_id_of(session: Session, entry_id: str) -> str | None:
    """The id of the entry that reverses `entry_id`, if one does."""
    return session.scalar(select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry_id))


def entries_of_subject(session: Session, subject_type: str, subject_id: str) -> Sequence[LedgerEntry]:
    return session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.subject_type == subject_type, LedgerEntry.subject_id == subject_id)
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    ).all()


def _touching(party_id: str) -> Any:
    """Ids of entries that post to one of the party's accounts."""
    return (
        select(LedgerPosting.entry_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
        .where(LedgerAccount.party_id == party_id)
    )


def _of_license(license_id: str) -> Any:
    # Entries posted before migration 0008 carry no license_id; a charge is found by its subject.
    return or_(
        LedgerEntry.license_id == license_id,
        and_(LedgerEntry.subject_type == "license", LedgerEntry.subject_id == license_id),
    )


def license_touches_party(session: Session, license_id: str, party_id: str) -> bool:
    """Whether any entry of the licence posts to one of the party's accounts."""
    found = session.scalar(
        select(LedgerEntry.id)
        .where(_of_license(license_id), LedgerEntry.id.in_(_touching(party_id)))
        .limit(1)
    )
    return found is not None


def page_of_entries(
    session: Session,
    *,
    license_id: str | None,
    touching_party_id: str | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[LedgerEntry], int]:
    """Entries oldest first, of one licence and/or touching one party's accounts; and the total."""
    query: Select[Any] = select(LedgerEntry)
    if license_id is not None:
        query = query.where(_of_license(license_id))
    if touching_party_id is not None:
        query = query.where(LedgerEntry.id.in_(_touching(touching_party_id)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(LedgerEntry.created_at, LedgerEntry.id).offset(offset).limit(limit)
    ).all()
    return rows, total


def account_sums(session: Session, party_id: str | None) -> list[tuple[str, str | None, str, str, str, int]]:
    """(code, party id, purpose, normal side, currency, debit-positive sum) per account and
    currency, of one party's accounts or of all; by code and currency."""
    query = (
        select(
            LedgerAccount.code,
            LedgerAccount.party_id,
            LedgerAccount.purpose,
            LedgerAccount.normal_side,
            LedgerPosting.currency,
            func.sum(LedgerPosting.amount_minor),
        )
        .join(LedgerPosting, LedgerPosting.account_id == LedgerAccount.id)
        .group_by(
            LedgerAccount.code,
            LedgerAccount.party_id,
            LedgerAccount.purpose,
            LedgerAccount.normal_side,
            LedgerPosting.currency,
        )
        .order_by(LedgerAccount.code, LedgerPosting.currency)
    )
    if party_id is not None:
        query = query.where(LedgerAccount.party_id == party_id)
    return [(code, pid, purpose, side, currency, int(raw))
            for code, pid, purpose, side, currency, raw in session.execute(query)]


def account_sum(session: Session, account: str, currency: str) -> int:
    """Debit-positive sum of one account in one currency."""
    value = session.scalar(
        select(func.coalesce(func.sum(LedgerPosting.amount_minor), 0))
        .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
        .where(LedgerAccount.code == account, LedgerPosting.currency == currency)
    )
    return int(value or 0)


def sums_per_currency(session: Session) -> dict[str, int]:
    """Sum of every posting per currency."""
    rows = session.execute(
        select(LedgerPosting.currency, func.sum(LedgerPosting.amount_minor)).group_by(
            LedgerPosting.currency
        )
    )
    return {currency: int(total) for currency, total in rows}

