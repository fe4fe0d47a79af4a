"""The pages of usage claims: the owner's "Unmatched usage — claim yours" (search the unmatched
report, claim an item with evidence, its own claims with their status and a withdraw button) and
the operator's queue of pending claims (accept, or reject with a reason). The rules are the
service's; these pages only show and ask."""

from __future__ import annotations

from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import Form, Query, Request
from fastapi.responses import Response

from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.console.guard import OperatorPerson
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import DomainError
from clearinghouse.core.money import Money
from clearinghouse.registry import owner_service
from clearinghouse.registry import repository as registry
from clearinghouse.royalties.claims import domain, service, unmatched_items
from clearinghouse.royalties.claims.schemas import ClaimCreate, ClaimDecision
from clearinghouse.royalties.claims.tables import UsageClaim
from clearinghouse.royalties.outcome_pages import LOCALES, REASON_LABELS
from clearinghouse.royalties.run_job import start_run
from clearinghouse.usage.lake import Lake
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, form_as_body, page_router


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


router = page_router()
FOUND_SHOWN, CLAIMS_SHOWN, WORKS_OFFERED = 20, 50, 100
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
PeriodParam = Annotated[str, Query(max_length=7, pattern=r"^(\d{4}-\d{2})?$")]
SearchText = Annotated[str, Query(max_length=100)]
ItemText = Annotated[str, Query(max_length=domain.MAX_TITLE)]
FormText = Annotated[str, Form(max_length=domain.MAX_EVIDENCE)]
STATUS_LABELS: dict[str, str] = {
    domain.ClaimStatus.PENDING: N_("awaiting the operator"),
    domain.ClaimStatus.ACCEPTED: N_("accepted"),
    domain.ClaimStatus.REJECTED: N_("rejected"),
    domain.ClaimStatus.WITHDRAWN: N_("withdrawn"),
}
REJECT_LABELS: dict[str, str] = {
    domain.RejectReason.CLAIMED_BY_ANOTHER: N_("another claim on this item was accepted"),
    domain.RejectReason.INSUFFICIENT_EVIDENCE: N_("the evidence is not enough"),
    domain.RejectReason.NOT_THE_WORK: N_("the evidence shows another work"),
    domain.RejectReason.OTHER: N_("another reason (see the note)"),
}


def _lake(request: Request) -> Lake:
    return Lake(request.app.state.settings.lake_dir)


def _item_row(page: PageContext, row: dict[str, Any]) -> dict[str, Any]:
    money = row["revenue_minor"]
    return {**row, "reason_text": page.gettext(REASON_LABELS.get(row["reason"], row["reason"])),
            "plays_text": format_decimal(row["plays"], locale=LOCALES[page.lang]),
            "amount": Money(row["currency"], money).format(LOCALES[page.lang])
            if money is not None and row["currency"] else "—"}


def _claim_rows(page: PageContext, db: Any, claims: list[UsageClaim]) -> list[dict[str, Any]]:
    works = registry.works_by_ids(db, sorted({c.work_id for c in claims}))
    return [{"claim": c, "work": works.get(c.work_id),
             "status": page.gettext(STATUS_LABELS.get(c.status, c.status)),
             "decision": page.gettext(REJECT_LABELS[c.decision_reason])
             if c.decision_reason in REJECT_LABELS else ""} for c in claims]


@router.get("/owner/usage-claims")
def owner_claims(page: Page, request: Request, db: DB, person: SignedInPerson, q: SearchText = "",
                 period: PeriodParam = "", offset: Offset = 0, done: str | None = None) -> Response:
    """Search the unmatched report for your works, and your claims with their status."""
    owner_service.require_owner(person.principal)
    lake = _lake(request)
    periods = unmatched_items.periods(lake)
    chosen = period or (periods[0] if periods else "")
    found = unmatched_items.search(lake, chosen, q.strip(), offset, FOUND_SHOWN) if chosen else \
        unmatched_items.Found([], 0)
    claims, total = service.list_claims(db, person.principal, status=None, offset=0,
                                        limit=CLAIMS_SHOWN)
    return page.render("claims/owner.html", q=q, period=chosen, periods=periods,
                       items=[_item_row(page, r) for r in found.rows], found=found.total,
                       offset=offset, shown=FOUND_SHOWN, claims=_claim_rows(page, db, claims),
                       claims_total=total, done=done if done in ("created", "withdrawn") else None)


