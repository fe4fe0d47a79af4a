"""Ledger use cases: post a balanced entry, reverse one, read balances. They flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, Forbidden, NotFound
from clearinghouse.core.ids import new_id
from clearinghouse.ledger import domain
from clearinghouse.ledger.tables import LedgerAccount, LedgerEntry, LedgerPosting
from clearinghouse.registry.audit import record


@dataclass(frozen=True)
class Balance:
    account: str
    party_id: str | None
    purpose: str
    normal_side: str
    currency: str
    balance_minor: int  # in the account's normal sign: a holder's earnings show positive


def _ensure_accounts(session: Session, codes: set[str]) -> dict[str, str]:
    """Account ids by code, creating missing accounts without racing a concurrent creator."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for code in sorted(codes):
        ref = domain.parse_account(code)
        stmt = (
            insert(LedgerAccount)
            .values(
                id=new_id("acc"),
                code=code,
                kind=ref.kind,
                party_id=ref.party_id,
                purpose=ref.purpose,
                normal_side=ref.normal_side.value,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["code"])
        )
        session.execute(stmt)
    rows = session.execute(
        select(LedgerAccount.code, LedgerAccount.id).where(LedgerAccount.code.in_(codes))
    )
    return {code: account_id for code, account_id in rows}


def post(
    session: Session,
    entry: domain.Entry,
    *,
    subject: tuple[str, str] | None = None,
    actor: Principal | None = None,
) -> LedgerEntry:
    """Store a balanced entry (the domain already refused an unbalanced one)."""
    domain.check_balanced(entry.postings)
    accounts = _ensure_accounts(session, {p.account for p in entry.postings})
    row = LedgerEntry(
        id=new_id("lje"),
        kind=entry.kind,
        memo=entry.memo,
        subject_type=subject[0] if subject else None,
        subject_id=subject[1] if subject else None,
        reverses_id=entry.reverses,
        actor_party_id=actor.party_id if actor else None,
        license_id=entry.license_id,
    )
    if entry.fx is not None:
        row.fx_base, row.fx_quote, row.fx_rate = entry.fx.base, entry.fx.quote, str(entry.fx.rate)
        row.fx_effective, row.fx_source = entry.fx.effective, entry.fx.source
    session.add(row)
    session.flush()
    session.add_all(
        LedgerPosting(
            entry_id=row.id,
            account_id=accounts[p.account],
            currency=p.currency,
            amount_minor=p.amount_minor,
            memo=p.memo,
        )
        for p in entry.postings
    )
    session.flush()
    session.refresh(row)
    return row


def postings_of(entry: LedgerEntry) -> list[domain.Posting]:
    return [
        domain.Posting(p.account.code, p.currency, p.amount_minor, p.memo) for p in entry.postings
    ]


def get_entry(session: Session, entry_id: str) -> LedgerEntry:
    entry = session.get(LedgerEntry, entry_id)
    if entry is None:
        raise NotFound(f"ledger entry {entry_id} not found", field="entry_id")
    return entry


def reverse(
    session: Session, principal: Principal | None, entry_id: str, memo: str = ""
) -> LedgerEntry:
    """Correct a mistake by posting its mirror image; the original stays as it was."""
    if principal is not None and not principal.is_operator:
        raise Forbidden("only the operator may correct the ledger")
    original = get_entry(session, entry_id)
    if original.reverses_id is not None:
        raise Conflict(
            "a reversal cannot itself be reversed; post a new entry instead", field="entry_id"
        )
    already = session.scalar(select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry_id))
    if already is not None:
        raise Conflict(f"entry {entry_id} was already reversed by {already}", field="entry_id")
    entry = domain.reversal_of(entry_id, postings_of(original), memo, original.license_id)
    row = post(
        session,
        entry,
        subject=(original.subject_type, original.subject_id)
        if original.subject_type and original.subject_id
        else None,
        actor=principal,
    )
    record(
        session,
        principal,
        "ledger.reverse",
        "ledger_entry",
        row.id,
        None,
        {"reverses": entry_id, "memo": row.memo},
    )
    return row


def entries_for(session: Session, subject_type: str, subject_id: str) -> Sequence[LedgerEntry]:
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


def list_entries(
    session: Session,
    principal: Principal,
    *,
    party_id: str | None,
    offset: int,
    limit: int,
    license_id: str | None = None,
) -> tuple[Sequence[LedgerEntry], int]:
    """The operator sees every entry; a party only entries that touch one of its accounts.

    With `license_id`: every entry of that licence (charge, payment, conversions, reversals), for
    the operator and for the parties the licence's entries post to (its licensee, the holders
    paid on it); anyone else is refused, whether or not the licence exists."""
    query = select(LedgerEntry)
    if license_id is not None:
        query = query.where(_of_license(license_id))
        if not principal.is_operator:
            if party_id is not None and party_id != principal.party_id:
                raise Forbidden("you may see only your own accounts", field="party_id")
            mine = session.scalar(
                select(LedgerEntry.id).where(_of_license(license_id), LedgerEntry.id.in_(
                    _touching(principal.party_id))).limit(1)
            )
            if mine is None:
                raise Forbidden(
                    "only the licensee, the holders paid on the licence and the operator see its "
                    "entries", field="license_id",
                )
        elif party_id is not None:
            query = query.where(LedgerEntry.id.in_(_touching(party_id)))
    else:
        visible = _visible_party(principal, party_id)
        if visible is not None:
            query = query.where(LedgerEntry.id.in_(_touching(visible)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(LedgerEntry.created_at, LedgerEntry.id).offset(offset).limit(limit)
    ).all()
    return rows, total


def _visible_party(principal: Principal, party_id: str | None) -> str | None:
    if principal.is_operator:
        return party_id
    if party_id is not None and party_id != principal.party_id:
        raise Forbidden("you may see only your own accounts", field="party_id")
    return principal.party_id


def balances(session: Session, principal: Principal, party_id: str | None = None) -> list[Balance]:
    """Balances per account and currency: a party its own accounts, the operator every account."""
    party = _visible_party(principal, party_id)
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
    if party is not None:
        query = query.where(LedgerAccount.party_id == party)
    return [
        Balance(code, pid, purpose, side, currency, domain.shown_balance(code, int(raw)))
        for code, pid, purpose, side, currency, raw in session.execute(query)
    ]


def raw_balance(session: Session, account: str, currency: str) -> int:
    """Debit-positive sum of one account, as the books hold it."""
    value = session.scalar(
        select(func.coalesce(func.sum(LedgerPosting.amount_minor), 0))
        .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
        .where(LedgerAccount.code == account, LedgerPosting.currency == currency)
    )
    return int(value or 0)


def trial_balance(session: Session) -> dict[str, int]:
    """Sum of every posting per currency; zero everywhere when the books are sound."""
    rows = session.execute(
        select(LedgerPosting.currency, func.sum(LedgerPosting.amount_minor)).group_by(
            LedgerPosting.currency
        )
    )
    return {currency: int(total) for currency, total in rows}
