"""All SQL of the catalogue: templates, offers (rate cards), exchange rates and fee schedules.

Statements that every quote runs are built once (bound parameters), since building one costs
more than running it on a small catalogue, and run on the session's connection: they read
columns, not entities, so the ORM's per-statement work buys nothing there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, Select, String, and_, bindparam, cast, func, or_, select
from sqlalchemy.orm import Session

from clearinghouse.licensing.catalogue.domain import TERM_FIELDS, Price
from clearinghouse.licensing.tables import ExchangeRate, FeeSchedule, LicenseTemplate, Offer


def plain_rows(session: Session, statement: Any, params: dict[str, Any] | None = None) -> Any:
    """Run a prebuilt select of columns on the session's connection: plain rows, without the
    ORM's per-statement work, which buys nothing for a select of columns. Pending changes are
    flushed first, as the ORM's autoflush would."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection().execute(statement, params)


def _page(session: Session, query: Select[Any], order: Sequence[Any], offset: int,
          limit: int) -> tuple[Sequence[Any], int]:
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return session.scalars(query.order_by(*order).offset(offset).limit(limit)).all(), total


# -- templates ----------------------------------------------------------------------------------


def get_template(session: Session, ref: str) -> LicenseTemplate | None:
    """By id (`tpl_…`) or by code (`creator-short-video-30s`)."""
    return session.get(LicenseTemplate, ref) or template_by_code(session, ref)


def template_by_code(session: Session, code: str) -> LicenseTemplate | None:
    return session.scalars(select(LicenseTemplate).where(LicenseTemplate.code == code)).first()


def page_of_templates(session: Session, *, active: bool | None, purpose: str | None,
                      offset: int, limit: int) -> tuple[Sequence[LicenseTemplate], int]:
    """By code, and the total."""
    query = select(LicenseTemplate)
    if active is not None:
        query = query.where(LicenseTemplate.active.is_(active))
    if purpose:
        query = query.where(LicenseTemplate.purpose == purpose)
    return _page(session, query, [LicenseTemplate.code], offset, limit)


def template_is_priced(session: Session, template_id: str) -> bool:
    """Whether an active offer prices the template."""
    return (session.scalar(select(func.count()).select_from(Offer).where(
        Offer.template_id == template_id, Offer.status == "active")) or 0) > 0


def active_templates(session: Session) -> list[LicenseTemplate]:
    return list(session.scalars(select(LicenseTemplate).where(LicenseTemplate.active.is_(True))))


_ACTIVE_TERMS = select(LicenseTemplate.id, LicenseTemplate.code,
                       *(getattr(LicenseTemplate, k) for k in TERM_FIELDS)).where(
    LicenseTemplate.active.is_(True))


def active_template_terms(session: Session) -> Sequence[Any]:
    """Id, code and TERM_FIELDS of every active template (what quoting needs, not whole rows)."""
    return plain_rows(session, _ACTIVE_TERMS).all()


# -- offers -------------------------------------------------------------------------------------


def page_of_offers(session: Session, *, holder_ids: Sequence[str] | None, status: str | None,
                   offset: int, limit: int) -> tuple[Sequence[Offer], int]:
    """Oldest first, and the total; of these holders (None: everyone's)."""
    query = select(Offer)
    if holder_ids is not None:
        query = query.where(Offer.holder_id.in_(sorted(holder_ids)))
    if status:
        query = query.where(Offer.status == status)
    return _page(session, query, [Offer.created_at, Offer.id], offset, limit)


def _for_works(query: Select[Any], work_ids: Sequence[str]) -> Select[Any]:
    # work_ids is a short JSON list; matching its text is portable across SQLite and PostgreSQL.
    return query.where(or_(Offer.scope == "catalogue",
                           *[cast(Offer.work_ids, String).like(f'%"{w}"%') for w in work_ids]))


def active_offers(session: Session, holder_ids: Sequence[str],
                  work_ids: Sequence[str]) -> list[Offer]:
    """The active offers of these holders that may cover any of these works, by id."""
    if not holder_ids or not work_ids:
        return []
    query = select(Offer).where(Offer.holder_id.in_(sorted(set(holder_ids))),
                                Offer.status == "active")
    return list(session.scalars(_for_works(query, work_ids).order_by(Offer.id)))


# The price columns in Price's own field order, so a row slice builds a Price positionally.
OFFER_COLUMNS = (Offer.id, Offer.version, Offer.holder_id, Offer.template_id, Offer.rights,
                 Offer.scope, Offer.work_ids, Offer.declined,
                 *(getattr(Offer, f.name) for f in fields(Price)))