def _claim_form(page: PageContext, db: Any, person: Any, form: dict[str, Any],
                error: DomainError | None = None) -> Response:
    works, _ = owner_service.works_of_owner(db, person.principal, offset=0, limit=WORKS_OFFERED)
    return page.render("claims/new.html", status_code=error.status if error else 200, form=form,
                       error=error, works=[w.work for w in works],
                       reason_text=page.gettext(REASON_LABELS.get(form["reason"], form["reason"])))


@router.get("/owner/usage-claims/new")
def claim_form(page: Page, db: DB, person: SignedInPerson, period: PeriodParam = "",
               reason: Annotated[str, Query(max_length=30)] = "", identifier: ItemText = "",
               title: ItemText = "") -> Response:
    owner_service.require_owner(person.principal)
    return _claim_form(page, db, person, {"period": period, "reason": reason,
                                          "identifier": identifier, "title": title, "work_id": "",
                                          "evidence": "", "evidence_file": ""})


@router.post("/owner/usage-claims/new")
def claim(page: Page, request: Request, person: SignedInPerson, period: FormText = "",
          reason: FormText = "", identifier: FormText = "", title: FormText = "",
          work_id: FormText = "", evidence: FormText = "", evidence_file: FormText = "") -> Response:
    owner_service.require_owner(person.principal)
    form = {"period": period, "reason": reason, "identifier": identifier, "title": title,
            "work_id": work_id, "evidence": evidence, "evidence_file": evidence_file}
    try:
        body = form_as_body(ClaimCreate, {k: v or None for k, v in form.items()})
        with unit_of_work(write_sessions(request)) as db:
            service.create_claim(db, person.principal, _lake(request), body)
    except DomainError as exc:
        with unit_of_work(request.app.state.read_sessions) as db:
            return _claim_form(page, db, person, form, exc)
    return page.redirect("/owner/usage-claims?done=created")


@router.post("/owner/usage-claims/{claim_id}/withdraw")
def withdraw(page: Page, request: Request, person: SignedInPerson, claim_id: str) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        service.withdraw(db, person.principal, claim_id)
    return page.redirect("/owner/usage-claims?done=withdrawn")


@router.get("/operator/usage-claims")
def queue(page: Page, db: DB, person: OperatorPerson, offset: Offset = 0,
          decided: Annotated[str, Query(max_length=20)] = "",
          period: PeriodParam = "") -> Response:
    """Pending usage claims, newest first: accept one, or reject it with a reason."""
    claims, total = service.list_claims(db, person.principal, status=domain.ClaimStatus.PENDING,
                                        offset=offset, limit=CLAIMS_SHOWN)
    names = {c.claimant_id: party.name for c in claims
             if (party := registry.get_party(db, c.claimant_id)) is not None}
    reasons = [(code, page.gettext(label)) for code, label in REJECT_LABELS.items()]
    return page.render("claims/queue.html", claims=_claim_rows(page, db, claims), names=names,
                       total=total, offset=offset, shown=CLAIMS_SHOWN, reasons=reasons,
                       decided=decided if decided in ("accepted", "rejected", "closed") else "",
                       period=period)


@router.post("/operator/usage-claims/{claim_id}/decision")
def decide(page: Page, request: Request, person: OperatorPerson, claim_id: str,
           decision: Annotated[str, Form(max_length=10)] = "",
           reason: Annotated[str, Form(max_length=40)] = "",
           note: Annotated[str, Form(max_length=domain.MAX_NOTE)] = "") -> Response:
    body = form_as_body(ClaimDecision, {"decision": decision, "reason": reason or None,
                                        "note": note or None})
    with unit_of_work(write_sessions(request)) as db:
        decided = service.decide(db, person.principal, claim_id, body)
        outcome = "closed" if decided.period_closed else decided.claim.status
        period = decided.claim.period
    if decided.rerun_needed:  # the item is matched and paid by this run, no further step
        start_run(request.app.state, person.principal, period)
    return page.redirect(f"/operator/usage-claims?decided={outcome}&period={period}")
