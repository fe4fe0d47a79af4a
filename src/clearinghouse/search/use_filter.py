"""Search by intended use: only works a routine offer clears for the use, with their from-price.

A work qualifies when the quote engine would price every line of that use for it (one work per
quote) without a referral: every right the use needs, every co-holder's share, each through a
priced offer. Two steps, so a search stays fast at any catalogue size:

1. a SQL condition on the candidate works (`licensing/catalogue/use_offers_repository.py`) joins
   the search's own query, so the count and the paging are those of the filtered set;
2. the page's works (at most `limit`) are priced by the real engine in one batch; `from_price`
   is that quote's total, so it equals what `POST /api/v1/quotes` says for the same use.

The few works the condition admits but the engine cannot price (a co-holder's territory that
leaves one requested country uncovered, a percent limit that depends on a work's length, an
offer in a currency with no exchange rate) are dropped from their page.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session

from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.territories import region_members, region_names
from clearinghouse.licensing.catalogue import templates as templates_service
from clearinghouse.licensing.catalogue.domain import TemplateFacts, countries_of
from clearinghouse.licensing.catalogue.use_offers_repository import (
    UseConditionInput,
    routinely_clearable,
)
from clearinghouse.licensing.quotes.engine import (
    LINKED_KINDS,
    RIGHTS_RULES,
    build_quote,
    needed_rights,
    template_covers_terms,
)
from clearinghouse.licensing.quotes.schemas import UseTerms
from clearinghouse.licensing.quotes.service import gather, use_of
from clearinghouse.licensing.schema_types import Currency
from clearinghouse.licensing.terms import PortionUnit, Use, expand_channels
from clearinghouse.platforms import service as platforms_service

# Past this many countries nearly every holding overlaps the use's territory, and naming each
# code in the condition costs more than it filters; the engine still checks the page.
MAX_TERRITORY_CODES = 30
LENGTH_UNITS = {PortionUnit.SECONDS: "seconds", PortionUnit.WORDS: "words"}


class SearchUse(UseTerms):
    """The quote's use description (same fields, same validation) and the price's currency."""

    currency: Currency = "CNY"


@dataclass(frozen=True)
class UseParams:
    """A use as typed in a search (query parameters or CLI options); nothing given: no filter."""

    purpose: str | None = None
    channels: tuple[str, ...] = ()
    uses: int | None = None
    portion_unit: str | None = None
    portion_value: int | None = None
    modified: bool | None = None
    territories: tuple[str, ...] = ()
    territories_excluded: tuple[str, ...] = ()
    start: date | None = None
    term_days: int | None = None
    perpetual: bool = False
    exclusive: bool | None = None
    currency: str | None = None

    def given(self) -> bool:
        # Field by field: `astuple` deep-copies, which showed in every search's profile.
        return any(getattr(self, f.name) not in (None, (), False) for f in dataclasses.fields(self))

    def payload(self) -> dict[str, Any]:
        portion: dict[str, Any] | None = None
        if self.portion_unit is not None or self.portion_value is not None:
            portion = {"unit": self.portion_unit or PortionUnit.WHOLE.value,
                       "value": self.portion_value}
        values: dict[str, Any] = {
            "purpose": self.purpose, "channels": list(self.channels) or None, "uses": self.uses,
            "portion": portion, "modified": self.modified,
            "territories": list(self.territories) or None,
            "territories_excluded": list(self.territories_excluded) or None,
            "start": self.start, "term_days": self.term_days, "exclusive": self.exclusive,
            "currency": self.currency}
        out = {k: v for k, v in values.items() if v is not None}
        if self.perpetual:
            out["term_days"] = None
        return out


@dataclass(frozen=True)
class UseFilter:
    use: Use  # no works: each candidate is priced as the one work of a quote
    currency: str
    today: date
    sql: str
    params: dict[str, Any]


# Query names for the nested fields of the quote's use, as the search takes them.
_FIELD_NAMES = {"portion.unit": "portion_unit", "portion.value": "portion_value"}


def _field(loc: tuple[Any, ...]) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return _FIELD_NAMES.get(name, name)


def _terms(params: UseParams) -> SearchUse:
    try:
        return SearchUse.model_validate(params.payload())
    except PydanticError as exc:
        details = [{"field": _field(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
        first = details[0]
        raise ValidationFailed(f"{first['field']}: {first['message']}", field=first["field"],
                               details=details) from exc


def _fitting_templates(session: Session, use: Use, countries: frozenset[str]) -> list[str]:
    """Active templates whose terms fit the use; a percent limit against a use in seconds (or
    the reverse) depends on the work's length, so the engine decides those per work."""
    channels = expand_channels(use.channels)

    def fits(t: TemplateFacts) -> bool:
        if not template_covers_terms(t, use, channels) or not countries <= t.countries:
            return False
        units = {use.portion.unit, t.portion.unit}
        if PortionUnit.WHOLE in units or len(units) == 1:
            return use.portion.fits_within(t.portion, None)
        return True

    return sorted(tid for tid, t in templates_service.active_template_facts(session).items()
                  if fits(t))


