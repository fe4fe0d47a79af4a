"""Use cases for parties, API keys and agent mandates. Services flush; entrypoints commit."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from clearinghouse.access.domain import MandateGrant, Principal, Role, issue_key, parse_token, secret_matches
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Forbidden, NotFound, Unauthenticated, ValidationFailed
from clearinghouse.core.identifiers import InvalidIdentifier, normalize_identifier
from clearinghouse.core.ids import new_id
from clearinghouse.core.versioning import check_version
from clearinghouse.registry import repository
from clearinghouse.registry.domain import PartyKind
from clearinghouse.registry.schemas import KeyCreate, MandateCreate, PartyCreate, PartyUpdate
from clearinghouse.registry.tables import ApiKey, Mandate, Party


def require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise Forbidden("only the operator may do this")


def get_party(session: Session, party_id: str, *, for_update: bool = False) -> Party:
    party = repository.get_party(session, party_id, for_update=for_update)
    if party is None:
        raise NotFound(f"party {party_id} not found", field="party_id")
    return party


def create_party(session: Session, principal: Principal | None, data: PartyCreate) -> Party:
    """Only the operator creates parties (`principal=None` is the local CLI/demo bootstrap)."""
    if principal is not None:
        require_operator(principal)
    isni = None
    if data.isni:
        try:
            isni = normalize_identifier("isni", data.isni)[1]
        except InvalidIdentifier as exc:
            raise ValidationFailed(str(exc), field="isni") from exc
    party = Party(
        id=new_id("pty"),
        kind=data.kind.value,
        name=data.name,
        name_en=data.name_en,
        name_zh=data.name_zh,
        roles=sorted({r.value for r in data.roles}),
        email=str(data.email) if data.email else None,
        phone=data.phone,
        address=data.address,
        contact_public=data.contact_public,
        isni=isni,
    )
    session.add(party)
    session.flush()
    record(session, principal, "party.create", "party", party.id, None, snapshot(party))
    return party


def update_party(
    session: Session, principal: Principal, party_id: str, data: PartyUpdate, version: int | None
) -> Party:
    # Lock the row so that the version check and the write are one step (no lost updates).
    party = get_party(session, party_id, for_update=True)
    if not (principal.is_operator or principal.party_id == party_id):
        raise Forbidden("you may only edit your own party")
    if data.roles is not None and not principal.is_operator:
        raise Forbidden("only the operator changes roles", field="roles")
    check_version(party.version, version)
    before = snapshot(party)
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if key == "roles":
            value = sorted({Role(r).value for r in value})
        elif key == "email" and value is not None:
            value = str(value)
        setattr(party, key, value)
    party.touch()
    session.flush()
    record(session, principal, "party.update", "party", party.id, before, snapshot(party))
    return party


def may_see_settings(principal: Principal | None, party: Party) -> bool:
    """A party's settings (payout currency) are its own business and the operator's."""
    return principal is not None and (principal.is_operator or principal.party_id == party.id)


def may_see_contact(principal: Principal | None, party: Party) -> bool:
    if party.contact_public:
        return True
    return principal is not None and (principal.is_operator or principal.party_id == party.id)


# -- keys --------------------------------------------------------------------------------------


def create_key(
    session: Session, principal: Principal | None, data: KeyCreate, *, fixed_token: str | None = None
) -> tuple[ApiKey, str]:
    # The operator issues keys to anyone; a signed-in person to its own party (its account page).
    if principal is not None and not (principal.is_operator or principal.party_id == data.party_id):
        raise Forbidden("you may only create keys for your own party", field="party_id")
    get_party(session, data.party_id)
    issued = issue_key(new_id("key"), fixed_token)
    key = ApiKey(
        id=issued.key_id,
        party_id=data.party_id,
        name=data.name,
        lookup=issued.lookup,
        secret_hash=issued.secret_hash,
    )
    session.add(key)
    session.flush()
    record(session, principal, "key.create", "api_key", key.id, None,
           {"party_id": key.party_id, "name": key.name})
    return key, issued.token


def list_keys(session: Session, principal: Principal, party_id: str) -> list[ApiKey]:
    if not (principal.is_operator or principal.party_id == party_id):
        raise Forbidden("you may only list your own keys")
    return list(repository.list_keys(session, party_id))


def revoke_key(session: Session, principal: Principal, key_id: str) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"key {key_id} not found")
    if not (principal.is_operator or principal.party_id == key.party_id):
        raise Forbidden("you may only revoke your own keys")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
        record(session, principal, "key.revoke", "api_key", key.id, None, {"revoked": True})
    return key


def authenticate(session: Session, token: str) -> Principal:
    parsed = parse_token(token)
    if parsed is None:
        raise Unauthenticated("malformed API key")
    found = repository.key_and_party_by_lookup(session, parsed[0])
    if found is None:
        raise Unauthenticated("invalid or revoked API key")
    key, party = found
    if key.revoked_at is not None or not secret_matches(parsed[1], key.secret_hash):
        raise Unauthenticated("invalid or revoked API key")
    return principal_for(session, party, key.id)


def principal_for(session: Session, party: Party, key_id: str | None = None) -> Principal:
    grants: tuple[MandateGrant, ...] = ()
    if Role.AGENT.value in party.roles:
        grants = tuple(
            MandateGrant(m.owner_id, frozenset(m.rights), m.valid_from, m.valid_to)
            for m in repository.mandates_of_agent(session, party.id)
        )
    return Principal(party.id, frozenset(party.roles), key_id, grants)


# -- mandates ----------------------------------------------------------------------------------


def create_mandate(session: Session, principal: Principal | None, data: MandateCreate) -> Mandate:
    """The operator records a mandate, or an owner grants one to its agent."""
    if principal is not None and not (principal.is_operator or principal.party_id == data.owner_id):
        raise Forbidden("only the owner or the operator grants a mandate", field="owner_id")
    agent = get_party(session, data.agent_id)
    get_party(session, data.owner_id)
    if Role.AGENT.value not in agent.roles:
        raise ValidationFailed("that party is not an agent", field="agent_id")
    if data.valid_to is not None and data.valid_to <= data.valid_from:
        raise ValidationFailed("valid_to must be after valid_from", field="valid_to")
    mandate = Mandate(
        id=new_id("mnd"),
        agent_id=data.agent_id,
        owner_id=data.owner_id,
        rights=sorted({r.value for r in data.rights}),
        valid_from=data.valid_from,
        valid_to=data.valid_to,
    )
    session.add(mandate)
    session.flush()
    record(session, principal, "mandate.create", "mandate", mandate.id, None, snapshot(mandate))
    return mandate


def list_mandates(session: Session, principal: Principal, offset: int, limit: int) -> tuple[list[Mandate], int]:
    party = None if principal.is_operator else principal.party_id
    rows, total = repository.list_mandates(session, party, offset=offset, limit=limit)
    return list(rows), total


def active_on(mandate: Mandate, on: date) -> bool:
    return mandate.valid_from <= on and (mandate.valid_to is None or on < mandate.valid_to)


def search_parties(session: Session, principal: Principal, name: str | None, role: Role | None,
                   offset: int, limit: int) -> tuple[list[Party], int]:
    """The operator's view of every party, by a few letters of a name and by role."""
    require_operator(principal)
    rows, total = repository.list_parties(session, role=role.value if role else None, name=name,
                                          offset=offset, limit=limit)
    return list(rows), total


def create_applicant(session: Session, kind: PartyKind, name: str, email: str) -> Party:
    """A party that asked to be an owner (a sign-up): it holds no role, so it can act in none,
    until the operator grants one (`update_party` with roles)."""
    party = Party(id=new_id("pty"), kind=kind.value, name=name, roles=[], email=email,
                  contact_public=False)
    session.add(party)
    session.flush()
    record(session, None, "party.create", "party", party.id, None, snapshot(party))
    return party
