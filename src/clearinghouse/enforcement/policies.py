"""Owners' enforcement policies: per work and territory (or every territory), and an owner-wide
default for the works it registered. A work's rows belong to the work (any manager of it sets
them, its registrant's name on the row); none set anywhere: track."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Forbidden, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.territories import ALL_COUNTRIES
from clearinghouse.enforcement import repository
from clearinghouse.enforcement.domain import Policy, PolicyRule, policy_for
from clearinghouse.enforcement.tables import EnforcementPolicy
from clearinghouse.registry import owner_service
from clearinghouse.registry import repository as registry
from clearinghouse.registry.management import managers_of


def applying(session: Session, owner_id: str, work_id: str, territory: str) -> Policy:
    rows = repository.policy_rows(session, owner_id, [work_id])
    rules = [PolicyRule(r.work_id, r.territory, Policy(r.policy)) for r in rows
             if r.work_id is not None or r.owner_id == owner_id]
    return policy_for(rules, work_id, territory)


def _territory(value: str | None) -> str | None:
    if value is None or value.strip().upper() in ("", "ALL", "WORLD"):
        return None
    code = value.strip().upper()
    if code not in ALL_COUNTRIES:
        raise ValidationFailed(f"unknown country {value!r}: an ISO 3166-1 alpha-2 code such as "
                               "CN, or leave it out for every territory", field="territory")
    return code


def _scope_owner(session: Session, principal: Principal, work_id: str | None) -> str:
    """Whose row this is: the work's registrant (the caller must manage the work), or the
    caller itself for its default (an owner's; an agent sets a work's within its mandate)."""
    if work_id is None:
        owner_service.require_owner(principal)
        return principal.party_id
    work = registry.get_work(session, work_id)
    if work is None:
        raise NotFound(f"work {work_id} not found", field="work_id")
    if not managers_of(session, work).manages(principal) or principal.is_operator:
        raise Forbidden(f"work {work_id} is not one you manage", field="work_id")
    return work.registrant_id


def set_policy(session: Session, principal: Principal, *, work_id: str | None,
               territory: str | None, policy: Policy) -> EnforcementPolicy:
    owner_id = _scope_owner(session, principal, work_id)
    code = _territory(territory)
    row = repository.policy_at(session, owner_id, work_id, code)
    before = snapshot(row) if row is not None else None
    if row is None:
        row = repository.add(session, EnforcementPolicy(
            id=new_id("epo"), owner_id=owner_id, work_id=work_id, territory=code,
            policy=policy.value, set_by=principal.party_id, updated_at=utcnow()))
    else:
        row.policy, row.set_by, row.updated_at = policy.value, principal.party_id, utcnow()
        session.flush()
    record(session, principal, "enforcement.policy", "enforcement_policy", row.id, before,
           snapshot(row))
    return row


def clear_policy(session: Session, principal: Principal, *, work_id: str | None,
                 territory: str | None) -> None:
    owner_id = _scope_owner(session, principal, work_id)
    row = repository.policy_at(session, owner_id, work_id, _territory(territory))
    if row is None:
        raise NotFound("no policy is set there", field="work_id")
    record(session, principal, "enforcement.policy_cleared", "enforcement_policy", row.id,
           snapshot(row), None)
    repository.delete(session, row)


def policies_of(session: Session, principal: Principal) -> Sequence[EnforcementPolicy]:
    """The caller's default and the rows on the works it holds or manages."""
    work_ids = sorted(owner_service.work_ids_of_owner(session, principal))
    return repository.policies_of_owner(session, principal.party_id, work_ids)
