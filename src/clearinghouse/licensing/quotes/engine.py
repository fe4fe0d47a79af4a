"""The quote engine: which rights a use needs, who holds them, which offer clears each, the price.

Pure: dataclasses in, the typed quote (licensing/domain.py, the contract with purchase) out. The
service gathers the facts from the database; everything here is deterministic, so the same facts
give the same quote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from clearinghouse.core.clock import ranges_overlap
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.shares import FULL_SHARE_PPM, format_share
from clearinghouse.licensing.catalogue.domain import (
    FeeFacts,
    OfferFacts,
    Price,
    RateFacts,
    TemplateFacts,
    countries_of,
    template_facts,
)
from clearinghouse.licensing.domain import (
    Unclearable,
    covers_period,
    held_countries,
    holder_share,
    share_range,
)
from clearinghouse.licensing.quotes.facts import (
    ConflictFacts,
    HoldingFacts,
    Market,
    PartyFacts,
    QuoteResult,
    WorkFacts,
    use_from_json,
    use_to_json,
)
from clearinghouse.licensing.quotes.pricing import PricedDraft, RateBook, price_drafts
from clearinghouse.licensing.terms import (
    Channel,
    Modification,
    PortionUnit,
    Purpose,
    Use,
    expand_channels,
)
from clearinghouse.registry.domain import Right

__all__ = [
    "ConflictFacts", "FeeFacts", "HoldingFacts", "Market", "OfferFacts", "PartyFacts", "Price",
    "PricedDraft", "QuoteResult", "RateFacts", "TemplateFacts", "WorkFacts", "adaptation_gaps",
    "build_quote", "countries_of", "needed_rights", "price_referral", "template_covers_terms", "template_facts",
    "use_from_json", "use_to_json", "validate_use",
]

# -- the rules: which rights a use of a work needs (data, not code) ------------------------------
# Each row: (right, when). `when` is one of: always | public | physical | modified.
RIGHTS_RULES: dict[str, tuple[tuple[Right, str], ...]] = {
    "composition": ((Right.SYNCHRONISATION, "always"), (Right.MECHANICAL, "physical")),
    "recording": ((Right.MASTER_USE, "always"),),
    "audiovisual": ((Right.REPRODUCE, "always"), (Right.PERFORM_PUBLIC, "public")),
    "image": ((Right.REPRODUCE, "always"), (Right.DISPLAY_PUBLIC, "public")),
    "text": ((Right.REPRODUCE, "always"),),
    "software": ((Right.REPRODUCE, "always"), (Right.DISTRIBUTE, "always")),
}
EVERY_CATEGORY: tuple[tuple[Right, str], ...] = ((Right.MODIFY, "modified"),)
# A recording carries the composition it embodies: quoting one quotes both, as separate lines.
LINKED_KINDS: dict[str, str] = {"recording": "embodies"}
# Units a portion may be stated in, by the work type's length unit (percent and whole always work).
PORTION_UNITS = {"seconds": PortionUnit.SECONDS, "words": PortionUnit.WORDS}


# -- the use -------------------------------------------------------------------------------------


def _check_portion(use: Use, work: WorkFacts, index: int) -> None:
    unit, value = use.portion.unit, use.portion.value
    if unit == PortionUnit.WHOLE:
        return
    if value is None or value <= 0:
        raise ValidationFailed(f"a portion in {unit.value} needs a positive value",
                               field="portion.value")
    if unit == PortionUnit.PERCENT:
        if value > 100:
            raise ValidationFailed("a portion cannot exceed 100 percent", field="portion.value")
        return
    if PORTION_UNITS.get(work.length_unit) != unit:
        raise ValidationFailed(
            f"work {work.id} ({work.title}) is measured in {work.length_unit}, so a portion in "
            f"{unit.value} does not fit it; use 'whole' or 'percent'", field="portion",
            details=[{"field": "portion", "work_id": work.id, "message": "unit does not fit"},
                     {"field": f"work_ids[{index}]", "message": "this work"}])
    if work.length is not None and value > work.length:
        raise ValidationFailed(
            f"a portion of {value} {unit.value} is longer than work {work.id} ({work.title}), "
            f"which is {work.length} {unit.value} long", field="portion",
            details=[{"field": "portion", "work_id": work.id, "length": work.length,
                      "message": "longer than the work"}])


def validate_use(use: Use, works: Mapping[str, WorkFacts]) -> frozenset[str]:
    """Refuse a use that cannot be right for the works; returns the use's countries."""
    if not use.work_ids:
        raise ValidationFailed("name at least one work", field="work_ids")
    if len(set(use.work_ids)) != len(use.work_ids):
        raise ValidationFailed("a work is named twice", field="work_ids")
    if not use.channels:
        raise ValidationFailed("name at least one channel", field="channels")
    if use.uses < 1:
        raise ValidationFailed("uses must be at least 1", field="uses")
    if use.term_days is not None and use.term_days < 1:
        raise ValidationFailed("term_days must be at least 1 (or null for perpetual)",
                               field="term_days")
    for i, work_id in enumerate(use.work_ids):
        work = works.get(work_id)
        if work is None:
            raise ValidationFailed(f"work {work_id} not found", field=f"work_ids[{i}]")
        _check_portion(use, work, i)
    countries = countries_of(use.territories, use.territories_excluded)
    if not countries:
        raise ValidationFailed("the territories exclude every country",
                               field="territories_excluded")
    return countries


