"""SQL of accounts and sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from clearinghouse.accounts.tables import Account, SignInFailure, WebSession


def account_by_email(session: Session, email: str) -> Account | None:
    return session.scalars(select(Account).where(Account.email == email)).first()


def get_account(session: Session, account_id: str) -> Account | None:
    return session.get(Account, account_id)


def session_with_account(session: Session, token_hash: str) -> tuple[WebSession, Account] | None:
    row = session.execute(
        select(WebSession, Account).join(Account, Account.id == WebSession.account_id)
        .where(WebSession.token_hash == token_hash)
    ).first()
    return (row[0], row[1]) if row else None


def delete_session(session: Session, token_hash: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))


def delete_sessions_of(session: Session, account_id: str) -> int:
    result = session.execute(delete(WebSession).where(WebSession.account_id == account_id))
    return int(getattr(result, "rowcount", 0) or 0)


def delete_expired_sessions_of(session: Session, account_id: str, now: datetime) -> None:
    session.execute(delete(WebSession).where(WebSession.account_id == account_id,
                                             WebSession.expires_at <= now))


def accounts_of_party(session: Session, party_id: str) -> Sequence[Account]:
    return session.scalars(select(Account).where(Account.party_id == party_id)
                           .order_by(Account.created_at, Account.id)).all()
def failures_since(session: Session, subject: str, since: datetime) -> list[datetime]:
    return list(session.scalars(select(SignInFailure.failed_at).where(
        SignInFailure.subject == subject, SignInFailure.failed_at > since)))


def add_failures(session: Session, subjects: list[str], at: datetime) -> None:
    session.add_all(SignInFailure(subject=subject, failed_at=at) for subject in subjects)


def prune_failures(session: Session, before: datetime) -> None:
    session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= before))
