"""Accounts: sign up, sign in (throttled in the database), resume a session, sign out (here or everywhere).

Services flush and never commit: the page that calls them owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.accounts import domain, repository
from clearinghouse.accounts.tables import Account, WebSession
from clearinghouse.core.audit import record
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, Forbidden, TooManyAttempts, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.registry import parties_service
from clearinghouse.registry import repository as registry_repository
from clearinghouse.registry.domain import PartyKind
from clearinghouse.registry.schemas import PartyCreate

_hasher = PasswordHasher()
# Verified when the email is unknown, so that a wrong email costs as long as a wrong password.
_DECOY_HASH = _hasher.hash("decoy password, never anyone's")
WRONG = "the email or the password is wrong"


@dataclass(frozen=True)
class SignedIn:
    """A signed-in person: who they are and the party they act for, in that party's roles."""

    account_id: str
    email: str
    display_name: str
    party_name: str
    principal: Principal
    csrf_token: str
    token_hash: str


@dataclass(frozen=True)
class NewSession:
    signed_in: SignedIn
    token: str  # for the cookie
    expires_at: datetime


def _subjects(client: str, email_key: str) -> list[tuple[domain.FailureScope, str]]:
    return [(domain.FailureScope.ACCOUNT, domain.failure_subject(domain.FailureScope.ACCOUNT, email_key)),
            (domain.FailureScope.CLIENT, domain.failure_subject(domain.FailureScope.CLIENT, client))]


def check_throttle(session: Session, client: str, email_key: str, now: datetime) -> None:
    """Refuses before the password is checked once the email or the address used up its budget.
    The failures are rows of the database: every worker process and a restart see them."""
    since = now - timedelta(seconds=domain.FAILURE_WINDOW_SECONDS)
    wait = max(domain.lockout_seconds(repository.failures_since(session, subject, since),
                                      domain.failure_limit(scope), now)
               for scope, subject in _subjects(client, email_key))
    if wait:
        minutes = max(1, round(wait / 60))
        raise TooManyAttempts(f"too many failed sign-ins; try again in {minutes} min",
                              retry_after=wait)


def record_failure(session: Session, client: str, email_key: str, now: datetime) -> None:
    repository.prune_failures(session, now - timedelta(seconds=domain.FAILURE_WINDOW_SECONDS))
    repository.add_failures(session, [subject for _, subject in _subjects(client, email_key)], now)
    session.flush()


def _refused(exc: domain.AccountRefused) -> ValidationFailed:
    return ValidationFailed(str(exc), field=exc.field)


def _start_session(session: Session, account: Account, now: datetime) -> NewSession:
    terms = domain.new_session(now)
    repository.delete_expired_sessions_of(session, account.id, now)
    session.add(WebSession(token_hash=terms.token_hash, account_id=account.id,
                           csrf_token=terms.csrf_token, created_at=now, expires_at=terms.expires_at))
    account.last_sign_in_at = now
    session.flush()
    return NewSession(_signed_in(session, account, terms.csrf_token, terms.token_hash),
                      terms.token, terms.expires_at)


def open_session(session: Session, account: Account, now: datetime | None = None) -> NewSession:
    """Signs the account in (after sign-up, or after accepting an invitation)."""
    return _start_session(session, account, now or utcnow())


def _signed_in(session: Session, account: Account, csrf: str, token_hash: str) -> SignedIn:
    party = parties_service.get_party(session, account.party_id)
    return SignedIn(account.id, account.email, account.display_name, party.name,
                    parties_service.principal_for(session, party), csrf, token_hash)


def create_account(session: Session, party_id: str, email: str, password: str,
                   display_name: str) -> Account:
    """An account for an existing party (the operator's tools and the demo)."""
    try:
        address = domain.normalise_email(email)
        domain.check_new_password(password)
    except domain.AccountRefused as exc:
        raise _refused(exc) from None
    if repository.account_by_email(session, address) is not None:
        raise Conflict("an account with this email exists; sign in instead", field="email")
    if registry_repository.get_party(session, party_id) is None:
        raise ValidationFailed(f"party {party_id} not found", field="party_id")
    account = Account(id=new_id("acc"), party_id=party_id, email=address,
                      display_name=display_name.strip()[:200] or address.split("@")[0],
                      password_hash=_hasher.hash(password))
    session.add(account)
    session.flush()
    record(session, None, "account.create", "account", account.id, None,
           {"party_id": party_id, "email": address})
    return account


def sign_up(session: Session, kind: str, name: str, email: str, password: str,
            now: datetime | None = None) -> NewSession:
    """A licensee signs itself up: a new licensee party (a creator or a brand) and its account."""
    try:
        chosen = domain.SignupKind(kind)
        address = domain.normalise_email(email)
        domain.check_new_password(password)
    except ValueError as exc:
        if isinstance(exc, domain.AccountRefused):
            raise _refused(exc) from None
        raise ValidationFailed("choose creator or brand", field="kind") from None
    if repository.account_by_email(session, address) is not None:
        raise Conflict("an account with this email exists; sign in instead", field="email")
    party_name = name.strip()[:200] or address.split("@")[0]
    party = parties_service.create_party(session, None, PartyCreate(
        kind=PartyKind.PERSON if chosen is domain.SignupKind.CREATOR else PartyKind.ORGANISATION,
        name=party_name, roles=[Role.LICENSEE], email=address))
    account = create_account(session, party.id, address, password, party_name)
    return _start_session(session, account, now or utcnow())


def sign_in(session: Session, client: str, email: str, password: str,
            now: datetime | None = None) -> NewSession | None:
    """A new session, or None for a wrong email or password (the same answer for both): the
    failure is then written in this transaction, so the caller commits it and shows WRONG.
    Locked (TooManyAttempts, nothing written) after repeated failures."""
    at = now or utcnow()
    key = email.strip().lower()[:254]
    check_throttle(session, client, key, at)
    account = repository.account_by_email(session, key)
    try:
        _hasher.verify(account.password_hash if account else _DECOY_HASH,
                       password[:domain.PASSWORD_MAX_CHARS])
        verified = account is not None
    except (VerificationError, InvalidHashError):
        verified = False
    if not verified or account is None:
        record_failure(session, client, key, at)
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return _start_session(session, account, at)


def resume(session: Session, token: str, now: datetime | None = None) -> SignedIn | None:
    """The person a session cookie belongs to, or None (unknown, expired or signed out)."""
    if not token or len(token) > 100:
        return None
    found = repository.session_with_account(session, domain.token_hash(token))
    if found is None:
        return None
    web_session, account = found
    if not domain.is_live(web_session.expires_at, now or utcnow()):
        return None
    return _signed_in(session, account, web_session.csrf_token, web_session.token_hash)


def sign_out(session: Session, token_hash: str) -> None:
    repository.delete_session(session, token_hash)


def sign_out_everywhere(session: Session, signed_in: SignedIn) -> int:
    """Ends every session of the account (a lost phone, a shared computer)."""
    ended = repository.delete_sessions_of(session, signed_in.account_id)
    record(session, signed_in.principal, "account.sign_out_everywhere", "account",
           signed_in.account_id, None, {"sessions_ended": ended})
    return ended


def accounts_of_party(session: Session, principal: Principal, party_id: str) -> list[Account]:
    """The people who sign in for a party: the party's own business and the operator's."""
    if not (principal.is_operator or principal.party_id == party_id):
        raise Forbidden("you may only see your own party's accounts")
    return list(repository.accounts_of_party(session, party_id))
