"""Where matched usage did not end in a licence: the operator's unmatched report
(/operator/unmatched: no work or holder found, by reason and identifier, largest first) and the
owner's unlicensed use of its works (/owner/unlicensed: the reason and the nearest licence as
evidence). Read from the period's outcome files (royalties/outcome_reading.py)."""

from __future__ import annotations

from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import Query, Request
from fastapi.responses import Response

from clearinghouse.api.deps import DB
from clearinghouse.console.guard import OperatorPerson
from clearinghouse.core.money import Money
from clearinghouse.registry import owner_service
from clearinghouse.registry import repository as registry
from clearinghouse.royalties import outcome_reading as outcomes
from clearinghouse.royalties.contracts import UnlicensedReason, UnmatchedReason
from clearinghouse.usage.lake import Lake
from clearinghouse.web.pages import Page, PageContext, SignedInPerson, page_router


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


router = page_router()
SHOWN = 50
LOCALES = {"zh": "zh_CN", "en": "en"}
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
Period = Annotated[str, Query(max_length=7, pattern=r"^(\d{4}-\d{2})?$")]
REASON_LABELS = {
    UnmatchedReason.UNKNOWN_IDENTIFIER: N_("no work has this identifier"),
    UnmatchedReason.AMBIGUOUS_TITLE: N_("the title names several works"),
    UnmatchedReason.NO_HOLDER: N_("nobody holds the right reported"),
    UnmatchedReason.UNKNOWN_LICENSE: N_("no such licence of the reporter"),
    UnlicensedReason.NEVER_LICENSED: N_("never licensed to this party"),
    UnlicensedReason.EXPIRED: N_("the licence had expired"),
    UnlicensedReason.NOT_YET_VALID: N_("the licence had not begun"),
    UnlicensedReason.OTHER_TERRITORY: N_("another territory than licensed"),
    UnlicensedReason.OTHER_CHANNEL: N_("another channel than licensed"),
    UnlicensedReason.NOT_ACTIVE: N_("the licence is not active"),
    UnlicensedReason.OVER_LICENSED_USES: N_("more uses than licensed"),
}


def _lake(request: Request) -> Lake:
    return Lake(request.app.state.settings.lake_dir)


def _amounts(page: PageContext, row: dict[str, Any]) -> dict[str, Any]:
    locale = LOCALES[page.lang]
    money = row["revenue_minor"]
    return {**row, "reason": page.gettext(REASON_LABELS.get(row["reason"], row["reason"])),
            "plays": format_decimal(row["plays"], locale=locale),
            "copies": format_decimal(row["copies"], locale=locale),
            "lines": format_decimal(row["lines"], locale=locale),
            "revenue": Money(row["currency"], money).format(locale)
            if money is not None and row["currency"] else "—"}


def _period(lake: Lake, outcome: str, asked: str) -> tuple[str, list[str]]:
    periods = outcomes.periods_with(lake, outcome)
    return asked or (periods[0] if periods else ""), periods


@router.get("/operator/unmatched")
def unmatched(page: Page, request: Request, person: OperatorPerson, period: Period = "",
              offset: Offset = 0) -> Response:
    """Usage that matched no work or holder, by reason and identifier, largest first."""
    lake = _lake(request)
    chosen, periods = _period(lake, outcomes.UNMATCHED, period)
    groups = outcomes.unmatched_groups(lake, chosen, offset, SHOWN) if chosen else \
        outcomes.Groups([], 0, 0)
    return page.render("royalties/unmatched.html", period=chosen, periods=periods,
                       rows=[_amounts(page, r) for r in groups.rows], total=groups.total,
                       lines=format_decimal(groups.lines, locale=LOCALES[page.lang]),
                       offset=offset, shown=SHOWN)


@router.get("/owner/unlicensed")
def unlicensed(page: Page, request: Request, db: DB, person: SignedInPerson, period: Period = "",
               offset: Offset = 0) -> Response:
    """Use of the owner's works that no licence covered, with the reason and the nearest licence."""
    work_ids = owner_service.work_ids_of_owner(db, person.principal)  # an owner only (403)
    lake = _lake(request)
    chosen, periods = _period(lake, outcomes.UNLICENSED, period)
    groups = outcomes.unlicensed_groups(lake, chosen, work_ids, offset, SHOWN) if chosen else \
        outcomes.Groups([], 0, 0)
    titles = registry.works_by_ids(db, sorted({r["work_id"] for r in groups.rows}))
    rows = [{**_amounts(page, r), "title": titles[r["work_id"]].title if r["work_id"] in titles
             else r["work_id"]} for r in groups.rows]
    return page.render("royalties/unlicensed.html", period=chosen, periods=periods, rows=rows,
                       total=groups.total, offset=offset, shown=SHOWN,
                       lines=format_decimal(groups.lines, locale=LOCALES[page.lang]))