def _applies(when: str, use: Use, channels: frozenset[Channel]) -> bool:
    if when == "always":
        return True
    if when == "public":
        return use.purpose != Purpose.INTERNAL
    if when == "physical":
        return Channel.PHYSICAL in channels
    return when == "modified" and use.modified


def needed_rights(category: str, use: Use) -> list[str]:
    channels = expand_channels(use.channels)
    rows = RIGHTS_RULES.get(category, ()) + EVERY_CATEGORY
    return [right.value for right, when in rows if _applies(when, use, channels)]


def _needed_parts(use: Use, works: Mapping[str, WorkFacts]) -> list[tuple[WorkFacts, str]]:
    """(work, right) pairs: the stated works first, then what they carry (e.g. a composition)."""
    order: list[str] = []
    queue = list(use.work_ids)
    while queue:
        work_id = queue.pop(0)
        if work_id in order or work_id not in works:
            continue
        order.append(work_id)
        if LINKED_KINDS.get(works[work_id].category) == "embodies":
            queue.extend(works[work_id].embodies)
    return [(works[w], r) for w in order for r in needed_rights(works[w].category, use)]


def template_covers_terms(t: TemplateFacts, use: Use, use_channels: frozenset[Channel]) -> bool:
    """Everything a template decides that does not depend on the work or the holder."""
    if t.purpose.rank < use.purpose.rank or not use_channels <= t.channels:
        return False
    if use.uses > t.max_uses or t.exclusive != use.exclusive:
        return False
    if use.modified and t.modification == Modification.ORIGINAL_ONLY:
        return False
    if t.term_days is None:
        return True
    return use.term_days is not None and use.term_days <= t.term_days


# -- building a quote ------------------------------------------------------------------------------


def _unclearable(work_id: str, right: str, holder_id: str | None, reason: str, message: str,
                 countries: Iterable[str], contact: dict[str, Any] | None = None,
                 share_ppm: int | None = None) -> Unclearable:
    return Unclearable(work_id=work_id, right=right, reason=reason, holder_id=holder_id,
                       message=message, contact=contact,
                       share=None if share_ppm is None else format_share(share_ppm),
                       countries=tuple(sorted(countries)))


