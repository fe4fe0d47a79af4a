"""Unlicensed use turned into action on pages. The owner lists the period's unlicensed use of its
works per user, channel and territory (/owner/unlicensed/uses), opens one use with its evidence
and offers its user a licence or records a claim; the party that reported the use sees what is
addressed to it (/reported-use) and accepts an offer or disputes a claim. Every rule is
service.py's (the API calls the same); another party's offer or claim is the API's 404."""

from __future__ import annotations

from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from clearinghouse.api.deps import DB, settings_of, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.money import Money
from clearinghouse.registry import owner_service
from clearinghouse.registry import repository as registry
from clearinghouse.royalties import outcome_reading
from clearinghouse.royalties.outcome_pages import LOCALES, REASON_LABELS
from clearinghouse.royalties.unlicensed import evidence, service
from clearinghouse.royalties.unlicensed.domain import UseKey
from clearinghouse.royalties.unlicensed.schemas import ClaimCreate, DisputeIn, OfferCreate
from clearinghouse.royalties.unlicensed.tables import UnlicensedAction
from clearinghouse.usage.lake import Lake
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, form_as_body, page_router


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


router = page_router()
SHOWN = 50
Field = Annotated[str, Form(max_length=200)]
Note = Annotated[str, Form(max_length=4000)]
Period = Annotated[str, Query(max_length=7, pattern=r"^(\d{4}-\d{2})?$")]
Short = Annotated[str, Query(max_length=40)]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
KIND_LABELS = {"offer": N_("Licence offer"), "claim": N_("Claim")}
STATUS_LABELS = {"open": N_("open"), "accepted": N_("accepted"), "settled": N_("settled"),
                 "withdrawn": N_("withdrawn"), "disputed": N_("disputed")}


def _reason_label(reason: str) -> str:
    labels: dict[str, str] = {str(k): v for k, v in REASON_LABELS.items()}
    return labels.get(reason, reason)


def _lake(request: Request) -> Lake:
    return Lake(request.app.state.settings.lake_dir)


def _number(page: PageContext, value: int) -> str:
    return format_decimal(value, locale=LOCALES[page.lang])


def _names(db: Session, party_ids: set[str]) -> dict[str, str]:
    return {pid: (p.name if (p := registry.get_party(db, pid)) else pid) for pid in party_ids}


def _action_view(page: PageContext, a: UnlicensedAction, titles: dict[str, Any],
                 names: dict[str, str]) -> dict[str, Any]:
    return {"id": a.id, "kind": a.kind, "kind_label": page.gettext(KIND_LABELS[a.kind]),
            "status": a.status, "status_label": page.gettext(STATUS_LABELS.get(a.status, a.status)),
            "work": titles[a.work_id].title if a.work_id in titles else a.work_id,
            "holder": names.get(a.holder_id, a.holder_id), "user": names.get(a.user_id, a.user_id),
            "holder_id": a.holder_id, "user_id": a.user_id, "period": a.period,
            "channel": a.channel or "—", "territory": a.territory, "quote_id": a.quote_id,
            "license_id": a.license_id, "note": a.note,
            "plays": _number(page, int(a.evidence.get("plays", 0))),
            "amount": Money(a.currency, a.amount_minor).format(LOCALES[page.lang])}


def _actions(db: Session, page: PageContext, person_party: str, offset: int = 0
             ) -> tuple[list[dict[str, Any]], int]:
    rows, total = service.actions_of(db, page.signed_in.principal, offset=offset, limit=SHOWN) \
        if page.signed_in else ([], 0)
    titles = registry.works_by_ids(db, sorted({a.work_id for a in rows}))
    names = _names(db, {a.holder_id for a in rows} | {a.user_id for a in rows})
    return [_action_view(page, a, titles, names) for a in rows], total


@router.get("/owner/unlicensed/uses")
def uses(page: Page, request: Request, db: DB, person: SignedInPerson, period: Period = "",
         offset: Offset = 0) -> Response:
    """The period's unlicensed use of the owner's works, one row per user, channel, territory."""
    work_ids = owner_service.work_ids_of_owner(db, person.principal)  # an owner only (403)
    lake = _lake(request)
    periods = outcome_reading.periods_with(lake, outcome_reading.UNLICENSED)
    chosen = period or (periods[0] if periods else "")
    rows, total = evidence.uses_of_works(lake, chosen, work_ids, offset, SHOWN) if chosen \
        else ([], 0)
    titles = registry.works_by_ids(db, sorted({r["work_id"] for r in rows}))
    names = _names(db, {r["user_id"] for r in rows})
    views = [{**r, "title": titles[r["work_id"]].title if r["work_id"] in titles else r["work_id"],
              "user": names[r["user_id"]], "plays_text": _number(page, r["plays"]),
              "copies_text": _number(page, r["copies"]), "channel_text": r["channel"] or "—"}
             for r in rows]
    actions, _ = _actions(db, page, person.principal.party_id)
    mine = [a for a in actions if a["holder_id"] == person.principal.party_id]
    return page.render("unlicensed/uses.html", period=chosen, periods=periods, rows=views,
                       total=total, offset=offset, shown=SHOWN, actions=mine)


