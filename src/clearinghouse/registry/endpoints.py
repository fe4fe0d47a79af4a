"""REST endpoints of the registry under /api/v1."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Role
from clearinghouse.api.auth import OperatorCaller, RightsManagerCaller
from clearinghouse.api.deps import (
    DB,
    Caller,
    IfMatch,
    Limit,
    MaybeCaller,
    Offset,
    RefParam,
    etag,
    in_transaction,
    read_sessions,
)
from clearinghouse.api.responses import AUTHED, PUBLIC, UPDATE, WRITE
from clearinghouse.core import audit_repository
from clearinghouse.core.schemas import Page
from clearinghouse.registry import claims_service as claims
from clearinghouse.registry import holdings_service as holdings
from clearinghouse.registry import parties_service as parties
from clearinghouse.registry import repository, views
from clearinghouse.registry import works_service as works
from clearinghouse.registry.schemas import (
    AuditOut,
    ClaimAccept,
    ClaimReject,
    ConflictOut,
    ConflictResolve,
    HoldingCreate,
    HoldingOut,
    HoldingUpdate,
    KeyCreate,
    KeyIssued,
    KeyOut,
    MandateCreate,
    MandateOut,
    PartyCreate,
    PartyOut,
    PartyUpdate,
    WorkCreate,
    WorkOut,
    WorkTypeCreate,
    WorkTypeOut,
    WorkUpdate,
)

router = APIRouter(prefix="/api/v1")


@router.get("/me", response_model=PartyOut, tags=["parties"], responses=AUTHED)
def me(db: DB, caller: Caller) -> PartyOut:
    """The party the API key belongs to."""
    return views.party_out(parties.get_party(db, caller.party_id), caller)


@router.get("/parties", response_model=Page[PartyOut], tags=["parties"], responses=PUBLIC)
def list_parties(db: DB, viewer: MaybeCaller, offset: Offset = 0, limit: Limit = 20,
                 role: Role | None = None) -> Page[PartyOut]:
    """The public directory of parties; contact details only where the party published them."""
    rows, total = repository.list_parties(db, role=role.value if role else None, offset=offset, limit=limit)
    return Page(items=[views.party_out(p, viewer) for p in rows], total=total, offset=offset, limit=limit)


@router.post("/parties", response_model=PartyOut, status_code=201, tags=["parties"], responses=WRITE)
def create_party(db: DB, caller: OperatorCaller, body: PartyCreate) -> PartyOut:
    """Operator only."""
    return views.party_out(parties.create_party(db, caller, body), caller)


@router.get("/parties/{party_id}", response_model=PartyOut, tags=["parties"], responses=PUBLIC)
def get_party(db: DB, viewer: MaybeCaller, party_id: str, response: Response) -> PartyOut:
    party = parties.get_party(db, party_id)
    response.headers["ETag"] = etag(party.version)
    return views.party_out(party, viewer)


@router.patch("/parties/{party_id}", response_model=PartyOut, tags=["parties"], responses=UPDATE)
def update_party(db: DB, caller: Caller, party_id: str, body: PartyUpdate, if_match: IfMatch,
                 response: Response) -> PartyOut:
    party = parties.update_party(db, caller, party_id, body, if_match)
    response.headers["ETag"] = etag(party.version)
    return views.party_out(party, caller)


@router.post("/keys", response_model=KeyIssued, status_code=201, tags=["keys"], responses=WRITE)
def create_key(db: DB, caller: OperatorCaller, body: KeyCreate) -> KeyIssued:
    """Operator only. The token is shown once and stored only as a hash."""
    key, token = parties.create_key(db, caller, body)
    return KeyIssued(**views.key_out(key).model_dump(), token=token)


@router.get("/parties/{party_id}/keys", response_model=list[KeyOut], tags=["keys"], responses=AUTHED)
def list_keys(db: DB, caller: Caller, party_id: str) -> list[KeyOut]:
    return [views.key_out(k) for k in parties.list_keys(db, caller, party_id)]


@router.post("/keys/{key_id}/revoke", response_model=KeyOut, tags=["keys"], responses=AUTHED)
def revoke_key(db: DB, caller: Caller, key_id: str) -> KeyOut:
    return views.key_out(parties.revoke_key(db, caller, key_id))


@router.post("/mandates", response_model=MandateOut, status_code=201, tags=["parties"], responses=WRITE)
def create_mandate(db: DB, caller: Caller, body: MandateCreate) -> MandateOut:
    """An owner grants its agent a mandate (or the operator records one)."""
    return views.mandate_out(parties.create_mandate(db, caller, body))


@router.get("/mandates", response_model=Page[MandateOut], tags=["parties"], responses=AUTHED)
def list_mandates(db: DB, caller: Caller, offset: Offset = 0, limit: Limit = 50) -> Page[MandateOut]:
    """Mandates you grant or hold (the operator sees all)."""
    rows, total = parties.list_mandates(db, caller, offset, limit)
    return Page(items=[views.mandate_out(m) for m in rows], total=total, offset=offset, limit=limit)


@router.get("/work-types", response_model=list[WorkTypeOut], tags=["works"], responses=PUBLIC)
def list_work_types(db: DB) -> list[WorkTypeOut]:
    return [WorkTypeOut.model_validate(t, from_attributes=True) for t in repository.list_work_types(db)]


@router.post("/work-types", response_model=WorkTypeOut, status_code=201, tags=["works"], responses=WRITE)
def create_work_type(db: DB, caller: OperatorCaller, body: WorkTypeCreate) -> WorkTypeOut:
    """Operator only: new types are data, not code."""
    return WorkTypeOut.model_validate(works.create_work_type(db, caller, body), from_attributes=True)


@router.post("/works", response_model=WorkOut, status_code=201, tags=["works"], responses=WRITE)
def create_work(db: DB, caller: RightsManagerCaller, body: WorkCreate, response: Response) -> WorkOut:
    work = works.create_work(db, caller, body)
    response.headers["ETag"] = etag(work.version)
    response.headers["Location"] = f"/api/v1/works/{work.id}"
    return views.work_out(db, work)


@router.get("/works/{work_id}", response_model=WorkOut, tags=["works"], responses=PUBLIC)
async def get_work(request: Request, viewer: MaybeCaller, work_id: str, response: Response) -> WorkOut:
    # A hot public read: the whole of it in one trip through the thread pool.
    out = await in_transaction(read_sessions(request), _work_page, work_id)
    response.headers["ETag"] = etag(out.version)
    return out


def _work_page(db: Session, work_id: str) -> WorkOut:
    return views.work_page_out(works.get_work_page(db, work_id))


@router.patch("/works/{work_id}", response_model=WorkOut, tags=["works"], responses=UPDATE)
def update_work(db: DB, caller: Caller, work_id: str, body: WorkUpdate, if_match: IfMatch,
                response: Response) -> WorkOut:
    """Send the version you read (If-Match or `version`); a stale one gets 412."""
    work = works.update_work(db, caller, work_id, body, if_match)
    response.headers["ETag"] = etag(work.version)
    return views.work_out(db, work)


@router.get("/works/{work_id}/holdings", response_model=Page[HoldingOut], tags=["holdings"], responses=PUBLIC)
def list_holdings(db: DB, viewer: MaybeCaller, work_id: str, offset: Offset = 0, limit: Limit = 50,
                  include_withdrawn: bool = False, include_claims: bool = False) -> Page[HoldingOut]:
    """Who holds which rights in this work, oldest first. `include_claims` adds the pending and
    rejected claims the caller may see (its own; all of them for the work's managers)."""
    rows = claims.holdings_of_work(db, viewer, work_id, include_withdrawn=include_withdrawn,
                                   include_claims=include_claims)
    page = views.holdings_out(db, rows[offset : offset + limit])
    return Page(items=page, total=len(rows), offset=offset, limit=limit)


@router.post("/works/{work_id}/holdings", response_model=HoldingOut, status_code=201, tags=["holdings"],
             responses=WRITE)
def create_holding(db: DB, caller: RightsManagerCaller, work_id: str, body: HoldingCreate) -> HoldingOut:
    """Register who holds which right; requires the holder's warranty. Over-claims are flagged.
    On a work the caller does not manage, the holding is a pending claim (`status: pending`)
    that grants nothing until the work's managers or the operator accept it."""
    return views.holdings_out(db, [holdings.create_holding(db, caller, work_id, body)])[0]


@router.get("/holdings/{holding_id}", response_model=HoldingOut, tags=["holdings"], responses=PUBLIC)
def get_holding(db: DB, viewer: MaybeCaller, holding_id: str, response: Response) -> HoldingOut:
    """A claim shows only to its claimant, the work's managers and the operator."""
    holding = claims.visible_holding(db, viewer, holding_id)
    response.headers["ETag"] = etag(holding.version)
    return views.holdings_out(db, [holding])[0]


@router.patch("/holdings/{holding_id}", response_model=HoldingOut, tags=["holdings"], responses=UPDATE)
def update_holding(db: DB, caller: RightsManagerCaller, holding_id: str, body: HoldingUpdate, if_match: IfMatch,
                   response: Response) -> HoldingOut:
    holding = holdings.update_holding(db, caller, holding_id, body, if_match)
    response.headers["ETag"] = etag(holding.version)
    return views.holdings_out(db, [holding])[0]


@router.post("/holdings/{holding_id}/withdraw", response_model=HoldingOut, tags=["holdings"],
             responses=UPDATE)
def withdraw_holding(db: DB, caller: RightsManagerCaller, holding_id: str, if_match: IfMatch) -> HoldingOut:
    return views.holdings_out(db, [holdings.withdraw_holding(db, caller, holding_id, if_match)])[0]


@router.post("/holdings/{holding_id}/accept", response_model=HoldingOut, tags=["holdings"],
             responses=UPDATE)
def accept_claim(db: DB, caller: Caller, holding_id: str, if_match: IfMatch, response: Response,
                 body: ClaimAccept | None = None) -> HoldingOut:
    """A manager of the work (within the claimed rights) or the operator accepts a pending claim;
    with `manages_work` the claimant also becomes a manager. Send the version you read."""
    holding = claims.accept_claim(db, caller, holding_id, body or ClaimAccept(), if_match)
    response.headers["ETag"] = etag(holding.version)
    return views.holdings_out(db, [holding])[0]


@router.post("/holdings/{holding_id}/reject", response_model=HoldingOut, tags=["holdings"],
             responses=UPDATE)
def reject_claim(db: DB, caller: Caller, holding_id: str, if_match: IfMatch, response: Response,
                 body: ClaimReject | None = None) -> HoldingOut:
    """A manager of the work (within the claimed rights) or the operator rejects a pending claim."""
    holding = claims.reject_claim(db, caller, holding_id, body or ClaimReject(), if_match)
    response.headers["ETag"] = etag(holding.version)
    return views.holdings_out(db, [holding])[0]


@router.get("/conflicts", response_model=Page[ConflictOut], tags=["holdings"], responses=AUTHED)
def list_conflicts(db: DB, caller: Caller, offset: Offset = 0, limit: Limit = 20,
                   status: Annotated[str | None, Query(pattern="^(open|resolved)$")] = None) -> Page[ConflictOut]:
    """Conflicts you are party to, and claims on the works you manage (the operator sees all)."""
    rows, total = holdings.list_conflicts(db, caller, status, offset, limit)
    return Page(items=[views.conflict_out(c) for c in rows], total=total, offset=offset, limit=limit)


@router.post("/conflicts/{conflict_id}/resolve", response_model=ConflictOut, tags=["holdings"],
             responses=WRITE)
def resolve_conflict(db: DB, caller: OperatorCaller, conflict_id: str, body: ConflictResolve) -> ConflictOut:
    """Operator only: record how an ownership conflict was settled."""
    return views.conflict_out(holdings.resolve_conflict(db, caller, conflict_id, body.resolution))


@router.get("/audit", response_model=Page[AuditOut], tags=["audit"], responses=AUTHED)
def list_audit(db: DB, caller: Caller, offset: Offset = 0, limit: Limit = 50,
               entity_type: RefParam | None = None, entity_id: RefParam | None = None,
               actor: RefParam | None = None) -> Page[AuditOut]:
    """The append-only audit log. The operator sees everything; others see their own actions."""
    if not caller.is_operator:
        actor = caller.party_id
    rows, total = audit_repository.list_audit(db, entity_type=entity_type, entity_id=entity_id, actor=actor,
                                        offset=offset, limit=limit)
    return Page(items=[AuditOut.model_validate(r, from_attributes=True) for r in rows],
                total=total, offset=offset, limit=limit)