class _Quoter:
    def __init__(self, use: Use, currency: str, market: Market, today: date) -> None:
        self.use, self.currency, self.market = use, currency, market
        self.countries = validate_use(use, market.works)
        self.channels = expand_channels(use.channels)
        self.rates = RateBook(market.rates, today)
        self.holdings: dict[str, list[HoldingFacts]] = defaultdict(list)
        for h in market.holdings:
            self.holdings[h.work_id].append(h)
        self.offers: dict[str, list[OfferFacts]] = defaultdict(list)
        for o in market.offers:
            self.offers[o.holder_id].append(o)
        # Templates that fit the use's purpose, channels, uses, edits, term and exclusivity.
        self.fitting = {tid: t for tid, t in market.templates.items()
                        if template_covers_terms(t, use, self.channels)}
        self.drafts: list[PricedDraft] = []
        self.unclearable: list[Unclearable] = []

    def _party(self, party_id: str) -> PartyFacts:
        return self.market.parties.get(party_id) or PartyFacts(party_id, party_id)

    def _covers_period(self, h: HoldingFacts) -> bool:
        return covers_period(h.valid_from, h.valid_to, self.use.start, self.use.end)

    def run(self) -> None:
        for work, right in _needed_parts(self.use, self.market.works):
            self._part(work, right)

    def _held(self, work: WorkFacts, right: str) -> tuple[dict[str, list[HoldingFacts]], set[str]]:
        """The holdings of `right` in `work` that count for this use, by holder, and the disputed
        holders; an unclaimed share (where nobody disputes it) is reported on the way."""
        here = [h for h in self.holdings.get(work.id, ())
                if right in h.rights and h.countries & self.countries and self._covers_period(h)]
        disputed: set[str] = set()
        for c in self.market.conflicts:
            if (c.work_id == work.id and c.right == right and c.countries & self.countries
                    and ranges_overlap(c.period_start, c.period_end, self.use.start, self.use.end)):
                disputed |= c.party_ids
        if not disputed:
            lowest, _ = share_range(here, self.countries)
            if lowest < FULL_SHARE_PPM:
                self._unclaimed(work, right, here, FULL_SHARE_PPM - lowest)
        by_holder: dict[str, list[HoldingFacts]] = defaultdict(list)
        for h in here:
            by_holder[h.holder_id].append(h)
        return by_holder, disputed

    def _part(self, work: WorkFacts, right: str) -> None:
        by_holder, disputed = self._held(work, right)
        for holder_id in sorted(by_holder):
            self._holder(work, right, holder_id, by_holder[holder_id], holder_id in disputed)

    def adaptation_gaps(self, cleared: Collection[tuple[str, str]]) -> None:
        """A modified use needs each stated work's modify right, whoever approved the edit: list
        every share of it that is not among `cleared` ((work, holder) pairs on the quote's lines)."""
        if not self.use.modified:
            return
        right = Right.MODIFY.value
        for work_id in self.use.work_ids:
            work = self.market.works[work_id]
            by_holder, _ = self._held(work, right)
            for holder_id in sorted(by_holder):
                if (work.id, holder_id) in cleared:
                    continue
                hs = by_holder[holder_id]
                holder = self._party(holder_id)
                countries = held_countries(hs, self.countries)
                share = holder_share(hs, self.countries)
                admin_id = next((h.administrator_id for h in hs if h.administrator_id), None)
                self.unclearable.append(_unclearable(
                    work.id, right, holder_id, "adaptation_right_not_cleared",
                    f"the use is modified, so it needs the modify right in {work.title} as well as "
                    f"the author's approval; {holder.name}'s {format_share(share)}% of that right "
                    f"is not part of this quote: quote it, or refer it to {holder.name}",
                    countries, self._party(admin_id or holder_id).contact(), share))

    def _unclaimed(self, work: WorkFacts, right: str, here: list[HoldingFacts],
                   missing: int) -> None:
        short = sorted(c for c in self.countries
                       if sum(h.share_ppm for h in here if c in h.countries) < FULL_SHARE_PPM)
        where = ", ".join(short[:5]) + (f" and {len(short) - 5} more" if len(short) > 5 else "")
        self.unclearable.append(_unclearable(
            work.id, right, None, "unclaimed_share",
            f"{format_share(missing)}% of {right} in {work.title} is held by no registered holder "
            f"for the whole period in {where}; that part cannot be licensed here", short, None,
            missing))

    def _holder(self, work: WorkFacts, right: str, holder_id: str, hs: list[HoldingFacts],
                disputed: bool) -> None:
        holder = self._party(holder_id)
        countries = held_countries(hs, self.countries)
        share = holder_share(hs, self.countries)
        admin_id = next((h.administrator_id for h in hs if h.administrator_id), None)
        contact = self._party(admin_id or holder_id).contact()
        if disputed:
            reason, message = "ownership_conflict", (
                f"who holds {right} in {work.title} is disputed (an open ownership conflict); "
                "it cannot be licensed until the operator resolves it")
        elif any(h.collective for h in hs):
            society = self._party(admin_id).name if admin_id else "the collecting society"
            reason, message = "collective_management", (
                f"{holder.name}'s share of {right} in {work.title} is administered collectively; "
                f"license it from {society}")
        elif self.use.modified and work.moral_rights == "approval_required":
            reason, message = "author_approval_required", (
                f"the author of {work.title} must approve modifications; "
                f"ask {holder.name} by referral")
        else:
            self._choose_offer(work, right, holder, share, countries, contact)
            return
        self.unclearable.append(
            _unclearable(work.id, right, holder_id, reason, message, countries, contact, share))

    def _choose_offer(self, work: WorkFacts, right: str, holder: PartyFacts, share: int,
                      countries: frozenset[str], contact: dict[str, Any]) -> None:
        fitting: list[tuple[OfferFacts, TemplateFacts]] = []
        for o in self.offers.get(holder.id, ()):
            t = self.fitting.get(o.template_id)
            if (t is not None and right in o.rights and o.covers_work(work.id)
                    and countries <= t.countries
                    and self.use.portion.fits_within(t.portion, work.length)):
                fitting.append((o, t))
        declined = {o.template_id for o, _ in fitting if o.declined}
        priced = [(o, t) for o, t in fitting if not o.declined and o.template_id not in declined]
        if not priced:
            reason, message = (
                ("declined",
                 f"{holder.name} declined to license {right} in {work.title} for this use")
                if declined else
                ("no_offer", f"{holder.name} offers no routine license of {right} in {work.title} "
                             "that covers this use; ask by referral"))
            self.unclearable.append(_unclearable(
                work.id, right, holder.id, reason, message, countries, contact, share))
            return
        ranked = []
        for o, t in priced:
            converted = self.rates.convert(o.price.upfront_minor, o.price.currency, self.currency)
            if converted is not None:
                ranked.append((converted, o.id, o, t))
        if not ranked:
            currencies = ", ".join(sorted({o.price.currency for o, _ in priced}))
            self.unclearable.append(_unclearable(
                work.id, right, holder.id, "no_exchange_rate",
                f"{holder.name} prices {right} in {work.title} in {currencies}, and there is no "
                f"exchange rate to {self.currency}; quote in {currencies} instead", countries, contact,
                share))
            return
        _, _, offer, template = min(ranked, key=lambda r: (r[0], r[1]))
        self.drafts.append(PricedDraft(
            work_id=work.id, work_title=work.title, right=right, holder_id=holder.id,
            holder_name=holder.name, share_ppm=share, price=offer.price, offer_id=offer.id,
            offer_version=offer.version, template_id=template.id, template_code=template.code,
            countries=tuple(sorted(countries))))


