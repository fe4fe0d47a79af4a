"""The use form's live price (a partial for htmx) and the checkout page: one price for every
right and co-holder, with the fees shown. Pricing is the quote service's; nothing is kept here."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Role
from clearinghouse.api.deps import DB, settings_of
from clearinghouse.core.errors import DomainError, Forbidden
from clearinghouse.core.money import Money
from clearinghouse.licensing.delivery import previews
from clearinghouse.licensing.quotes import referrals, use_form
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.quotes.facts import QuoteResult
from clearinghouse.platforms import service as platforms_service
from clearinghouse.registry import repository as registry_repository
from clearinghouse.registry import views as registry_views
from clearinghouse.registry import works_service
from clearinghouse.registry.pages import RIGHT_LABELS
from clearinghouse.web.pages import Page, PageContext, page_router

router = page_router()
LOCALES = {"zh": "zh_CN", "en": "en"}


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


TERRITORY_LABELS = {"CN": N_("Mainland China"), "GREATER_CHINA": N_("Greater China"),
                    "APAC": N_("Asia-Pacific"), "WORLD": N_("Worldwide")}
# The referrals' words (referral_pages.py): kept here, where the catalogue's extraction looks.
REFERRAL_STATUS_LABELS = {
    "open": N_("waiting for the holder"), "countered": N_("the holder proposes a price"),
    "accepted": N_("agreed: ready to buy"), "declined": N_("declined by the holder"),
    "withdrawn": N_("withdrawn"), "purchased": N_("bought"),
}
REFERRAL_KIND_LABELS = {
    "request": N_("request"), "message": N_("message"), "counter": N_("counter-offer"),
    "accept": N_("accepted"), "decline": N_("declined"), "withdraw": N_("withdrawn"),
}
RUNNING_TERMS = N_("running terms: see the messages")
# Why a right cannot be cleared here, by the quote engine's reason code: the engine's own sentence
# (with names and shares) is English, so other languages get this one and the English detail.
UNCLEARABLE_WORDS = {
    "adaptation_right_not_cleared": N_("The use is edited, so it also needs the right to modify the work "
                                       "and the author's approval; that share is not in this quote: "
                                       "ask its holder."),
    "unclaimed_share": N_("Part of this right has no registered holder for the whole period in some "
                          "countries; that part cannot be licensed here."),
    "ownership_conflict": N_("Who holds this right is disputed; it cannot be licensed here until the "
                             "dispute is settled."),
    "collective_management": N_("This share is administered by a collecting society: license it from "
                                "the society, or ask the holder."),
    "author_approval_required": N_("The author must approve edits: ask the holder."),
    "declined": N_("The holder declined to license this right for this use."),
    "no_offer": N_("The holder offers no routine licence of this right for this use: ask the holder."),
    "no_exchange_rate": N_("The holder prices this right in another currency and there is no exchange "
                           "rate to yours: quote in the holder's currency, or ask the holder."),
}


def unclearable_words(page: PageContext, reason: str, message: str) -> tuple[str, str | None]:
    """(what the visitor reads, the engine's English detail when that is not what they read)."""
    if page.lang == "en" or reason not in UNCLEARABLE_WORDS:
        return message, None
    return page.gettext(UNCLEARABLE_WORDS[reason]), message


def money(page: PageContext, currency: str, minor: int) -> str:
    return Money(currency, minor).format(LOCALES[page.lang])


def price_view(page: PageContext, result: QuoteResult) -> dict[str, Any]:
    totals = result.totals
    return {
        "lines": [{"title": line.work_title, "right": page.gettext(RIGHT_LABELS.get(line.right, line.right)),
                   "holder": line.holder_name, "share": line.share,
                   "amount": money(page, totals.currency, line.upfront_converted_minor)}
                  for line in result.lines],
        "unclearable": [{"right": page.gettext(RIGHT_LABELS.get(u.right, u.right)),
                         "message": unclearable_words(page, u.reason, u.message)[0],
                         "detail": unclearable_words(page, u.reason, u.message)[1],
                         "right_code": u.right, "holder_id": u.holder_id,
                         "referable": bool(u.holder_id) and u.reason in referrals.REFERABLE}
                        for u in result.unclearable],
        "subtotal": money(page, totals.currency, totals.subtotal_minor),
        "fee": money(page, totals.currency, totals.licensee_fee_minor),
        "fee_pct": totals.fees.get("licensee_pct", ""),
        "total": money(page, totals.currency, totals.total_minor),
        "total_minor": totals.total_minor,
        "clear": bool(result.lines) and not result.unclearable,
        "error": None,
    }


def _platform_choices(db: Session, page: PageContext) -> list[tuple[str, str]]:
    names = {row.code: (row.name_zh if page.lang == "zh" else row.name_en)
             for row in platforms_service.list_platforms(db)}
    return [(code, names[code]) for code in use_form.CHANNELS if code in names]


def form_context(db: Session, page: PageContext, form: use_form.UseForm,
                 recordings: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """What the use form needs (the work page shows it) and its price for the current values."""
    return {"form": form, "recordings": list(recordings), "channels": _platform_choices(db, page),
            "territories": [(code, page.gettext(TERRITORY_LABELS[code])) for code in use_form.TERRITORIES],
            "terms": use_form.TERMS_DAYS, "price": _price_or_error(db, page, form)}


def _price_or_error(db: Session, page: PageContext, form: use_form.UseForm) -> dict[str, Any]:
    try:
        data = form.quote_create()
        if page.signed_in is not None and page.signed_in.principal.has(Role.LICENSEE):
            result = quotes_service.price_quote(db, page.signed_in.principal, data).result
        else:
            result = quotes_service.price_for_visitor(db, data)
    except DomainError as exc:
        return {"error": page.explain(exc).text}
    return price_view(page, result)


@router.get("/quote-preview")
def quote_preview(page: Page, db: DB, request: Request) -> Response:
    """The price of the use as typed so far: the use form's htmx target (a fragment)."""
    form = use_form.read(dict(request.query_params))
    return page.render("quotes/price.html", price=_price_or_error(db, page, form), form=form)


@router.get("/checkout")
def checkout(page: Page, db: DB, request: Request, problem: str | None = None) -> Response:
    """The use and its one price; buying posts this form (licensing/purchases/pages.py). Someone
    not signed in sees the same price and signs up on the same form."""
    form = use_form.read(dict(request.query_params))
    if page.signed_in is None:
        result = quotes_service.price_for_visitor(db, form.quote_create())
    elif page.signed_in.principal.has(Role.LICENSEE):
        result = quotes_service.price_quote(db, page.signed_in.principal, form.quote_create()).result
    else:
        raise Forbidden("only a licensee buys licences; sign in with a licensee account")
    return page.render("quotes/checkout.html", form=form, price=price_view(page, result),
                       purchase_key=secrets.token_urlsafe(18), problem=problem,
                       territory=page.gettext(TERRITORY_LABELS.get(form.territory, form.territory)),
                       channel=dict(_platform_choices(db, page)).get(form.channel, form.channel))


# A work's page: the song with its recordings (or a recording with its song), who holds what,
# and the use form with its live price.
LINKED_SHOWN = 20


@router.get("/works/{work_id}")
def work_page(page: Page, db: DB, work_id: str, request: Request) -> Response:
    work = works_service.get_work(db, work_id)
    holdings = registry_views.holdings_out(db, list(registry_repository.holdings_of_work(db, work.id)))
    links = registry_repository.embodiment_links(db, [work.id], per_work=LINKED_SHOWN)
    recordings = [(link.linked_id, link.linked_title + (f" ({link.linked_code})" if link.linked_code else ""))
                  for link in links if link.linked_as == "recording"]
    songs = [link for link in links if link.linked_as == "composition"]
    # A song is licensed through one of its recordings: that clears the master and the song at once.
    default_work = recordings[0][0] if recordings else work.id
    params = dict(request.query_params)
    form = use_form.read(params, params.get("work_id") or default_work)
    rights = {h.id: ", ".join(page.gettext(RIGHT_LABELS.get(r, r)) for r in h.rights)
              for h in holdings}
    preview = previews.kinds(db, settings_of(request), [work.id]).get(work.id)
    return page.render("quotes/work.html", work=work, holdings=holdings, rights=rights, songs=songs,
                       preview=preview, **form_context(db, page, form, recordings))
