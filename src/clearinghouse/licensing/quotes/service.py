"""Quotes: gather the facts a use touches, let the engine price them, keep the answer.

A quote is honoured until `expires_at` whatever happens to prices meanwhile: its lines hold a
snapshot of every offer used. Quotes are typed (licensing/domain.py) and kept through
quotes/repository.py, which holds all quote SQL. Purchase reads quotes through `get_quote` and
`mark_purchased`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal, Role
from clearinghouse.core.audit import record
from clearinghouse.core.clock import utcnow
from clearinghouse.core.errors import Forbidden, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.territories import UnknownTerritory, normalize_codes
from clearinghouse.licensing.catalogue import offers as offers_service
from clearinghouse.licensing.catalogue import rates as rates_service
from clearinghouse.licensing.catalogue import templates as templates_service
from clearinghouse.licensing.domain import (  # noqa: F401  (EXPIRED: re-exported)
    EXPIRED,
    OPEN,
    PURCHASED,
    Quote,
    QuoteState,
)
from clearinghouse.licensing.quotes import repository
from clearinghouse.licensing.quotes.engine import (
    Market,
    QuoteResult,
    build_quote,
    template_covers_terms,
)
from clearinghouse.licensing.quotes.schemas import QuoteCreate, UseTerms
from clearinghouse.licensing.terms import (
    Portion,
    Use,
    back_dated,
    channels_named,
    expand_channels,
)
from clearinghouse.platforms import service as platforms_service
from clearinghouse.registry import repository as registry_repository

RECORDINGS_PER_HINT = 5


def use_of(terms: UseTerms, work_ids: Sequence[str], today: date) -> Use:
    """The engine's Use from the API's terms; territory codes checked and upper-cased."""
    codes: dict[str, list[str]] = {}
    for key in ("territories", "territories_excluded"):
        try:
            codes[key] = normalize_codes(getattr(terms, key))
        except UnknownTerritory as err:
            raise ValidationFailed(str(err), field=key) from err
    if terms.start is not None and back_dated(terms.start, today):
        raise ValidationFailed(
            f"start {terms.start} is in the past: a license starts today ({today}, UTC) or later; "
            "back-dated licenses are not issued",
            field="start",
        )
    return Use(
        work_ids=tuple(work_ids), purpose=terms.purpose,
        channels=frozenset(channels_named(terms.channels)),
        uses=terms.uses, portion=Portion(terms.portion.unit, terms.portion.value),
        modified=terms.modified, territories=tuple(codes["territories"]),
        start=terms.start or today, term_days=terms.term_days, exclusive=terms.exclusive,
        territories_excluded=tuple(codes["territories_excluded"]),
        max_plays=terms.max_plays, max_copies=terms.max_copies)


def gather(session: Session, use: Use, currency: str, today: date) -> Market:
    """Every fact the engine may need for `use`, in a handful of queries."""
    works = repository.works_and_embodied(session, list(dict.fromkeys(use.work_ids)))
    holdings = repository.active_holdings(session, list(works))
    holder_ids = sorted({h.holder_id for h in holdings})
    party_ids = set(holder_ids) | {h.administrator_id for h in holdings if h.administrator_id}
    parties = repository.parties(session, sorted(party_ids))
    conflicts = repository.open_conflicts(session, list(works))
    # Only offers on templates whose terms fit the use can matter: read just those.
    channels = expand_channels(use.channels)
    templates = {tid: t for tid, t in templates_service.active_template_facts(session).items()
                 if template_covers_terms(t, use, channels)}
    offers = offers_service.active_offer_facts(session, holder_ids, list(works), list(templates))
    currencies = {currency} | {o.price.currency for o in offers}
    return Market(
        works=works, holdings=holdings, offers=offers, templates=templates, parties=parties,
        rates=rates_service.rates_on(session, currencies, today),
        fees=rates_service.fees_on(session, today), conflicts=conflicts)


def _licensee(principal: Principal, licensee_id: str | None) -> str:
    wanted = licensee_id or principal.party_id
    if principal.is_operator:
        return wanted
    if not principal.has(Role.LICENSEE):
        raise Forbidden("only a licensee asks for quotes", field="licensee_id")
    if wanted != principal.party_id:
        raise Forbidden("you may quote only for yourself, not on behalf of another party",
                        field="licensee_id")
    return wanted


def save_quote(session: Session, principal: Principal | None, licensee_id: str, use: Use,
               currency: str, result: QuoteResult, valid_seconds: int, *, source: str = "quote",
               referral_id: str | None = None, now: datetime | None = None) -> Quote:
    now = now or utcnow()
    quote = repository.add(session, Quote(
        id=new_id("quo"), licensee_id=licensee_id, use=use, currency=currency,
        lines=result.lines, unclearable=result.unclearable, totals=result.totals, status=OPEN,
        created_at=now, expires_at=now + timedelta(seconds=valid_seconds), source=source,
        referral_id=referral_id))
    record(session, principal, "quote.create", "quote", quote.id, None, summary(quote))
    return quote


def summary(quote: Quote) -> dict[str, Any]:
    return {"id": quote.id, "licensee_id": quote.licensee_id, "status": quote.status,
            "currency": quote.currency, "total_minor": quote.totals.total_minor,
            "lines": len(quote.lines), "unclearable": len(quote.unclearable),
            "source": quote.source, "version": quote.version}


@dataclass(frozen=True)
class PricedQuote:
    """A quote worked out but not yet kept: pricing only reads, so it runs outside the write lock."""

    licensee_id: str
    use: Use
    currency: str
    result: QuoteResult


def price_quote(session: Session, principal: Principal, data: QuoteCreate,
                now: datetime | None = None) -> PricedQuote:
    """`now`: the moment the quote is made (the clock unless given)."""
    licensee_id = _licensee(principal, data.licensee_id)
    # The caller's own party was read with its key; only another party (the operator quoting
    # for a licensee) needs looking up.
    if licensee_id != principal.party_id and registry_repository.get_party(session, licensee_id) is None:
        raise ValidationFailed(f"party {licensee_id} not found", field="licensee_id")
    today = (now or utcnow()).date()
    platforms_service.refresh(session)
    use = use_of(data, list(data.work_ids), today)
    market = gather(session, use, data.currency, today)
    return PricedQuote(licensee_id, use, data.currency, build_quote(use, data.currency, market, today))


def price_for_visitor(session: Session, data: QuoteCreate, now: datetime | None = None) -> QuoteResult:
    """What the use would cost, for someone not signed in (the web pages' live price): the same
    pricing as a quote's, kept nowhere and for no licensee."""
    today = (now or utcnow()).date()
    platforms_service.refresh(session)
    use = use_of(data, list(data.work_ids), today)
    return build_quote(use, data.currency, gather(session, use, data.currency, today), today)


def keep_quote(session: Session, principal: Principal, priced: PricedQuote, valid_seconds: int,
               now: datetime | None = None) -> Quote:
    return save_quote(session, principal, priced.licensee_id, priced.use, priced.currency,
                      priced.result, valid_seconds, now=now)


def create_quote(session: Session, principal: Principal, data: QuoteCreate,
                 valid_seconds: int, *, now: datetime | None = None) -> Quote:
    return keep_quote(session, principal, price_quote(session, principal, data, now),
                      valid_seconds, now)


def recordings_not_named(
        session: Session, quotes: Sequence[Quote]) -> dict[str, list[registry_repository.EmbodimentLink]]:
    """Per quote: the recordings of each composition it names where it names none of them (its
    lines then clear the song, not a recording's master). One query for all the quotes."""
    stated = {q.id: list(q.use.work_ids) for q in quotes}
    links = registry_repository.embodiment_links(
        session, sorted({w for ids in stated.values() for w in ids}), per_work=RECORDINGS_PER_HINT)
    recordings: dict[str, list[registry_repository.EmbodimentLink]] = {}
    carried_by: dict[str, set[str]] = {}  # composition -> recordings of it, among the stated
    for link in links:
        if link.linked_as == "recording":
            recordings.setdefault(link.work_id, []).append(link)
        else:
            carried_by.setdefault(link.linked_id, set()).add(link.work_id)
    out: dict[str, list[registry_repository.EmbodimentLink]] = {}
    for quote_id, ids in stated.items():
        out[quote_id] = [link for song in ids if not carried_by.get(song, set()) & set(ids)
                         for link in recordings.get(song, ())]
    return out


def effective_status(quote: Quote) -> QuoteState:
    """The quote's state now (licensing/domain.py: quote_state)."""
    return quote.state(utcnow())


def get_quote(session: Session, principal: Principal, quote_id: str, *,
              fresh: bool = False) -> Quote:
    """The licensee sees only its own quotes; the operator sees all."""
    quote = repository.get(session, quote_id, fresh=fresh)
    if quote is None:
        raise NotFound(f"quote {quote_id} not found", field="quote_id")
    if not (principal.is_operator or quote.licensee_id == principal.party_id):
        raise Forbidden("this quote is not yours", field="quote_id")
    return quote


def list_quotes(session: Session, principal: Principal, *, status: str | None, offset: int,
                limit: int) -> tuple[Sequence[Quote], int]:
    return repository.page(session, licensee_id=None if principal.is_operator else principal.party_id,
                           state=status, now=utcnow(), offset=offset, limit=limit)


def require_open(quote: Quote) -> None:
    quote.require_open(utcnow())


def mark_purchased(session: Session, quote: Quote, principal: Principal | None = None) -> Quote:
    """Purchase calls this inside its transaction; an accepted referral follows its quote."""
    quote.require_open(utcnow())
    bought = repository.set_status(session, quote, PURCHASED)
    if bought.referral_id:
        repository.set_referral_status(session, bought.referral_id, PURCHASED)
    record(session, principal, "quote.purchase", "quote", bought.id, None, summary(bought))
    return bought