@lru_cache(maxsize=64)
def _offer_facts_query(works: int) -> Any:
    """Built once per number of works (quoting is hot; building a statement costs time)."""
    return (select(*OFFER_COLUMNS)
            .where(Offer.holder_id.in_(bindparam("holders", expanding=True)),
                   Offer.template_id.in_(bindparam("templates", expanding=True)),
                   Offer.status == "active",
                   or_(Offer.scope == "catalogue",
                       *[cast(Offer.work_ids, String).like(bindparam(f"w{i}"))
                         for i in range(works)]))
            .order_by(Offer.id))


def active_offer_rows(session: Session, holder_ids: Sequence[str], work_ids: Sequence[str],
                      template_ids: Sequence[str]) -> Sequence[Any]:
    """OFFER_COLUMNS of the active offers of these holders on these templates that may cover
    these works, by id."""
    params: dict[str, Any] = {"holders": list(holder_ids), "templates": list(template_ids)}
    params |= {f"w{i}": f'%"{w}"%' for i, w in enumerate(work_ids)}
    return plain_rows(session, _offer_facts_query(len(work_ids)), params).all()


# -- exchange rates and fees --------------------------------------------------------------------


def rate_on(session: Session, base: str, quote: str, effective: date) -> ExchangeRate | None:
    """The rate of one pair effective on exactly that day."""
    return session.scalars(select(ExchangeRate).where(
        ExchangeRate.base == base, ExchangeRate.quote == quote,
        ExchangeRate.effective == effective)).first()


def page_of_rates(session: Session, *, base: str | None, quote: str | None, offset: int,
                  limit: int) -> tuple[Sequence[ExchangeRate], int]:
    """By pair, newest first within a pair; and the total."""
    query = select(ExchangeRate)
    if base:
        query = query.where(ExchangeRate.base == base)
    if quote:
        query = query.where(ExchangeRate.quote == quote)
    return _page(session, query, [ExchangeRate.base, ExchangeRate.quote,
                                  ExchangeRate.effective.desc()], offset, limit)


_CODES: BindParameter[Any] = bindparam("codes", expanding=True)
_ON: BindParameter[Any] = bindparam("on")
_LATEST = (select(ExchangeRate.base, ExchangeRate.quote,
                  func.max(ExchangeRate.effective).label("effective"))
           .where(ExchangeRate.effective <= _ON, ExchangeRate.base.in_(_CODES),
                  ExchangeRate.quote.in_(_CODES))
           .group_by(ExchangeRate.base, ExchangeRate.quote).subquery())
# Built once: every quote runs it.
_RATES_ON = select(ExchangeRate.base, ExchangeRate.quote, ExchangeRate.rate,
                   ExchangeRate.effective).join(_LATEST, and_(
    ExchangeRate.base == _LATEST.c.base, ExchangeRate.quote == _LATEST.c.quote,
    ExchangeRate.effective == _LATEST.c.effective))
_FEES_ON = (select(FeeSchedule).where(FeeSchedule.effective <= _ON)
            .order_by(FeeSchedule.effective.desc()).limit(1))


def latest_rates_among(session: Session, codes: Sequence[str], on: date) -> Sequence[Any]:
    """(base, quote, rate, effective) of the latest rate effective on `on` of every stored pair
    among these currencies."""
    return plain_rows(session, _RATES_ON, {"codes": list(codes), "on": on}).all()


def rate_source(session: Session, base: str, quote: str, effective: date) -> str | None:
    return session.scalar(select(ExchangeRate.source).where(
        ExchangeRate.base == base, ExchangeRate.quote == quote,
        ExchangeRate.effective == effective))


def fee_schedule_effective(session: Session, effective: date) -> FeeSchedule | None:
    """The schedule that starts on exactly that day."""
    return session.scalars(select(FeeSchedule).where(FeeSchedule.effective == effective)).first()


def fee_schedules(session: Session) -> list[FeeSchedule]:
    """Newest first."""
    return list(session.scalars(select(FeeSchedule).order_by(FeeSchedule.effective.desc())))


def fee_schedule_on(session: Session, on: date) -> FeeSchedule | None:
    """The schedule in force on `on` (the latest that started by then)."""
    return session.scalars(_FEES_ON, {"on": on}).first()


# What pricing needs of that schedule, as a plain row: every quote reads it.
_FEE_PCTS_ON = (select(FeeSchedule.licensee_pct, FeeSchedule.owner_pct)
                .where(FeeSchedule.effective <= _ON).order_by(FeeSchedule.effective.desc()).limit(1))


def fee_pcts_on(session: Session, on: date) -> tuple[str, str] | None:
    """(licensee_pct, owner_pct) of the schedule in force on `on`, as stored."""
    row = plain_rows(session, _FEE_PCTS_ON, {"on": on}).first()
    return None if row is None else (row.licensee_pct, row.owner_pct)
