"""All quote SQL: the facts a quote is priced from, and quotes kept and loaded as domain objects.

Quotes are stored as the JSON they always had (see licensing/domain.py), so rows written before
the typed contract load unchanged. The fact reads are built once: quoting is hot, and building a
statement costs more than running it. Plain rows, not ORM objects: a quote needs a few columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, String, bindparam, cast, func, null, select, union_all, update
from sqlalchemy.orm import Session

from clearinghouse.core.clock import as_utc, utcnow
from clearinghouse.licensing.catalogue.domain import countries_of
from clearinghouse.licensing.catalogue.repository import plain_rows
from clearinghouse.licensing.domain import (
    EXPIRED,
    OPEN,
    Quote,
    QuoteLine,
    QuoteTotals,
    Unclearable,
)
from clearinghouse.licensing.quotes.facts import (
    ConflictFacts,
    HoldingFacts,
    PartyFacts,
    WorkFacts,
    use_from_json,
    use_to_json,
)
from clearinghouse.licensing.tables import Quote as QuoteRow
from clearinghouse.licensing.tables import Referral
from clearinghouse.registry.domain import ConflictKind, RelationKind
from clearinghouse.registry.tables import (
    Holding,
    OwnershipConflict,
    Party,
    Work,
    WorkRelation,
    WorkType,
)

# -- the facts a quote reads ----------------------------------------------------------------------

_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_WORK_COLUMNS = (Work.id, Work.title, WorkType.category, WorkType.length_unit, Work.length,
                 Work.moral_rights)
# The stated works (no carrier) and, in the same statement, the works they embody (carried by
# a stated work: a recording's composition).
_WORKS_AND_EMBODIED = union_all(
    select(cast(null(), String).label("carrier"), *_WORK_COLUMNS)
    .join(WorkType, WorkType.code == Work.type_code).where(Work.id.in_(_IDS)),
    select(WorkRelation.from_work_id.label("carrier"), *_WORK_COLUMNS)
    .join(Work, Work.id == WorkRelation.to_work_id)
    .join(WorkType, WorkType.code == Work.type_code)
    .where(WorkRelation.from_work_id.in_(_IDS), WorkRelation.kind == RelationKind.EMBODIES.value))
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


def works_and_embodied(session: Session, work_ids: Sequence[str]) -> dict[str, WorkFacts]:
    """The stated works and the works they embody (a recording's composition)."""
    stated: list[Any] = []
    embodied: list[Any] = []
    for r in plain_rows(session, _WORKS_AND_EMBODIED, {"ids": list(work_ids)}):
        (stated if r.carrier is None else embodied).append(r)
    rows: dict[str, Any] = {w.id: w for w in stated}
    embodies: dict[str, list[str]] = {}
    for r in embodied:
        embodies.setdefault(r.carrier, []).append(r.id)
        rows.setdefault(r.id, r)
    return {w.id: WorkFacts(w.id, w.title, w.category, w.length, w.length_unit, w.moral_rights,
                            tuple(sorted(embodies.get(w.id, ()))))
            for w in rows.values()}


def active_holdings(session: Session, work_ids: Sequence[str]) -> list[HoldingFacts]:
    return [HoldingFacts(h.id, h.work_id, h.holder_id, frozenset(h.rights), h.share_ppm,
                         countries_of(h.territories, h.territories_excluded), h.valid_from,
                         h.valid_to, h.administrator_id, h.collective)
            for h in plain_rows(session, _HOLDINGS, {"ids": list(work_ids)})]


def parties(session: Session, party_ids: Sequence[str]) -> dict[str, PartyFacts]:
    # Contact details only where the party published them; the rest goes through a referral.
    return {p.id: PartyFacts(p.id, p.name, p.email, p.phone) if p.contact_public
            else PartyFacts(p.id, p.name)
            for p in plain_rows(session, _PARTIES, {"ids": list(party_ids)})}


def open_conflicts(session: Session, work_ids: Sequence[str]) -> list[ConflictFacts]:
    return [ConflictFacts(c.id, c.work_id, c.right, frozenset(c.party_ids),
                          frozenset(c.territories), c.period_start, c.period_end)
            for c in plain_rows(session, _CONFLICTS, {"ids": list(work_ids)})]


# -- quotes ---------------------------------------------------------------------------------------


def _from_row(row: QuoteRow) -> Quote:
    return Quote(
        id=row.id, licensee_id=row.licensee_id, use=use_from_json(row.use),
        currency=row.currency,
        lines=tuple(QuoteLine.from_json(line) for line in row.lines),
        unclearable=tuple(Unclearable.from_json(u) for u in row.unclearable or ()),
        totals=QuoteTotals.from_json(row.totals), status=row.status,
        created_at=as_utc(row.created_at), expires_at=as_utc(row.expires_at), source=row.source,
        referral_id=row.referral_id, version=row.version)


# Built once, on the table (no ORM work per statement): building one cost more than running it.
_QUOTES = QuoteRow.__table__
_INSERT = _QUOTES.insert()


def add(session: Session, quote: Quote) -> Quote:
    # A Core INSERT on the session's connection: the quote is written once and never loaded
    # as an entity here, so the unit of work's bookkeeping bought nothing on this hot path.
    if session.new or session.dirty:
        session.flush()  # what it refers to (a referral, say) goes first
    session.connection().execute(_INSERT, {
        "id": quote.id, "licensee_id": quote.licensee_id, "use": use_to_json(quote.use),
        "currency": quote.currency, "lines": [line.to_json() for line in quote.lines],
        "unclearable": [u.to_json() for u in quote.unclearable],
        "totals": quote.totals.to_json(), "status": quote.status, "source": quote.source,
        "referral_id": quote.referral_id, "created_at": quote.created_at,
        "updated_at": quote.created_at, "expires_at": quote.expires_at,
        "version": quote.version})
    return quote


def get(session: Session, quote_id: str, *, fresh: bool = False) -> Quote | None:
    """A quote by id; `fresh` reads the row again (after waiting for a lock, say)."""
    row = session.get(QuoteRow, quote_id, populate_existing=fresh)
    return None if row is None else _from_row(row)


def page(session: Session, *, licensee_id: str | None, state: str | None, now: datetime,
         offset: int, limit: int) -> tuple[list[Quote], int]:
    """Quotes newest first: all of them, or one licensee's; `state` as quote_state computes it."""
    query = select(QuoteRow)
    if licensee_id is not None:
        query = query.where(QuoteRow.licensee_id == licensee_id)
    if state == EXPIRED:
        query = query.where(QuoteRow.status == OPEN, QuoteRow.expires_at <= now)
    elif state == OPEN:
        query = query.where(QuoteRow.status == OPEN, QuoteRow.expires_at > now)
    elif state:
        query = query.where(QuoteRow.status == state)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(QuoteRow.created_at.desc(), QuoteRow.id)
                           .offset(offset).limit(limit)).all()
    return [_from_row(r) for r in rows], total


_SET_STATUS = (update(_QUOTES).where(_QUOTES.c.id == bindparam("quote_id"))
               .values(status=bindparam("status"), version=_QUOTES.c.version + 1,
                       updated_at=bindparam("updated_at"))
               .returning(_QUOTES.c.version))


def set_status(session: Session, quote: Quote, status: str) -> Quote:
    """One UPDATE … RETURNING: the caller holds the quote it read, so it is not loaded again."""
    now = utcnow()
    version = session.execute(
        _SET_STATUS, {"quote_id": quote.id, "status": status, "updated_at": now},
    ).scalar_one_or_none()
    if version is None:
        raise LookupError(f"quote {quote.id} is gone")
    # A Core UPDATE leaves a row the session loaded as it was: read it afresh if asked again.
    loaded = session.identity_map.get(session.identity_key(QuoteRow, quote.id))
    if loaded is not None:
        session.expire(loaded)
    return replace(quote, status=status, version=version)


def set_referral_status(session: Session, referral_id: str, status: str) -> None:
    referral = session.get(Referral, referral_id)
    if referral is not None:
        referral.status = status
        referral.touch()
        session.flush()
