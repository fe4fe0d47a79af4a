"""The owner's earnings (/owner/earnings: totals per period and currency, a line chart over the
periods, bars by platform, territory and work, its payouts with their status) and everyone's
statements (/statements: the periods a party has lines in; /statements/{period}: the lines,
paged, with CSV, JSON and PDF downloads; /statements/lines/{id}: a line's trail back to the
usage). Who sees which line is the statements service's rule (its holder and its licensee; the
operator all); anyone else gets the API's 404."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from babel.numbers import format_decimal
from fastapi import Path, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from clearinghouse.api.deps import DB
from clearinghouse.core.money import Money
from clearinghouse.registry import owner_service
from clearinghouse.registry import repository as registry
from clearinghouse.royalties import earnings, payout_records, statements
from clearinghouse.royalties import earnings_repository as lines_repo
from clearinghouse.royalties.statement_pdf import render_statement_pdf
from clearinghouse.usage.lake import Lake
from clearinghouse.web import charts
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


router = page_router()
LOCALES = {"zh": "zh_CN", "en": "en"}
SHOWN = 50
BARS = 10  # the largest categories; the table under each chart says the same
CHART_PERIODS = 24  # the latest two years: more would not read as a line (the table has all)
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
PeriodPath = Annotated[str, Path(pattern=r"^\d{4}-\d{2}$")]
Period = Annotated[str, Query(max_length=7, pattern=r"^(\d{4}-\d{2})?$")]
DIMENSIONS = (
    ("platform", N_("Earnings by platform, %(period)s (%(currency)s)"), N_("Platform"),
     earnings.by_platform),
    ("territory", N_("Earnings by territory, %(period)s (%(currency)s)"), N_("Territory"),
     earnings.by_territory),
    ("work", N_("Earnings by work, %(period)s (%(currency)s)"), N_("Work"), earnings.by_work),
)


def _money(page: PageContext, minor: int, currency: str) -> str:
    return Money(currency, minor).format(LOCALES[page.lang])


def _amounts(page: PageContext, per_currency: Mapping[str, int]) -> str:
    return " · ".join(_money(page, m, c) for c, m in per_currency.items()) or "—"


def _decimal(minor: int, currency: str) -> Decimal:
    return Money(currency, minor).to_decimal()


def _earnings_chart(page: PageContext, totals: dict[str, dict[str, int]]) -> charts.Chart | None:
    if not totals:
        return None
    periods = list(totals)[-CHART_PERIODS:]
    currencies = sorted({c for p in periods for c in totals[p]})
    series = [charts.Series(cur, {p: _decimal(totals[p][cur], cur) for p in periods
                                  if cur in totals[p]}) for cur in currencies]
    return charts.line_chart(page.gettext("Earnings per period"), periods, series,
                             locale=LOCALES[page.lang], label_header=page.gettext("Period"),
                             currency=currencies[0] if len(currencies) == 1 else None)


def _bar_charts(page: PageContext, db: DB, lines: list[earnings.EarnedLine],
                period: str) -> list[charts.Chart]:
    chosen = [ln for ln in lines if ln.period == period]
    titles = registry.works_by_ids(db, sorted({ln.work_id for ln in chosen}))
    out = []
    for name, title, header, grouping in DIMENSIONS:
        for currency, bars in grouping(chosen).items():
            shown = [(titles[k].title if name == "work" and k in titles else k,
                      _decimal(minor, currency)) for k, minor in bars[:BARS]]
            out.append(charts.bar_chart(
                page.gettext(title, period=period, currency=currency), shown,
                locale=LOCALES[page.lang], label_header=page.gettext(header),
                value_header=page.gettext("Earned"), currency=currency))
    return out


def _payout_rows(page: PageContext, rows: Any) -> list[dict[str, Any]]:
    return [{"id": r.id, "period": r.period, "party_id": r.party_id,
             "amount": _money(page, r.amount_minor, r.currency),
             "sent": r.sent_at is not None, "sent_on": r.sent_on.isoformat() if r.sent_on else "",
             "reference": r.sent_reference or ""} for r in rows]


@router.get("/owner/earnings")
def owner_earnings(page: Page, db: DB, person: SignedInPerson, period: Period = "") -> Response:
    """Per period totals by currency, a chart over the periods, the chosen period's bars."""
    owner_service.require_owner(person.principal)
    lines = lines_repo.held_lines(db, person.principal.party_id)
    totals = earnings.totals_by_period(lines)
    periods = sorted(totals, reverse=True)
    chosen = period if period in totals else (periods[0] if periods else "")
    payouts, _ = payout_records.visible(db, person.principal,
                                        party_id=person.principal.party_id, limit=24)
    return page.render(
        "royalties/earnings.html", period=chosen, periods=periods,
        totals=[{"period": p, "amounts": _amounts(page, totals[p])} for p in periods],
        line_chart=_earnings_chart(page, totals),
        bar_charts=_bar_charts(page, db, lines, chosen) if chosen else [],
        payouts=_payout_rows(page, payouts))


