"""The console's conflicts queue (claims on another's work, decided through
registry/claims_service.py; over-claims settled through holdings_service.py) and the audit log
(core/audit.py), paged and filtered by actor, object and action."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.console.guard import PAGE_SIZE, OperatorPerson
from clearinghouse.core import audit_repository
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.shares import format_share
from clearinghouse.registry import claims_service, holdings_service, repository, views
from clearinghouse.registry.domain import ConflictKind
from clearinghouse.registry.schemas import ClaimAccept, ClaimReject
from clearinghouse.registry.tables import OwnershipConflict
from clearinghouse.web.pages import Page, page_router

router = page_router()
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Ref = Annotated[str, Query(max_length=60)]
Note = Annotated[str, Form(max_length=2000)]
AUDIT_PAGE_SIZE = 50


def _conflict_rows(db: Session, principal: Principal, rows: list[OwnershipConflict]) -> list[dict[str, Any]]:
    works = repository.works_by_ids(db, sorted({c.work_id for c in rows}))
    names: dict[str, str] = {}
    for party_id in sorted({p for c in rows for p in c.party_ids}):
        party = repository.get_party(db, party_id)
        names[party_id] = party.name if party else party_id
    shown = []
    for c in rows:
        claim = None
        if c.kind == ConflictKind.CLAIM:
            holding = claims_service.visible_holding(db, principal, c.holding_ids[0])
            claim = views.holdings_out(db, [holding])[0]
        work = works.get(c.work_id)
        shown.append({"conflict": c, "title": work.title if work else c.work_id, "claim": claim,
                      "parties": ", ".join(names[p] for p in c.party_ids),
                      "total": format_share(c.total_share_ppm)})
    return shown


@router.get("/operator/conflicts")
def conflicts(page: Page, db: DB, person: OperatorPerson, offset: Offset = 0,
              done: str | None = None) -> Response:
    rows, total = holdings_service.list_conflicts(db, person.principal, "open", offset, PAGE_SIZE)
    return page.render("console/conflicts.html", rows=_conflict_rows(db, person.principal, rows),
                       total=total, offset=offset, shown=PAGE_SIZE, done=done)


@router.post("/operator/claims/{holding_id}/accept")
def accept_claim(page: Page, request: Request, person: OperatorPerson, holding_id: str,
                 version: Annotated[int, Form()], note: Note = "") -> Response:
    with unit_of_work(write_sessions(request)) as db:
        claims_service.accept_claim(db, person.principal, holding_id,
                                    ClaimAccept(note=note or None), version)
    return page.redirect("/operator/conflicts?done=accepted")


@router.post("/operator/claims/{holding_id}/refuse")
def refuse_claim(page: Page, request: Request, person: OperatorPerson, holding_id: str,
                 version: Annotated[int, Form()], note: Note = "") -> Response:
    with unit_of_work(write_sessions(request)) as db:
        claims_service.reject_claim(db, person.principal, holding_id,
                                    ClaimReject(note=note or None), version)
    return page.redirect("/operator/conflicts?done=refused")


@router.post("/operator/conflicts/{conflict_id}/resolve")
def resolve_conflict(page: Page, request: Request, person: OperatorPerson, conflict_id: str,
                     resolution: Annotated[str, Form(min_length=1, max_length=2000)]) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        holdings_service.resolve_conflict(db, person.principal, conflict_id, resolution.strip())
    return page.redirect("/operator/conflicts?done=resolved")


def _compact(state: dict[str, Any] | None) -> str:
    return json.dumps(state, ensure_ascii=False, sort_keys=True)[:2000] if state else ""


@router.get("/operator/audit")
def audit_log(page: Page, db: DB, person: OperatorPerson, offset: Offset = 0, actor: Ref = "",
              entity_type: Ref = "", entity_id: Ref = "", action: Ref = "") -> Response:
    filters = {"actor": actor.strip(), "entity_type": entity_type.strip(),
               "entity_id": entity_id.strip(), "action": action.strip()}
    rows, total = audit_repository.list_audit(db, offset=offset, limit=AUDIT_PAGE_SIZE, newest_first=True,
                                              **{k: v or None for k, v in filters.items()})
    events = [{"event": e, "before": _compact(e.before), "after": _compact(e.after)} for e in rows]
    return page.render("console/audit.html", events=events, total=total, offset=offset,
                       shown=AUDIT_PAGE_SIZE, filters=filters)
