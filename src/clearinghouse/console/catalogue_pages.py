"""The console's catalogue: license templates (names, descriptions, on sale or not), service-fee
schedules and exchange rates, through licensing/catalogue's services (templates.py, rates.py).
New templates, with their terms, are made through the API or the CLI."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import Response

from clearinghouse.api.deps import write_sessions
from clearinghouse.console.guard import OperatorPerson
from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import Conflict, DomainError, StaleVersion, ValidationFailed
from clearinghouse.licensing.catalogue import rates, templates
from clearinghouse.licensing.catalogue.offer_schemas import FeeCreate, RateCreate
from clearinghouse.licensing.catalogue.template_schemas import TemplateUpdate
from clearinghouse.web.pages import Page, PageContext, form_as_body, page_router

router = page_router()
Text = Annotated[str, Form(max_length=2000)]
TEMPLATES_SHOWN = 100
RATES_SHOWN = 50


def _catalogue_page(page: PageContext, request: Request, *, rate_offset: int = 0,
                    error: DomainError | None = None, done: str | None = None,
                    form: dict[str, str] | None = None) -> Response:
    with unit_of_work(request.app.state.read_sessions) as db:
        rows, _ = templates.list_templates(db, active=None, purpose=None, offset=0, limit=TEMPLATES_SHOWN)
        rate_rows, rate_total = rates.list_rates(db, base=None, quote=None, offset=rate_offset,
                                                 limit=RATES_SHOWN)
        fees = rates.list_fees(db)
        today = utcnow().date()
        in_force = rates.fee_schedule_on(db, today)
        return page.render("console/catalogue.html", status_code=error.status if error else 200,
                           templates=rows, rates=rate_rows, rate_total=rate_total,
                           rate_offset=rate_offset, rates_shown=RATES_SHOWN, fees=fees,
                           in_force=in_force.id if in_force else None, today=today.isoformat(),
                           error=error, done=done, form=form or {})


@router.get("/operator/catalogue")
def catalogue(page: Page, request: Request, person: OperatorPerson,
              rate_offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
              done: str | None = None) -> Response:
    return _catalogue_page(page, request, rate_offset=rate_offset,
                           done=done if done in ("template", "fees", "rate") else None)


@router.post("/operator/templates/{template_id}")
def update_template(page: Page, request: Request, person: OperatorPerson, template_id: str,
                    version: Annotated[int, Form()], name_en: Text = "", name_zh: Text = "",
                    description_en: Text = "", description_zh: Text = "",
                    active: Annotated[str, Form(max_length=10)] = "") -> Response:
    try:
        data = form_as_body(TemplateUpdate, {
            "name_en": name_en, "name_zh": name_zh, "description_en": description_en.strip() or None,
            "description_zh": description_zh.strip() or None, "active": active == "on"})
        with unit_of_work(write_sessions(request)) as db:
            templates.update_template(db, person.principal, template_id, data, version)
    except (ValidationFailed, Conflict, StaleVersion) as exc:
        return _catalogue_page(page, request, error=exc)
    return page.redirect("/operator/catalogue?done=template")


@router.post("/operator/fees")
def set_fees(page: Page, request: Request, person: OperatorPerson, licensee_pct: Text = "",
             owner_pct: Text = "", effective: Text = "") -> Response:
    form = {"licensee_pct": licensee_pct[:20], "owner_pct": owner_pct[:20], "effective": effective[:20]}
    try:
        data = form_as_body(FeeCreate, {k: v.strip() for k, v in form.items()})
        with unit_of_work(write_sessions(request)) as db:
            rates.set_fees(db, person.principal, data)
    except (ValidationFailed, Conflict) as exc:
        return _catalogue_page(page, request, error=exc, form=form)
    return page.redirect("/operator/catalogue?done=fees")


@router.post("/operator/rates")
def set_rate(page: Page, request: Request, person: OperatorPerson, base: Text = "", quote: Text = "",
             rate: Text = "", effective: Text = "", source: Text = "") -> Response:
    form = {"base": base[:3], "quote": quote[:3], "rate": rate[:30], "effective": effective[:20],
            "source": source[:200]}
    try:
        data = form_as_body(RateCreate, {"base": base.strip().upper(), "quote": quote.strip().upper(),
                                   "rate": rate.strip(), "effective": effective.strip(),
                                   "source": source.strip() or None})
        with unit_of_work(write_sessions(request)) as db:
            rates.set_rate(db, person.principal, data)
    except (ValidationFailed, Conflict) as exc:
        return _catalogue_page(page, request, error=exc, form=form)
    return page.redirect("/operator/catalogue?done=rate")