@router.get("/statements")
def statement_periods(page: Page, db: DB, person: SignedInPerson) -> Response:
    """The periods the party has statement lines in: earned as holder, paid as licensee."""
    party = person.principal.party_id
    earned = earnings.totals_by_period(lines_repo.held_lines(db, party))
    paid = earnings.paid_by_period(lines_repo.licensed_lines(db, party))
    rows = [{"period": p, "earned": _amounts(page, earned.get(p, {})),
             "paid": _amounts(page, paid.get(p, {}))}
            for p in sorted(set(earned) | set(paid), reverse=True)]
    return page.render("royalties/statements.html", rows=rows,
                       holder=bool(earned), licensee=bool(paid))


def _line_row(page: PageContext, line: Any, titles: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": line.id, "work_id": line.work_id,
            "title": titles[line.work_id].title if line.work_id in titles else line.work_id,
            "license_id": line.license_id, "platforms": " ".join(line.channels) or "—",
            "territories": " ".join(line.territories) or "—",
            "plays": format_decimal(line.plays, locale=LOCALES[page.lang]),
            "earned": _money(page, line.earned_minor, line.currency),
            "recouped": _money(page, line.recouped_minor, line.currency),
            "true_up": _money(page, line.true_up_minor, line.currency),
            "paid": _money(page, line.due_minor + line.licensee_fee_minor, line.license_currency),
            "owner_fee": _money(page, line.owner_fee_minor, line.license_currency),
            "payout": _money(page, line.holder_payout_minor, line.payout_currency)}


@router.get("/statements/lines/{line_id}")
def line_trail(page: Page, request: Request, db: DB, person: SignedInPerson, line_id: str,
               offset: Offset = 0) -> Response:
    """How one line was computed and the usage lines behind it, a page at a time."""
    lake = Lake(request.app.state.settings.lake_dir)
    trail = statements.trail(db, person.principal, lake, line_id, offset, SHOWN)
    line = trail["line"]
    titles = registry.works_by_ids(db, [line["work_id"]])
    return page.render(
        "royalties/trail.html", trail=trail, line=line, offset=offset, shown=SHOWN,
        plays=format_decimal(line["plays"], locale=LOCALES[page.lang]),
        title=titles[line["work_id"]].title if line["work_id"] in titles else line["work_id"],
        earned=_money(page, line["earned_minor"], line["currency"]),
        payout=_money(page, line["holder_payout_minor"], line["payout_currency"]),
        paid=_money(page, line["due_minor"] + line["licensee_fee_minor"],
                    line["license_currency"]),
        usage=[{**u, "plays": format_decimal(u["plays"], locale=LOCALES[page.lang]),
                "revenue": _money(page, u["revenue_minor"], u["currency"])
                if u["revenue_minor"] is not None and u["currency"] else "—"}
               for u in trail["usage"]["items"]])


@router.get("/statements/{period}")
def statement(page: Page, db: DB, person: SignedInPerson, period: PeriodPath,
              offset: Offset = 0) -> Response:
    """A period's statement lines the person may see, by work, platform, territory, licence."""
    lines = statements.lines_for(db, person.principal, period)
    shown = lines[offset:offset + SHOWN]
    titles = registry.works_by_ids(db, sorted({ln.work_id for ln in shown}))
    totals: dict[str, int] = {}
    for ln in lines:
        if ln.holder_id == person.principal.party_id:
            totals[ln.payout_currency] = totals.get(ln.payout_currency, 0) + ln.holder_payout_minor
    return page.render("royalties/statement.html", period=period, offset=offset, shown=SHOWN,
                       total=len(lines), rows=[_line_row(page, ln, titles) for ln in shown],
                       payout_total=_amounts(page, dict(sorted(totals.items()))))


@router.get("/statements/{period}/download")
def statement_download(page: Page, db: DB, person: SignedInPerson, period: PeriodPath,
                       format: Literal["csv", "json", "pdf"] = "csv") -> Response:
    """The same lines as the API's /api/v1/statements answers them, as a file."""
    lines = statements.lines_for(db, person.principal, period)
    name = f"statement-{period}.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"',
                   "Cache-Control": "no-store"}
    if format == "csv":
        return PlainTextResponse(statements.as_csv(lines), media_type="text/csv",
                                 headers=disposition)
    if format == "json":
        return JSONResponse([statements.row(ln) for ln in lines], headers=disposition)
    pdf = render_statement_pdf(period, person.principal.party_id, lines)
    return Response(pdf, media_type="application/pdf", headers=disposition)