@router.get("/owner/unlicensed/use")
def one_use(page: Page, request: Request, db: DB, person: SignedInPerson, period: Period,
            work_id: Short, user_id: Short, territory: Short, channel: Short = "") -> Response:
    """One use with its evidence, and the two forms: offer a licence, record a claim."""
    owner_service.owned_work(db, person.principal, work_id)
    key = UseKey(period, work_id, user_id, channel or None, territory.upper())
    found = evidence.evidence_of(_lake(request), key)
    work = registry.get_work(db, work_id)
    use = {"period": period, "work_id": work_id, "user_id": user_id, "channel": channel,
           "territory": key.territory, "title": work.title if work else work_id,
           "user": _names(db, {user_id})[user_id]}
    facts = None
    if found is not None:
        facts = {"lines": _number(page, found.lines), "plays": _number(page, found.plays),
                 "copies": _number(page, found.copies), "first_day": found.first_day.isoformat(),
                 "last_day": found.last_day.isoformat(),
                 "reasons": ", ".join(page.gettext(_reason_label(r)) for r in found.reasons),
                 "revenue": ", ".join(Money(c, m).format(LOCALES[page.lang])
                                      for c, m in sorted(found.revenue.items())) or "—",
                 "nearest": found.nearest_license_ids, "reports": ", ".join(found.report_ids)}
    return page.render("unlicensed/use.html", use=use, facts=facts)


def _use_body(period: str, work_id: str, user_id: str, channel: str, territory: str,
              seconds: str) -> dict[str, Any]:
    body: dict[str, Any] = {"period": period.strip(), "work_id": work_id.strip(),
                            "user_id": user_id.strip(), "channel": channel.strip() or None,
                            "territory": territory.strip()}
    if seconds.strip():
        body["seconds"] = int(seconds) if seconds.strip().isdigit() else seconds
    return body


@router.post("/owner/unlicensed/offers")
def make_offer(page: Page, request: Request, person: SignedInPerson, period: Field = "",
               work_id: Field = "", user_id: Field = "", channel: Field = "",
               territory: Field = "", seconds: Field = "", price: Field = "") -> Response:
    body = _use_body(period, work_id, user_id, channel, territory, seconds)
    data = form_as_body(OfferCreate, body | ({"price": price.strip()} if price.strip() else {}))
    with unit_of_work(write_sessions(request)) as db:
        service.make_offer(db, person.principal, _lake(request), data)
    return page.redirect(f"/owner/unlicensed/uses?period={data.period}#actions")


@router.post("/owner/unlicensed/claims")
def make_claim(page: Page, request: Request, person: SignedInPerson, period: Field = "",
               work_id: Field = "", user_id: Field = "", channel: Field = "",
               territory: Field = "", seconds: Field = "", amount: Field = "") -> Response:
    body = _use_body(period, work_id, user_id, channel, territory, seconds)
    data = form_as_body(ClaimCreate, body | ({"amount": amount.strip()} if amount.strip() else {}))
    with unit_of_work(write_sessions(request)) as db:
        service.make_claim(db, person.principal, _lake(request), data)
    return page.redirect(f"/owner/unlicensed/uses?period={data.period}#actions")


@router.post("/owner/unlicensed/actions/{action_id}/withdraw")
def withdraw(page: Page, request: Request, person: SignedInPerson, action_id: str) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        period = service.withdraw(db, person.principal, action_id).period
    return page.redirect(f"/owner/unlicensed/uses?period={period}#actions")


@router.get("/reported-use")
def addressed(page: Page, db: DB, person: SignedInPerson, offset: Offset = 0) -> Response:
    """Offers and claims on use the signed-in party reported."""
    actions, total = _actions(db, page, person.principal.party_id, offset)
    mine = [a for a in actions if a["user_id"] == person.principal.party_id]
    return page.render("unlicensed/addressed.html", actions=mine, total=total, offset=offset,
                       shown=SHOWN)


@router.post("/reported-use/{action_id}/accept")
def accept(page: Page, request: Request, person: SignedInPerson, action_id: str) -> Response:
    with unit_of_work(write_sessions(request)) as db:
        license_id = service.accept(db, person.principal, action_id, settings_of(request)).license_id
    return page.redirect(f"/licences/{license_id}")


@router.post("/reported-use/{action_id}/dispute")
def dispute(page: Page, request: Request, person: SignedInPerson, action_id: str,
            note: Note = "") -> Response:
    data = form_as_body(DisputeIn, {"note": note})
    with unit_of_work(write_sessions(request)) as db:
        service.dispute(db, person.principal, action_id, data.note)
    return page.redirect("/reported-use#actions")
