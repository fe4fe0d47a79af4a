"""Quotes: gather the facts a use touches, let the engine price them, keep the answer.

A quote is honoured until `expires_at` whatever happens to prices meanwhile: its lines hold a
snapshot of every offer used. Purchase reads quotes through `get_quote` and `mark_purchased`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import BindParameter, bindparam, func, select
from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.clock import as_utc, utcnow
from clearinghouse.core.errors import Conflict, Forbidden, Gone, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.territories import UnknownTerritory, normalize_codes
from clearinghouse.licensing.catalogue import offers as offers_service
from clearinghouse.licensing.catalogue import rates as rates_service
from clearinghouse.licensing.catalogue import templates as templates_service
from clearinghouse.licensing.quotes.engine import (
    ConflictFacts,
    HoldingFacts,
    Market,
    PartyFacts,
    QuoteResult,
    WorkFacts,
    build_quote,
    countries_of,
    template_covers_terms,
    use_to_json,
)
from clearinghouse.licensing.quotes.schemas import QuoteCreate, UseTerms
from clearinghouse.licensing.tables import Quote, Referral
from clearinghouse.licensing.terms import (
    Portion,
    Use,
    back_dated,
    channels_named,
    expand_channels,
)
from clearinghouse.platforms import service as platforms_service
from clearinghouse.registry import repository
from clearinghouse.registry.audit import record
from clearinghouse.registry.domain import ConflictKind, RelationKind, Role
from clearinghouse.registry.tables import (
    Holding,
    OwnershipConflict,
    Party,
    Work,
    WorkRelation,
    WorkType,
)

OPEN, PURCHASED, EXPIRED = "open", "purchased", "expired"
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
        territories_excluded=tuple(codes["territories_excluded"]))


def _party_facts(p: Any) -> PartyFacts:
    # Contact details only where the party published them; the rest goes through a referral.
    if p.contact_public:
        return PartyFacts(p.id, p.name, p.email, p.phone)
    return PartyFacts(p.id, p.name)


# The reads a quote makes, built once: quoting is hot, and building a statement costs more than
# running it. Plain rows, not ORM objects: a quote needs a few columns, not a work's creators.
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_WORK_COLUMNS = (Work.id, Work.title, WorkType.category, WorkType.length_unit, Work.length,
                 Work.moral_rights)
_WORKS = select(*_WORK_COLUMNS).join(WorkType, WorkType.code == Work.type_code).where(
    Work.id.in_(_IDS))
_EMBODIED = (select(WorkRelation.from_work_id.label("carrier"), *_WORK_COLUMNS)
             .join(Work, Work.id == WorkRelation.to_work_id)
             .join(WorkType, WorkType.code == Work.type_code)
             .where(WorkRelation.from_work_id.in_(_IDS),
                    WorkRelation.kind == RelationKind.EMBODIES.value))
_HOLDINGS = select(Holding.id, Holding.work_id, Holding.holder_id, Holding.rights,
                   Holding.share_ppm, Holding.territories, Holding.territories_excluded,
                   Holding.valid_from, Holding.valid_to, Holding.administrator_id,
                   Holding.collective).where(Holding.work_id.in_(_IDS), Holding.status == "active")
_PARTIES = select(Party.id, Party.name, Party.email, Party.phone, Party.contact_public).where(
    Party.id.in_(_IDS))
_CONFLICTS = select(OwnershipConflict.id, OwnershipConflict.work_id, OwnershipConflict.right,
                    OwnershipConflict.party_ids, OwnershipConflict.territories,
                    OwnershipConflict.period_start, OwnershipConflict.period_end).where(
    OwnershipConflict.work_id.in_(_IDS), OwnershipConflict.status == "open",
    # A pending claim disputes nothing: it grants nothing and must not block the real holders.
    OwnershipConflict.kind == ConflictKind.OVER_CLAIM.value)


def gather(session: Session, use: Use, currency: str, today: date) -> Market:
    """Every fact the engine may need for `use`, in a handful of queries."""
    stated = list(dict.fromkeys(use.work_ids))
    rows: dict[str, Any] = {w.id: w for w in session.execute(_WORKS, {"ids": stated})}
    embodies: dict[str, list[str]] = {}
    for r in session.execute(_EMBODIED, {"ids": list(rows)}):
        embodies.setdefault(r.carrier, []).append(r.id)
        rows.setdefault(r.id, r)
    works = {w.id: WorkFacts(w.id, w.title, w.category, w.length, w.length_unit, w.moral_rights,
                             tuple(sorted(embodies.get(w.id, ()))))
             for w in rows.values()}
    holdings = [HoldingFacts(h.id, h.work_id, h.holder_id, frozenset(h.rights), h.share_ppm,
                             countries_of(h.territories, h.territories_excluded), h.valid_from,
                             h.valid_to, h.administrator_id, h.collective)
                for h in session.execute(_HOLDINGS, {"ids": list(works)})]
    holder_ids = sorted({h.holder_id for h in holdings})
    party_ids = set(holder_ids) | {h.administrator_id for h in holdings if h.administrator_id}
    parties = {p.id: _party_facts(p) for p in session.execute(_PARTIES, {"ids": sorted(party_ids)})}
    conflicts = [ConflictFacts(c.id, c.work_id, c.right, frozenset(c.party_ids),
                               frozenset(c.territories), c.period_start, c.period_end)
                 for c in session.execute(_CONFLICTS, {"ids": list(works)})]
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
               referral_id: str | None = None) -> Quote:
    now = utcnow()
    quote = Quote(id=new_id("quo"), licensee_id=licensee_id, use=use_to_json(use),
                  currency=currency, lines=result.lines, unclearable=result.unclearable,
                  totals=result.totals, status=OPEN, source=source, referral_id=referral_id,
                  created_at=now, updated_at=now, expires_at=now + timedelta(seconds=valid_seconds))
    session.add(quote)
    session.flush()
    record(session, principal, "quote.create", "quote", quote.id, None, summary(quote))
    return quote


def summary(quote: Quote) -> dict[str, Any]:
    return {"id": quote.id, "licensee_id": quote.licensee_id, "status": quote.status,
            "currency": quote.currency, "total_minor": quote.totals.get("total_minor"),
            "lines": len(quote.lines), "unclearable": len(quote.unclearable),
            "source": quote.source, "version": quote.version}


@dataclass(frozen=True)
class PricedQuote:
    """A quote worked out but not yet kept: pricing only reads, so it runs outside the write lock."""

    licensee_id: str
    use: Use
    currency: str
    result: QuoteResult


def price_quote(session: Session, principal: Principal, data: QuoteCreate) -> PricedQuote:
    licensee_id = _licensee(principal, data.licensee_id)
    if repository.get_party(session, licensee_id) is None:
        raise ValidationFailed(f"party {licensee_id} not found", field="licensee_id")
    today = utcnow().date()
    platforms_service.refresh(session)
    use = use_of(data, list(data.work_ids), today)
    market = gather(session, use, data.currency, today)
    return PricedQuote(licensee_id, use, data.currency, build_quote(use, data.currency, market, today))


def keep_quote(session: Session, principal: Principal, priced: PricedQuote, valid_seconds: int) -> Quote:
    return save_quote(session, principal, priced.licensee_id, priced.use, priced.currency, priced.result,
                      valid_seconds)


def create_quote(session: Session, principal: Principal, data: QuoteCreate,
                 valid_seconds: int) -> Quote:
    return keep_quote(session, principal, price_quote(session, principal, data), valid_seconds)


def recordings_not_named(session: Session,
                         quotes: Sequence[Quote]) -> dict[str, list[repository.EmbodimentLink]]:
    """Per quote: the recordings of each composition it names where it names none of them (its
    lines then clear the song, not a recording's master). One query for all the quotes."""
    stated = {q.id: list(q.use.get("work_ids", ())) for q in quotes}
    links = repository.embodiment_links(
        session, sorted({w for ids in stated.values() for w in ids}), per_work=RECORDINGS_PER_HINT)
    recordings: dict[str, list[repository.EmbodimentLink]] = {}
    carried_by: dict[str, set[str]] = {}  # composition -> recordings of it, among the stated
    for link in links:
        if link.linked_as == "recording":
            recordings.setdefault(link.work_id, []).append(link)
        else:
            carried_by.setdefault(link.linked_id, set()).add(link.work_id)
    out: dict[str, list[repository.EmbodimentLink]] = {}
    for quote_id, ids in stated.items():
        out[quote_id] = [link for song in ids if not carried_by.get(song, set()) & set(ids)
                         for link in recordings.get(song, ())]
    return out


QuoteStatus = Literal["open", "purchased", "expired"]


def effective_status(quote: Quote) -> QuoteStatus:
    """`expired` once past `expires_at` (computed on read: expiry is a fact of the clock)."""
    if quote.status == OPEN and as_utc(quote.expires_at) <= utcnow():
        return "expired"
    if quote.status == PURCHASED:
        return "purchased"
    return "open" if quote.status == OPEN else "expired"


def get_quote(session: Session, principal: Principal, quote_id: str) -> Quote:
    """The licensee sees only its own quotes; the operator sees all."""
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise NotFound(f"quote {quote_id} not found", field="quote_id")
    if not (principal.is_operator or quote.licensee_id == principal.party_id):
        raise Forbidden("this quote is not yours", field="quote_id")
    return quote


def list_quotes(session: Session, principal: Principal, *, status: str | None, offset: int,
                limit: int) -> tuple[Sequence[Quote], int]:
    query = select(Quote)
    if not principal.is_operator:
        query = query.where(Quote.licensee_id == principal.party_id)
    if status == EXPIRED:
        query = query.where(Quote.status == OPEN, Quote.expires_at <= utcnow())
    elif status == OPEN:
        query = query.where(Quote.status == OPEN, Quote.expires_at > utcnow())
    elif status:
        query = query.where(Quote.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Quote.created_at.desc(), Quote.id)
                           .offset(offset).limit(limit)).all()
    return rows, total


def require_open(quote: Quote) -> None:
    if quote.status == PURCHASED:
        raise Conflict(f"quote {quote.id} was already purchased", field="quote_id")
    if effective_status(quote) == EXPIRED:
        expired = as_utc(quote.expires_at).isoformat()
        raise Gone(f"quote {quote.id} expired at {expired}; ask for a new quote",
                   field="quote_id", details={"expired_at": expired})


def mark_purchased(session: Session, quote: Quote, principal: Principal | None = None) -> Quote:
    """Purchase calls this inside its transaction; an accepted referral follows its quote."""
    require_open(quote)
    quote.status = PURCHASED
    quote.touch()
    if quote.referral_id:
        referral = session.get(Referral, quote.referral_id)
        if referral is not None:
            referral.status = PURCHASED
            referral.touch()
    session.flush()
    record(session, principal, "quote.purchase", "quote", quote.id, None, summary(quote))
    return quote
