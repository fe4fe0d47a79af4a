"""Owners' accounts: an owner who signs itself up waits for the operator's approval (its party
holds no role until then: a claim is not a right until accepted); or the operator invites one
with a single-use link that lets the invitee set a password.

Services flush and never commit: the page that calls them owns the transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.accounts import domain, owners_repository
from clearinghouse.accounts import repository as accounts_repository
from clearinghouse.accounts.service import NewSession, create_account, open_session
from clearinghouse.accounts.tables import OwnerApplication, OwnerInvitation
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Conflict, Gone, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.registry import parties_service
from clearinghouse.registry.domain import PartyKind
from clearinghouse.registry.schemas import PartyCreate, PartyUpdate
from clearinghouse.registry.tables import Party

Status = domain.ApplicationStatus


def _checked_email(session: Session, email: str) -> str:
    try:
        address = domain.normalise_email(email)
    except domain.AccountRefused as exc:
        raise ValidationFailed(str(exc), field=exc.field) from None
    if accounts_repository.account_by_email(session, address) is not None:
        raise Conflict("an account with this email exists; sign in instead", field="email")
    return address


def _checked_password(password: str) -> None:
    try:
        domain.check_new_password(password)
    except domain.AccountRefused as exc:
        raise ValidationFailed(str(exc), field=exc.field) from None


def sign_up_owner(session: Session, name: str, email: str, password: str,
                  now: datetime | None = None) -> NewSession:
    """A rights owner signs itself up: signed in at once, but its party acts in no role until
    the operator approves the application."""
    address = _checked_email(session, email)
    _checked_password(password)
    party_name = name.strip()[:200] or address.split("@")[0]
    party = parties_service.create_applicant(session, PartyKind.ORGANISATION, party_name, address)
    application = OwnerApplication(id=new_id("app"), party_id=party.id, status=Status.PENDING.value,
                                   requested_at=now or utcnow())
    session.add(application)
    account = create_account(session, party.id, address, password, party_name)
    record(session, None, "owner_application.create", "owner_application", application.id, None,
           {"party_id": party.id, "account_id": account.id})
    return open_session(session, account, now)


def application_of(session: Session, party_id: str) -> OwnerApplication | None:
    return owners_repository.application_of_party(session, party_id)


def pending_applications(session: Session, principal: Principal, offset: int, limit: int
                         ) -> tuple[list[tuple[OwnerApplication, Party]], int]:
    parties_service.require_operator(principal)
    rows, total = owners_repository.page_of_applications(session, Status.PENDING.value,
                                                         offset=offset, limit=limit)
    return list(rows), total


def decide_application(session: Session, principal: Principal, application_id: str, approve: bool,
                       now: datetime | None = None) -> OwnerApplication:
    """The operator approves (the party becomes an owner) or refuses (it stays without a role)."""
    parties_service.require_operator(principal)
    application = owners_repository.get_application(session, application_id, for_update=True)
    if application is None:
        raise NotFound(f"application {application_id} not found", field="application_id")
    if application.status != Status.PENDING:
        raise Conflict(f"this application was {application.status} already", field="status")
    before = snapshot(application)
    if approve:
        party = parties_service.get_party(session, application.party_id)
        roles = sorted({*party.roles, Role.OWNER.value})
        parties_service.update_party(session, principal, party.id,
                                     PartyUpdate.model_validate({"roles": roles}), party.version)
    application.status = (Status.APPROVED if approve else Status.REFUSED).value
    application.decided_at, application.decided_by = now or utcnow(), principal.party_id
    session.flush()
    record(session, principal, f"owner_application.{'approve' if approve else 'refuse'}",
           "owner_application", application.id, before, snapshot(application))
    return application


def invite_owner(session: Session, principal: Principal, name: str, email: str,
                 now: datetime | None = None) -> tuple[OwnerInvitation, str]:
    """A new owner party and a link for its first account; the token is returned once."""
    parties_service.require_operator(principal)
    address = _checked_email(session, email)
    if not name.strip():
        raise ValidationFailed("enter the owner's name", field="name")
    party = parties_service.create_party(session, principal, PartyCreate(
        kind=PartyKind.ORGANISATION, name=name.strip()[:200], roles=[Role.OWNER], email=address))
    token = domain.new_session_token()
    created = now or utcnow()
    invitation = OwnerInvitation(id=new_id("inv"), party_id=party.id, email=address,
                                 token_hash=domain.token_hash(token), invited_by=principal.party_id,
                                 created_at=created, expires_at=created + domain.INVITATION_LIFETIME)
    session.add(invitation)
    session.flush()
    record(session, principal, "owner_invitation.create", "owner_invitation", invitation.id, None,
           {"party_id": party.id, "email": address, "expires_at": invitation.expires_at.isoformat()})
    return invitation, token


def open_invitations(session: Session, principal: Principal, now: datetime | None = None,
                     limit: int = 50) -> list[tuple[OwnerInvitation, Party]]:
    parties_service.require_operator(principal)
    return list(owners_repository.open_invitations(session, now or utcnow(), limit))


def invitation_for(session: Session, token: str, now: datetime | None = None
                   ) -> tuple[OwnerInvitation, Party]:
    """The invitation a link carries, while it may still be used."""
    found = (owners_repository.invitation_by_token_hash(session, domain.token_hash(token))
             if token and len(token) <= 100 else None)
    if found is None:
        raise NotFound("this invitation link is not valid; check it or ask the operator for a new one")
    state = domain.invitation_state(found.expires_at, found.used_at, now or utcnow())
    if state == "used":
        raise Gone("this invitation was used already: sign in with its email")
    if state == "expired":
        raise Gone("this invitation has expired; ask the operator for a new one")
    return found, parties_service.get_party(session, found.party_id)


def accept_invitation(session: Session, token: str, display_name: str, password: str,
                      now: datetime | None = None) -> NewSession:
    """The invitee sets a password: the owner's account, signed in; the link is then spent."""
    when = now or utcnow()
    invitation, party = invitation_for(session, token, when)
    _checked_password(password)
    if not owners_repository.use_invitation(session, invitation.id, when):
        raise Gone("this invitation was used already: sign in with its email")
    _checked_email(session, invitation.email)
    account = create_account(session, party.id, invitation.email, password,
                             display_name.strip() or party.name)
    record(session, None, "owner_invitation.accept", "owner_invitation", invitation.id, None,
           {"party_id": party.id, "account_id": account.id})
    return open_session(session, account, when)
