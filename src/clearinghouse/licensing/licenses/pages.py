"""My licences: the list, a licence with its payment, certificate (PDF) and file; an owner's
licences sold and its earnings."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from clearinghouse.api.deps import DB, settings_of
from clearinghouse.core.money import Money
from clearinghouse.ledger import service as ledger
from clearinghouse.licensing.licenses import payments
from clearinghouse.licensing.licenses import service as licenses
from clearinghouse.registry import owner_service
from clearinghouse.registry import repository as registry
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router

router = page_router()
LOCALES = {"zh": "zh_CN", "en": "en"}


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction
    return message


STATUS_LABELS = {"pending_payment": N_("waiting for payment"), "active": N_("active"),
                 "expired": N_("expired"), "suspended": N_("suspended"), "revoked": N_("revoked"),
                 "scheduled": N_("starts later")}


def _status(page: PageContext, status: str) -> str:
    return page.gettext(STATUS_LABELS.get(status, status))


@router.get("/licences")
def my_licences(page: Page, db: DB, person: SignedInPerson) -> Response:
    rows, _ = licenses.list_licenses(db, person.principal, status=None, offset=0, limit=100)
    titles = registry.works_by_ids(db, sorted({w for lic in rows for w in lic.work_ids}))
    items = [{"id": lic.id, "status": _status(page, licenses.effective_status(lic)),
              "titles": " · ".join(titles[w].title for w in lic.work_ids if w in titles),
              "total": Money(lic.currency, lic.total_minor).format(LOCALES[page.lang]),
              "from": lic.valid_from, "to": lic.valid_to} for lic in rows]
    return page.render("licenses/list.html", items=items)


@router.get("/licences/{license_id}")
def licence(page: Page, request: Request, db: DB, person: SignedInPerson, license_id: str,
            settled: str | None = None) -> Response:
    lic = licenses.get_license(db, person.principal, license_id)
    payment = licenses.page_details(db, [lic])[lic.id].payment
    works = registry.works_by_ids(db, list(lic.work_ids))
    status = licenses.effective_status(lic)
    transfer = None
    if payment is not None and payment.status == "pending":
        transfer = {"amount": Money(payment.currency, payment.amount_minor).format(LOCALES[page.lang]),
                    "account": payments.BankAccount.of(settings_of(request))}
    return page.render(
        "licenses/licence.html", lic=lic, status=_status(page, status), active=status == "active",
        total=Money(lic.currency, lic.total_minor).format(LOCALES[page.lang]),
        payment=payment, transfer=transfer,
        settled_by_demo=settled == "demo" or payments.settled_by_demo(payment),
        may_see_invoice=lic.licensee_id == person.principal.party_id or person.principal.is_operator,
        works=[works[w] for w in lic.work_ids if w in works],
        has_file=any(works[w].file_key for w in lic.work_ids if w in works))


# The owner's side: licences that pay it, and what the ledger owes it per currency.
SALES_SHOWN = 100


@router.get("/owner/sales")
def licences_sold(page: Page, db: DB, person: SignedInPerson) -> Response:
    owner_service.require_owner(person.principal)
    party = person.principal.party_id
    rows, _ = licenses.list_licenses(db, person.principal, status=None, offset=0, limit=SALES_SHOWN)
    sold = [lic for lic in rows if any(line.holder_id == party for line in lic.lines)]
    locale = LOCALES[page.lang]
    items = [{"id": lic.id, "status": _status(page, licenses.effective_status(lic)),
              "titles": " · ".join(sorted({line.work_title for line in lic.lines if line.holder_id == party})),
              "total": Money(lic.currency, lic.total_minor).format(locale),
              "yours": Money(lic.currency, sum(line.upfront_converted_minor for line in lic.lines
                                                if line.holder_id == party)).format(locale),
              "from": lic.valid_from, "to": lic.valid_to} for lic in sold]
    earnings = [Money(b.currency, b.balance_minor).format(locale)
                for b in ledger.balances(db, person.principal) if b.purpose == "earnings"]
    return page.render("licenses/sales.html", items=items, earnings=earnings)
