"""Content claims on pages. /claims lists the claims the signed-in party stands in: an owner's
claims on its works, an uploader's or platform's claims against it, every claim for the operator.
/claims/{id} shows one with its history and the forms of the steps the visitor may take (buy the
offer, dispute, answer, escalate, decide, withdraw); /operator/disputes is the operator's queue
of contested disputes; /owner/enforcement sets the owner's policies. Every rule is the services'
(the API calls the same); another party's claim is the API's 404."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from clearinghouse.api.deps import DB, settings_of, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Forbidden
from clearinghouse.core.money import Money
from clearinghouse.enforcement import disputes, escrow, policies, repository, service
from clearinghouse.enforcement.schemas import AnswerIn, DecideIn, DisputeIn, PolicyIn
from clearinghouse.enforcement.sides import Seat, visible_claim
from clearinghouse.enforcement.tables import ContentClaim
from clearinghouse.registry import owner_service
from clearinghouse.registry import repository as registry
from clearinghouse.royalties.outcome_pages import LOCALES
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, form_as_body, page_router


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


router = page_router()
SHOWN = 50
Field = Annotated[str, Form(max_length=200)]
Text = Annotated[str, Form(max_length=4000)]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
POLICY_LABELS = {"block": N_("Block"), "track": N_("Track"), "warn": N_("Warn"),
                 "offer": N_("Offer a licence"), "monetise": N_("Monetise")}
STATUS_LABELS = {"open": N_("open"), "licensed": N_("licensed"), "released": N_("released"),
                 "upheld": N_("upheld"), "withdrawn": N_("withdrawn"), "lapsed": N_("lapsed"),
                 "awaiting_owner": N_("awaiting the owner's answer"),
                 "escalated": N_("escalated to the operator"),
                 "accepted": N_("upheld, not escalated"),
                 "decided_for_uploader": N_("decided for the uploader"),
                 "decided_for_owner": N_("decided for the owner"), "closed": N_("closed")}
REASON_LABELS = {"holds_licence": N_("I hold a licence"), "own_work": N_("It is my own work"),
                 "fair_use": N_("Fair use"), "public_domain": N_("Public domain"),
                 "not_a_match": N_("Not a match")}


def _label(page: PageContext, labels: dict[str, str], value: str | None) -> str:
    return page.gettext(labels[value]) if value in labels else (value or "—")


def _names(db: Session, party_ids: set[str | None]) -> dict[str, str]:
    return {pid: (p.name if (p := registry.get_party(db, pid)) else pid)
            for pid in party_ids if pid}


def _views(db: Session, page: PageContext, rows: list[ContentClaim]) -> list[dict[str, Any]]:
    titles = registry.works_by_ids(db, sorted({c.work_id for c in rows}))
    names = _names(db, {c.platform_id for c in rows} | {c.uploader_id for c in rows})
    found = repository.disputes_of(db, [c.id for c in rows])
    return [{"id": c.id, "work": titles[c.work_id].title if c.work_id in titles else c.work_id,
             "upload_ref": c.upload_ref, "platform": names.get(c.platform_id or "", "—"),
             "uploader": names.get(c.uploader_id or "", "—"),
             "policy": _label(page, POLICY_LABELS, c.policy),
             "status": _label(page, STATUS_LABELS, c.status),
             "dispute": _label(page, STATUS_LABELS, found[c.id].status) if c.id in found else "—"}
            for c in rows]


@router.get("/claims")
def claims(page: Page, db: DB, person: SignedInPerson, offset: Offset = 0) -> Response:
    rows, total = service.list_claims(db, person.principal, status=None, offset=offset,
                                      limit=SHOWN)
    return page.render("enforcement/claims.html", claims=_views(db, page, list(rows)),
                       total=total, offset=offset, shown=SHOWN)


@router.get("/claims/{claim_id}")
def one_claim(page: Page, db: DB, person: SignedInPerson, claim_id: str) -> Response:
    claim = service.get_claim(db, person.principal, claim_id)
    _, seats = visible_claim(db, person.principal, claim.id)
    dispute = repository.dispute_of(db, claim.id)
    [view] = _views(db, page, [claim])
    lang = LOCALES[page.lang]
    history = [{"at": e.at.strftime("%Y-%m-%d %H:%M"), "side": e.side, "event": e.event,
                "note": e.note or "",
                "amount": Money(e.currency, e.amount_minor).format(lang)
                if e.currency and e.amount_minor else ""}
               for e in repository.events_of(db, claim.id)]
    held = [Money(c, m).format(lang) for c, m in escrow.held(db, claim.id).items()]
    owner = Seat.OWNER in seats
    uploader = bool(seats & {Seat.UPLOADER, Seat.PLATFORM})
    status = dispute.status if dispute else None
    return page.render(
        "enforcement/claim.html", claim=claim, view=view, history=history, held=held,
        dispute=dispute, dispute_status=_label(page, STATUS_LABELS, status),
        reason=_label(page, REASON_LABELS, dispute.reason if dispute else None),
        reasons=[(k, page.gettext(v)) for k, v in REASON_LABELS.items()],
        can_buy=uploader and claim.quote_id is not None and claim.status in ("open", "upheld"),
        can_dispute=uploader and dispute is None and claim.status == "open",
        can_answer=owner and status == "awaiting_owner",
        can_escalate=uploader and status == "upheld",
        can_decide=Seat.OPERATOR in seats and status == "escalated",
        can_withdraw=owner and claim.status in ("open", "upheld"))


def _back(page: PageContext, claim_id: str) -> Response:
    return page.redirect(f"/claims/{claim_id}")


@router.post("/claims/{claim_id}/buy")
def buy(page: Page, request: Request, person: SignedInPerson, claim_id: str) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        service.buy(db, person.principal, claim_id, settings_of(request))
    return _back(page, claim_id)


@router.post("/claims/{claim_id}/dispute")
def dispute(page: Page, request: Request, person: SignedInPerson, claim_id: str,
            reason: Field = "", evidence: Text = "") -> Response:
    data = form_as_body(DisputeIn, {"reason": reason, "evidence": evidence})
    with unit_of_work(write_sessions(request)) as db:
        disputes.open_dispute(db, person.principal, claim_id, reason=data.reason,
                              evidence=data.evidence,
                              answer_days=settings_of(request).dispute_answer_days)
    return _back(page, claim_id)


@router.post("/claims/{claim_id}/answer")
def answer(page: Page, request: Request, person: SignedInPerson, claim_id: str,
           decision: Field = "", note: Text = "") -> Response:
    data = form_as_body(AnswerIn, {"decision": decision, "note": note.strip() or None})
    with unit_of_work(write_sessions(request)) as db:
        disputes.answer(db, person.principal, claim_id, uphold=data.decision == "uphold",
                        note=data.note, answer_days=settings_of(request).dispute_answer_days)
    return _back(page, claim_id)


@router.post("/claims/{claim_id}/escalate")
def escalate(page: Page, request: Request, person: SignedInPerson, claim_id: str,
             note: Text = "") -> Response:
    with unit_of_work(write_sessions(request)) as db:
        disputes.escalate(db, person.principal, claim_id, note.strip() or None)
    return _back(page, claim_id)


@router.post("/claims/{claim_id}/decide")
def decide(page: Page, request: Request, person: SignedInPerson, claim_id: str,
           winner: Field = "", note: Text = "") -> Response:
    data = form_as_body(DecideIn, {"winner": winner, "note": note})
    with unit_of_work(write_sessions(request)) as db:
        disputes.decide(db, person.principal, claim_id, for_uploader=data.winner == "uploader",
                        note=data.note)
    return _back(page, claim_id)


@router.post("/claims/{claim_id}/withdraw")
def withdraw(page: Page, request: Request, person: SignedInPerson, claim_id: str,
             note: Text = "") -> Response:
    with unit_of_work(write_sessions(request)) as db:
        service.withdraw(db, person.principal, claim_id, note.strip() or None)
    return _back(page, claim_id)


@router.get("/operator/disputes")
def contested(page: Page, db: DB, person: SignedInPerson, offset: Offset = 0) -> Response:
    """The operator's queue: disputes escalated to it, to decide."""
    if not person.principal.is_operator:
        raise Forbidden("only the operator decides contested disputes")
    rows, total = disputes.list_disputes(db, person.principal, status="escalated",
                                         offset=offset, limit=SHOWN)
    claims_of = {d.claim_id: repository.claim(db, d.claim_id) for d in rows}
    views = _views(db, page, [c for c in claims_of.values() if c is not None])
    by_claim = {v["id"]: v for v in views}
    items = [{"claim": by_claim.get(d.claim_id), "reason": _label(page, REASON_LABELS, d.reason),
              "owner_note": d.owner_note or "", "claim_id": d.claim_id} for d in rows]
    return page.render("enforcement/contested.html", items=items, total=total)