def build_quote(use: Use, currency: str, market: Market, today: date) -> QuoteResult:
    """Price `use` in `currency` from the facts in `market` as of `today`."""
    quoter = _Quoter(use, currency, market, today)
    quoter.run()
    lines, totals = price_drafts(quoter.drafts, currency, quoter.rates, market.fees)
    return QuoteResult(lines, _in_order(quoter.unclearable), totals)



def adaptation_gaps(use: Use, currency: str, market: Market, today: date,
                    cleared: Collection[tuple[str, str]]) -> tuple[Unclearable, ...]:
    """What a quote for a modified use leaves of the modify right: each share held by someone not
    in `cleared` ((work, holder) pairs), and any share held by nobody. Empty for an unmodified use."""
    quoter = _Quoter(use, currency, market, today)
    quoter.adaptation_gaps(cleared)
    return _in_order(quoter.unclearable)


def _in_order(unclearable: list[Unclearable]) -> tuple[Unclearable, ...]:
    return tuple(sorted(unclearable, key=Unclearable.sort_key))


def price_referral(draft: PricedDraft, currency: str, rates: Sequence[RateFacts], fees: FeeFacts,
                   today: date) -> QuoteResult:
    """The quote an accepted referral becomes: one line at the negotiated price."""
    book = RateBook(rates, today)
    if book.convert(draft.price.upfront_minor, draft.price.currency, currency) is None:
        raise ValidationFailed(
            f"there is no exchange rate from {draft.price.currency} to {currency} (the licensee's "
            f"currency); price in {currency}", field="price.currency")
    lines, totals = price_drafts([draft], currency, book, fees)
    return QuoteResult(lines, (), totals)
