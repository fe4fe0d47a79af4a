"""The deal-flow page (/analytics/deals): the report's summary of investment events — headline,
charts by round and category, tables by month, round and category — for any signed-in person;
the operator also imports a deal CSV there. The rules are the service's, as for the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from clearinghouse.accounts.service import SignedIn
from clearinghouse.analytics.deals import repository, service
from clearinghouse.analytics.deals.domain import Conventions
from clearinghouse.analytics.deals.endpoints import read_upload
from clearinghouse.analytics.deals.schemas import DealSummaryOut, summary_out
from clearinghouse.api.deps import DB, read_sessions, write_sessions
from clearinghouse.console.guard import OperatorPerson
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import DomainError
from clearinghouse.web import charts
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router

router = page_router()
LOCALES = {"zh": "zh_CN", "en": "en"}
CATEGORY_NAMES = {"content": "Content studios", "app": "Apps", "service": "Services"}


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


N_("Content studios"), N_("Apps"), N_("Services")


@router.get("/analytics/deals")
def deals_page(page: Page, db: DB, person: SignedInPerson,
               import_id: Annotated[str, Query(max_length=40)] = "",
               quarter: Annotated[str, Query(pattern=r"^(\d{4}Q[1-4])?$", max_length=6)] = "",
               usd_cny: Annotated[Decimal, Query(gt=0, le=1000, max_digits=10,
                                                 decimal_places=6)] = Decimal("6.6"),
               imported: Annotated[str, Query(max_length=10)] = "") -> Response:
    """The summary of the chosen (default: latest) import, under the chosen rate."""
    return _render(page, db, person.principal.is_operator, import_id, quarter, usd_cny,
                   imported=imported)


def _render(page: PageContext, db: DB, operator: bool, import_id: str, quarter: str,
            usd_cny: Decimal, *, imported: str = "", error: DomainError | None = None,
            status: int = 200) -> Response:
    imports, _ = repository.list_imports(db, 0, 20)
    summary: DealSummaryOut | None = None
    if imports:
        record = service.chosen_import(db, import_id or None)
        found = service.summary(db, record, Conventions(usd_cny=usd_cny), quarter or None)
        summary = summary_out(record, quarter or None, found)
    return page.render("deals/deals.html", summary=summary, imports=imports, operator=operator,
                       quarter=quarter, usd_cny=usd_cny, imported=imported, error=error,
                       charts=_charts(page, summary) if summary else [],
                       category_names=CATEGORY_NAMES, status_code=status)


def _charts(page: PageContext, summary: DealSummaryOut) -> list[charts.Chart]:
    locale, gettext = LOCALES[page.lang], page.gettext
    by_round = charts.bar_chart(
        gettext("Events by round"), [(r.key, Decimal(r.events)) for r in summary.by_round],
        locale=locale, label_header=gettext("Round"), value_header=gettext("Events"))
    by_category = charts.bar_chart(
        gettext("Estimated amount by category (CNY)"),
        [(gettext(CATEGORY_NAMES[r.key]), Decimal(r.cny.minor) / 100)
         for r in summary.by_category],
        locale=locale, label_header=gettext("Category"), value_header=gettext("Amount"),
        currency="CNY")
    return [by_round, by_category]


# The path ends in /file: the app's upload size limit applies, as to the other upload forms.
@router.post("/analytics/deals/file")
async def import_page(page: Page, request: Request, person: OperatorPerson) -> Response:
    form = await request.form()
    label = str(form.get("label") or "").strip()[:200] or "deals"
    try:
        data = await read_upload(request)
        parsed = await run_in_threadpool(service.parse_file, data)
        imported = await run_in_threadpool(_store, request, person, parsed, label)
    except DomainError as exc:
        return await run_in_threadpool(_error_page, page, request, exc)
    again = "" if imported.created else "again"
    return page.redirect(f"/analytics/deals?import_id={imported.record.id}&imported="
                         + (again or "new"))


def _store(request: Request, person: SignedIn, parsed: service.ParsedFile, label: str
           ) -> service.Imported:
    with unit_of_work(write_sessions(request)) as db:
        imported = service.import_deals(db, person.principal, parsed, label)
        db.expunge(imported.record)
        return imported


def _error_page(page: PageContext, request: Request, exc: DomainError) -> Response:
    with unit_of_work(read_sessions(request)) as db:
        return _render(page, db, True, "", "", Decimal("6.6"), error=exc, status=exc.status)