@router.get("/owner/enforcement")
def owner_policies(page: Page, db: DB, person: SignedInPerson) -> Response:
    owner_service.require_owner(person.principal)
    rows = policies.policies_of(db, person.principal)
    titles = registry.works_by_ids(db, sorted({p.work_id for p in rows if p.work_id}))
    works, _ = owner_service.works_of_owner(db, person.principal, offset=0, limit=200)
    views = [{"work": titles[p.work_id].title if p.work_id in titles else page.gettext(
                  N_("All my works (default)")),
              "territory": p.territory or page.gettext(N_("Everywhere")),
              "policy": _label(page, POLICY_LABELS, p.policy)} for p in rows]
    return page.render("enforcement/policies.html", policies=views, works=works,
                       choices=[(k, page.gettext(v)) for k, v in POLICY_LABELS.items()])


@router.post("/owner/enforcement")
def set_policy(page: Page, request: Request, person: SignedInPerson, work_id: Field = "",
               territory: Field = "", policy: Field = "") -> Response:
    data = form_as_body(PolicyIn, {"work_id": work_id.strip() or None,
                                   "territory": territory.strip() or None, "policy": policy})
    with unit_of_work(write_sessions(request)) as db:
        policies.set_policy(db, person.principal, work_id=data.work_id,
                            territory=data.territory, policy=data.policy)
    return page.redirect("/owner/enforcement")
