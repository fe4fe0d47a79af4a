"""The owner's holdings and conflicts: its holdings (accepted, claims, refused), registering a
holding on a work (on another's work it is only a claim, opens a conflict and grants nothing until
accepted: holdings_service decides), and the open conflicts that concern it, with accept/refuse
where it manages the claimed work (claims_service)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from clearinghouse.core.shares import format_share
from clearinghouse.registry import claims_service, holdings_service, owner_service, works_service
from clearinghouse.registry.domain import Right
from clearinghouse.registry.pages import KIND_LABELS, RIGHT_LABELS, STATUS_LABELS, rights_text
from clearinghouse.registry.schemas import ClaimAccept, ClaimReject, HoldingCreate
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, form_as_body, page_router

router = page_router()

HOLDINGS_SHOWN = 50
CONFLICTS_SHOWN = 100
Text = Annotated[str, Form(max_length=2000)]


@router.get("/owner/holdings")
def my_holdings(page: Page, db: DB, person: SignedInPerson, created: str | None = None,
                offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    holdings, works, total = owner_service.holdings_of_owner(db, person.principal, offset=offset,
                                                             limit=HOLDINGS_SHOWN)
    rows = [{"holding": h, "work": works[h.work_id], "rights": rights_text(page, h.rights),
             "status": page.gettext(STATUS_LABELS.get(h.status, h.status))} for h in holdings]
    return page.render("registry/holdings.html", rows=rows, total=total, offset=offset, shown=HOLDINGS_SHOWN,
                       created=created if created in STATUS_LABELS else None)


def _holding_form(page: PageContext, db: Session, form: dict[str, Any], error: DomainError | None,
                  status: int = 200) -> Response:
    work = None
    if form["work_id"]:
        try:
            work = works_service.get_work(db, form["work_id"])
        except NotFound:
            work = None
    rights = [(r.value, page.gettext(RIGHT_LABELS.get(r.value, r.value))) for r in Right]
    return page.render("registry/new_holding.html", status_code=status, form=form, error=error, work=work,
                       rights=rights)


@router.get("/owner/holdings/new")
def holding_form(page: Page, db: DB, person: SignedInPerson,
                 work_id: Annotated[str, Query(max_length=40)] = "") -> Response:
    owner_service.require_owner(person.principal)
    return _holding_form(page, db, {"work_id": work_id, "rights": [], "share": "100", "territories": "WORLD",
                                    "warranty": False}, None)


def _holding_create(form: dict[str, Any]) -> HoldingCreate:
    """The form as the API's body, so the same validation answers; the first problem is shown."""
    body = {"rights": form["rights"], "share": form["share"].strip(),
            "territories": [t.strip().upper() for t in form["territories"].replace("，", ",").split(",") if t.strip()],
            "warranty": {"accepted": form["warranty"]}}
    return form_as_body(HoldingCreate, body)


@router.post("/owner/holdings/new")
def register_holding(page: Page, person: SignedInPerson, request: Request, work_id: Text = "",
                     rights: Annotated[list[str] | None, Form(max_length=20)] = None, share: Text = "",
                     territories: Text = "", warranty: Text = "") -> Response:
    owner_service.require_owner(person.principal)
    form = {"work_id": work_id.strip(), "rights": rights or [], "share": share, "territories": territories,
            "warranty": warranty == "yes"}
    try:
        with unit_of_work(write_sessions(request)) as db:
            holding = holdings_service.create_holding(db, person.principal, work_id.strip(),
                                                      _holding_create(form))
            status = holding.status
    except (ValidationFailed, Conflict, NotFound) as exc:
        with unit_of_work(request.app.state.read_sessions) as db:
            return _holding_form(page, db, form, exc, status=exc.status)
    return page.redirect(f"/owner/holdings?created={status}")


@router.get("/owner/conflicts")
def my_conflicts(page: Page, db: DB, person: SignedInPerson, decided: str | None = None) -> Response:
    found = owner_service.conflicts_of_owner(db, person.principal, limit=CONFLICTS_SHOWN)
    rows = [{"id": c.conflict.id, "work": c.work, "right": rights_text(page, [c.conflict.right]),
             "kind": page.gettext(KIND_LABELS.get(c.conflict.kind, c.conflict.kind)),
             "share": format_share(c.conflict.total_share_ppm), "parties": ", ".join(p.name for p in c.parties),
             "territories": ", ".join(c.conflict.territories), "claim": c.claim, "decides": c.decides}
            for c in found]
    return page.render("registry/conflicts.html", rows=rows,
                       decided=decided if decided in ("accepted", "rejected") else None)


@router.post("/owner/claims/{holding_id}/{decision}")
def decide_claim(person: SignedInPerson, request: Request, page: Page, holding_id: str, decision: str,
                 version: Annotated[int | None, Form(ge=1)] = None) -> Response:
    owner_service.require_owner(person.principal)
    if decision not in ("accept", "reject"):
        raise NotFound(f"no such decision {decision!r}")
    with unit_of_work(write_sessions(request)) as db:
        if decision == "accept":
            claims_service.accept_claim(db, person.principal, holding_id, ClaimAccept(), version)
        else:
            claims_service.reject_claim(db, person.principal, holding_id, ClaimReject(), version)
    return page.redirect(f"/owner/conflicts?decided={'accepted' if decision == 'accept' else 'rejected'}")


