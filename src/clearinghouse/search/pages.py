"""The start page and search: a few characters of a title, a creator, or an ISRC/ISWC; filters
by kind and by intended use ("what can I license for this use", with its from-price); and a
preview of each hit that has a file (licensing/delivery/previews.py)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Query, Request
from fastapi.responses import Response

from clearinghouse.api.deps import DB, settings_of
from clearinghouse.core.errors import DomainError
from clearinghouse.core.money import Money
from clearinghouse.licensing.delivery import previews
from clearinghouse.licensing.quotes import use_form
from clearinghouse.licensing.quotes.pages import LOCALES, TERRITORY_LABELS
from clearinghouse.platforms import service as platforms_service
from clearinghouse.search import service
from clearinghouse.search.query import MAX_QUERY_CHARS
from clearinghouse.search.use_filter import UseParams
from clearinghouse.web.pages import Page, PageContext, page_router

router = page_router()


def N_(message: str) -> str:  # noqa: N802 - marks a message for extraction; translated on render
    return message


# The kinds a person looks for; a parent type includes its subtypes (the search service's rule).
KINDS = (("musical_composition", N_("Songs")), ("sound_recording", N_("Recordings")),
         ("audiovisual_work", N_("Videos")), ("photograph", N_("Photographs")))
PURPOSES = (("commercial", N_("Commercial")), ("advertising", N_("Advertising")),
            ("non_commercial", N_("Non-commercial")))


@dataclass(frozen=True)
class Filters:
    """The search form as typed; `channel` empty means no use filter."""

    q: str = ""
    kind: str = ""
    channel: str = ""
    purpose: str = "commercial"
    seconds: str = ""
    edited: bool = False
    territory: str = "CN"

    def use(self) -> UseParams | None:
        if not self.channel:
            return None
        seconds = self.seconds.strip()
        return UseParams(
            purpose=self.purpose, channels=(self.channel,),
            portion_unit="seconds" if seconds else None,
            portion_value=int(seconds) if seconds.isdigit() else None,
            modified=self.edited, territories=(self.territory,))

    def invalid_seconds(self) -> bool:
        text = self.seconds.strip()
        return bool(text) and not (text.isdigit() and 1 <= int(text) <= 100_000)


def _choices(page: PageContext, db: DB) -> dict[str, object]:
    names = {row.code: (row.name_zh if page.lang == "zh" else row.name_en)
             for row in platforms_service.list_platforms(db)}
    return {
        "kinds": [(code, page.gettext(label)) for code, label in KINDS],
        "purposes": [(code, page.gettext(label)) for code, label in PURPOSES],
        "channels": [(code, names[code]) for code in use_form.CHANNELS if code in names],
        "territories": [(code, page.gettext(TERRITORY_LABELS[code])) for code in use_form.TERRITORIES],
    }


@router.get("/")
@router.get("/search")
def search(page: Page, db: DB, request: Request,
           q: str = Query("", max_length=MAX_QUERY_CHARS),
           kind: str = Query("", max_length=40), channel: str = Query("", max_length=40),
           purpose: str = Query("commercial", max_length=20),
           seconds: str = Query("", max_length=6), edited: bool = False,
           territory: str = Query("CN", max_length=20)) -> Response:
    """Without JavaScript the form submits; with htmx the results follow the typing and the
    filters (the same page, of which htmx takes only the results). A filter the search refuses
    shows its message above the (empty) results with the API's status, 422."""
    filters = Filters(q=q, kind=kind, channel=channel, purpose=purpose, seconds=seconds,
                      edited=edited, territory=territory)
    found, problem = None, None
    if q.strip() or kind or channel:
        try:
            if filters.invalid_seconds():
                problem = page.gettext("Seconds must be a whole number from 1 to 100000.")
            else:
                found = service.search(db, service.SearchParams(
                    q=q, type=kind or None, limit=20, use=filters.use()))
        except DomainError as exc:
            problem = exc.message
    kinds_of = previews.kinds(db, settings_of(request), [hit.id for hit in found.items]) if found else {}
    prices = {hit.id: Money(hit.from_price.currency, hit.from_price.minor).format(LOCALES[page.lang])
              for hit in (found.items if found else []) if hit.from_price is not None}
    return page.render("search/search.html", status_code=422 if problem else 200, q=q,
                       filters=filters, found=found, problem=problem, previews=kinds_of,
                       prices=prices, **_choices(page, db))
