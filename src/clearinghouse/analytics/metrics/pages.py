"""The usage-metrics page (/analytics/usage): the caller's own view — the operator's market, a
platform's own platform, an owner's works' audience — as charts with their tables, overlap and
demographics; suppressed cells shown as "—" and the page says below which k. The rules are the
service's, as for the API."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import Response

from clearinghouse.analytics.metrics import service
from clearinghouse.analytics.metrics.endpoints import duckdb_engine, effective_k
from clearinghouse.api.deps import DB
from clearinghouse.core.clock import utcnow
from clearinghouse.usage.lake import Lake
from clearinghouse.web import charts
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router

router = page_router()
LOCALES = {"zh": "zh_CN", "en": "en"}
TOP = 10


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


SCOPES = {"market": N_("the whole market"), "platform": N_("your platform's own event logs"),
          "owner": N_("the audience of your works, on every platform")}


@dataclass
class View:
    monthly: list[service.PlatformMonth]
    pairs: list[service.Overlap]
    cells: list[service.Cell]


def _last_month() -> str:
    today = utcnow().date().replace(day=1)
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


@router.get("/analytics/usage")
def usage_page(page: Page, request: Request, db: DB, person: SignedInPerson,
               period: Annotated[str, Query(pattern=r"^(\d{4}-(0[1-9]|1[0-2])|\d{4}Q[1-4])?$",
                                            max_length=7)] = "",
               attribute: Literal["gender", "age_band", "province", "territory"] = "gender"
               ) -> Response:
    scope = service.scope_of(db, person.principal)
    period = period or _last_month()
    months, k = service.months_of(period), effective_k(request, None)
    view = View([], [], [])
    with duckdb_engine(request) as engine:
        lake = Lake(request.app.state.settings.lake_dir)
        events = service.events_of(engine, db, lake, months, scope)
        if events is not None:
            view.monthly = service.monthly(engine, events, k)
            view.cells = service.demographics(engine, events, attribute, k)
        everyone = service.Scope("market") if scope.kind == "platform" else scope
        pair_events = events if everyone is scope else service.events_of(engine, db, lake, months, everyone)
        if pair_events is not None:
            own = service.own_platforms(db, person.principal) if scope.kind == "platform" else None
            view.pairs = service.overlap(engine, pair_events, k, own_platforms=own)
    return page.render("metrics/usage.html", period=period, attribute=attribute, k=k,
                       scope=SCOPES[scope.kind], view=view, charts=_charts(page, view, months))


def _charts(page: PageContext, view: View, months: list[str]) -> list[charts.Chart]:
    shown = [r for r in view.monthly if r.mau is not None]
    if not shown:
        return []
    locale, gettext = LOCALES[page.lang], page.gettext
    last = max(r.month for r in shown)
    latest = sorted((r for r in shown if r.month == last and r.penetration is not None),
                    key=lambda r: (-r.penetration, r.platform))[:TOP]  # type: ignore[operator]
    out = []
    if latest:
        out.append(charts.bar_chart(
            gettext("Penetration, %(month)s (top %(n)s)") % {"month": last, "n": TOP},
            [(r.platform, r.penetration * 100) for r in latest if r.penetration is not None],
            locale=locale, label_header=gettext("Platform"), value_header=gettext("Per cent")))
    if len(months) > 1:
        platforms = sorted({r.platform for r in shown})
        out.append(charts.line_chart(
            gettext("Monthly and average daily active users"), months,
            [charts.Series(f"{p} {gettext('MAU')}", {r.month: Decimal(r.mau or 0) for r in shown
                                        if r.platform == p}) for p in platforms]
            + [charts.Series(f"{p} {gettext('DAU')}", {r.month: r.dau for r in shown
                                          if r.platform == p and r.dau is not None})
               for p in platforms],
            locale=locale, label_header=gettext("Month")))
    return out