def _territory_codes(countries: frozenset[str]) -> list[str] | None:
    """The codes a holding may name to overlap these countries: them, and regions holding any."""
    if len(countries) > MAX_TERRITORY_CODES:
        return None
    regions = [code for code in region_names() if region_members(code) & countries]
    return sorted(countries) + sorted(regions)


def parse(session: Session, params: UseParams) -> UseFilter:
    """Validate the use as a quote would (422 naming the field) and build its condition."""
    terms = _terms(params)
    today = utcnow().date()
    platforms_service.refresh(session)
    use = use_of(terms, [], today)
    if use.portion.unit == PortionUnit.PERCENT and (use.portion.value or 0) > 100:
        raise ValidationFailed("a portion cannot exceed 100 percent", field="portion_value")
    if use.portion.unit != PortionUnit.WHOLE and use.portion.value is None:
        raise ValidationFailed(f"a portion in {use.portion.unit.value} needs a positive value",
                               field="portion_value")
    countries = countries_of(use.territories, use.territories_excluded)
    if not countries:
        raise ValidationFailed("the territories exclude every country", field="territories_excluded")
    linked = next((c for c, kind in LINKED_KINDS.items() if kind == "embodies"), None)
    spec = UseConditionInput(
        rights_by_category={category: needed_rights(category, use) for category in RIGHTS_RULES},
        linked_category=linked,
        template_ids=_fitting_templates(session, use, countries),
        start=use.start, end=use.end, territory_codes=_territory_codes(countries),
        modified=use.modified, portion_length_unit=LENGTH_UNITS.get(use.portion.unit),
        portion_value=use.portion.value)
    sql, sql_params = routinely_clearable(session, spec)
    return UseFilter(use, terms.currency, today, sql, sql_params)


def from_prices(session: Session, use_filter: UseFilter, work_ids: list[str]) -> dict[str, int]:
    """The quote total (minor units of the filter's currency) of each work the engine prices
    completely for the use; works it cannot price without a referral are left out."""
    if not work_ids:
        return {}
    every = dataclasses.replace(use_filter.use, work_ids=tuple(work_ids))
    # One read for the whole page: a market holding other works' facts prices each work alike.
    market = gather(session, every, use_filter.currency, use_filter.today)
    out: dict[str, int] = {}
    for work_id in work_ids:
        one = dataclasses.replace(use_filter.use, work_ids=(work_id,))
        try:
            result = build_quote(one, use_filter.currency, market, use_filter.today)
        except ValidationFailed:  # the use does not fit this work (a portion longer than it)
            continue
        if result.lines and not result.unclearable:
            out[work_id] = result.totals.total_minor
    return out
