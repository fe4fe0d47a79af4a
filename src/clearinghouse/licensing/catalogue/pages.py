"""The owner's rate cards: its offers per licence template, creating one and changing or
withdrawing it within the API's bounds (catalogue/offers.py decides; the form is read into the
API's own bodies). What a buyer would pay is the quotes' page (quotes/preview_pages.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from clearinghouse.api.deps import DB, write_sessions
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import DomainError, NotFound, StaleVersion, ValidationFailed
from clearinghouse.core.money import Money, MoneyError
from clearinghouse.licensing.catalogue import offers as offers_service
from clearinghouse.licensing.catalogue import templates as templates_service
from clearinghouse.licensing.catalogue.offer_schemas import OfferCreate, OfferUpdate
from clearinghouse.licensing.tables import LicenseTemplate, Offer
from clearinghouse.registry import owner_service
from clearinghouse.registry.domain import Right
from clearinghouse.registry.pages import RIGHT_LABELS
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, form_as_body, page_router

router = page_router()
LOCALES = {"zh": "zh_CN", "en": "en"}
OFFERS_SHOWN = 200
Text = Annotated[str, Form(max_length=2000)]
LongText = Annotated[str, Form(max_length=30_000)]
Rights = Annotated[list[str] | None, Form(max_length=20)]
# The amounts a page sets, in major units as a person types them; the rest keep their API values.
AMOUNTS = ("fixed_fee", "per_1000_plays")


def _template_name(page: PageContext, template: LicenseTemplate) -> str:
    return template.name_zh if page.lang == "zh" else template.name_en


def _money(page: PageContext, currency: str, minor: int | None) -> str | None:
    return None if minor is None else Money(currency, minor).format(LOCALES[page.lang])


def _offer_view(page: PageContext, offer: Offer, templates: dict[str, LicenseTemplate]) -> dict[str, Any]:
    template = templates.get(offer.template_id)
    return {"offer": offer, "template": _template_name(page, template) if template else offer.template_id,
            "rights": ", ".join(page.gettext(RIGHT_LABELS.get(r, r)) for r in offer.rights),
            "fixed_fee": _money(page, offer.currency, offer.fixed_fee_minor),
            "per_1000_plays": _money(page, offer.currency, offer.per_1000_plays_minor)}


def _templates(db: Session) -> dict[str, LicenseTemplate]:
    rows, _ = templates_service.list_templates(db, active=None, purpose=None, offset=0, limit=500)
    return {t.id: t for t in rows}


@router.get("/owner/rate-cards")
def rate_cards(page: Page, db: DB, person: SignedInPerson, saved: str | None = None) -> Response:
    owner_service.require_owner(person.principal)
    offers, _ = offers_service.list_offers(db, person.principal, holder_id=person.principal.party_id,
                                           status="active", offset=0, limit=OFFERS_SHOWN)
    templates = _templates(db)
    groups: dict[str, list[dict[str, Any]]] = {}
    for offer in offers:  # one group per licence template, in the templates' order
        groups.setdefault(offer.template_id, []).append(_offer_view(page, offer, templates))
    ordered = [(_template_name(page, templates[t]) if t in templates else t, groups[t])
               for t in sorted(groups, key=lambda t: templates[t].code if t in templates else t)]
    return page.render("catalogue/rate_cards.html", groups=ordered,
                       saved=saved if saved in ("created", "changed", "withdrawn") else None)


def _minor(form: dict[str, Any], name: str) -> int | None:
    text = str(form[name]).strip().replace(",", "")
    if not text:
        return None
    try:
        return Money.from_decimal(form["currency"].strip().upper() or "CNY", Decimal(text)).minor
    except (MoneyError, ArithmeticError) as exc:
        raise ValidationFailed(f"{name}: {exc}", field=f"{name}_minor") from exc


def _body(form: dict[str, Any]) -> dict[str, Any]:
    """The price fields as the API names them (minor units); empty ones are left out."""
    body: dict[str, Any] = {"currency": form["currency"].strip().upper(), "rights": form["rights"]}
    for name in AMOUNTS:
        body[f"{name}_minor"] = _minor(form, name)
    share = form["revenue_share_pct"].strip()
    body["revenue_share_pct"] = share or None
    return body


def _offer_create(form: dict[str, Any]) -> OfferCreate:
    body = _body(form) | {"template_id": form["template_id"], "scope": form["scope"],
                          "declined": form["declined"],
                          "work_ids": [w.strip() for w in form["work_ids"].split() if w.strip()]}
    if body["declined"]:
        body = {k: v for k, v in body.items() if not k.endswith("_minor") and k != "revenue_share_pct"}
    return form_as_body(OfferCreate, {k: v for k, v in body.items() if v is not None})


def _choices(page: PageContext, db: Session) -> dict[str, Any]:
    rows, _ = templates_service.list_templates(db, active=True, purpose=None, offset=0, limit=500)
    return {"templates": [(t.id, _template_name(page, t)) for t in rows],
            "rights": [(r.value, page.gettext(RIGHT_LABELS.get(r.value, r.value))) for r in Right]}


def _new_form(page: PageContext, db: Session, form: dict[str, Any], error: DomainError | None,
              status: int = 200) -> Response:
    return page.render("catalogue/new_offer.html", status_code=status, form=form, error=error,
                       **_choices(page, db))


@router.get("/owner/rate-cards/new")
def new_offer_form(page: Page, db: DB, person: SignedInPerson, work_id: str = "") -> Response:
    owner_service.require_owner(person.principal)
    form = {"template_id": "", "rights": [], "scope": "works" if work_id else "catalogue",
            "work_ids": work_id[:40], "currency": "CNY", "fixed_fee": "", "per_1000_plays": "",
            "revenue_share_pct": "", "declined": False}
    return _new_form(page, db, form, None)


@router.post("/owner/rate-cards/new")
def create_offer(page: Page, person: SignedInPerson, request: Request, template_id: Text = "",
                 rights: Rights = None, scope: Text = "catalogue", work_ids: LongText = "", currency: Text = "",
                 fixed_fee: Text = "", per_1000_plays: Text = "", revenue_share_pct: Text = "",
                 declined: Text = "") -> Response:
    owner_service.require_owner(person.principal)
    form = {"template_id": template_id, "rights": rights or [], "scope": scope, "work_ids": work_ids,
            "currency": currency, "fixed_fee": fixed_fee, "per_1000_plays": per_1000_plays,
            "revenue_share_pct": revenue_share_pct, "declined": declined == "yes"}
    try:
        with unit_of_work(write_sessions(request)) as db:
            offers_service.create_offer(db, person.principal, _offer_create(form))
    except (ValidationFailed, NotFound) as exc:
        with unit_of_work(request.app.state.read_sessions) as db:
            return _new_form(page, db, form, exc, status=exc.status)
    return page.redirect("/owner/rate-cards?saved=created")


def _major(offer: Offer, minor: int | None) -> str:
    return "" if minor is None else str(Money(offer.currency, minor).to_decimal())


def _edit_values(offer: Offer) -> dict[str, Any]:
    return {"rights": list(offer.rights), "currency": offer.currency,
            "fixed_fee": _major(offer, offer.fixed_fee_minor),
            "per_1000_plays": _major(offer, offer.per_1000_plays_minor),
            "revenue_share_pct": offer.revenue_share_pct or "", "version": str(offer.version)}


def _edit_form(page: PageContext, db: Session, offer: Offer, form: dict[str, Any], error: DomainError | None,
               status: int = 200) -> Response:
    templates = _templates(db)
    return page.render("catalogue/edit_offer.html", status_code=status, form=form, error=error,
                       view=_offer_view(page, offer, templates), **_choices(page, db))


def _own_offer(db: Session, person: Any, offer_id: str) -> Offer:
    """The owner's own offer; another's is refused as the API refuses changing it."""
    owner_service.require_owner(person.principal)
    offer = offers_service.get_offer(db, offer_id)
    offers_service.require_may_price(person.principal, offer.holder_id, offer.rights)
    return offer


@router.get("/owner/rate-cards/{offer_id}")
def edit_offer_form(page: Page, db: DB, person: SignedInPerson, offer_id: str) -> Response:
    offer = _own_offer(db, person, offer_id)
    return _edit_form(page, db, offer, _edit_values(offer), None)


def _version(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


@router.post("/owner/rate-cards/{offer_id}")
def change_offer(page: Page, person: SignedInPerson, request: Request, offer_id: str, rights: Rights = None,
                 currency: Text = "", fixed_fee: Text = "", per_1000_plays: Text = "",
                 revenue_share_pct: Text = "", version: Text = "", action: Text = "save") -> Response:
    form = {"rights": rights or [], "currency": currency, "fixed_fee": fixed_fee,
            "per_1000_plays": per_1000_plays, "revenue_share_pct": revenue_share_pct, "version": version}
    try:
        with unit_of_work(write_sessions(request)) as db:
            _own_offer(db, person, offer_id)
            if action == "withdraw":
                offers_service.withdraw_offer(db, person.principal, offer_id, _version(version))
            else:
                offers_service.update_offer(db, person.principal, offer_id,
                                            form_as_body(OfferUpdate, _body(form)), _version(version))
    except (ValidationFailed, StaleVersion) as exc:
        with unit_of_work(request.app.state.read_sessions) as db:
            return _edit_form(page, db, offers_service.get_offer(db, offer_id), form, exc, status=exc.status)
    return page.redirect(f"/owner/rate-cards?saved={'withdrawn' if action == 'withdraw' else 'changed'}")

