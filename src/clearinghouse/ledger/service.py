"""Ledger use cases: post a balanced entry, reverse one, read balances. They flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, Forbidden, NotFound
from clearinghouse.core.ids import new_id
from clearinghouse.ledger import domain, repository
from clearinghouse.ledger.tables import LedgerEntry, LedgerPosting


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
    found = repository.account_ids_by_code(session, codes)
    if len(found) == len(codes):  # the common case in a run: every account exists already
        return found
    new_accounts = []
    for code in sorted(codes - found.keys()):
        ref = domain.parse_account(code)
        new_accounts.append({"id": new_id("acc"), "code": code, "kind": ref.kind,
                             "party_id": ref.party_id, "purpose": ref.purpose,
                             "normal_side": ref.normal_side.value, "created_at": utcnow()})
    repository.add_missing_accounts(session, new_accounts)
    return repository.account_ids_by_code(session, codes)


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
    already = repository.reversal_id_of(session, entry_id)
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
    return repository.entries_of_subject(session, subject_type, subject_id)


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
    touching: str | None = None
    if license_id is not None:
        if not principal.is_operator:
            if party_id is not None and party_id != principal.party_id:
                raise Forbidden("you may see only your own accounts", field="party_id")
            if not repository.license_touches_party(session, license_id, principal.party_id):
                raise Forbidden(
                    "only the licensee, the holders paid on the licence and the operator see its "
                    "entries", field="license_id",
                )
        else:
            touching = party_id
    else:
        touching = _visible_party(principal, party_id)
    return repository.page_of_entries(
        session, license_id=license_id, touching_party_id=touching, offset=offset, limit=limit
    )


def _visible_party(principal: Principal, party_id: str | None) -> str | None:
    if principal.is_operator:
        return party_id
    if party_id is not None and party_id != principal.party_id:
        raise Forbidden("you may see only your own accounts", field="party_id")
    return principal.party_id


def balances(session: Session, principal: Principal, party_id: str | None = None) -> list[Balance]:
    """Balances per account and currency: a party its own accounts, the operator every account."""
    party = _visible_party(principal, party_id)
    return [
        Balance(code, pid, purpose, side, currency, domain.shown_balance(code, raw))
        for code, pid, purpose, side, currency, raw in repository.account_sums(session, party)
    ]


def raw_balance(session: Session, account: str, currency: str) -> int:
    """Debit-positive sum of one account, as the books hold it."""
    return repository.account_sum(session, account, currency)


def trial_balance(session: Session) -> dict[str, int]:
    """Sum of every posting per currency; zero everywhere when the books are sound."""
    return repository.sums_per_currency(session)
