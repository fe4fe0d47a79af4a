"""Test support for purchase, certificates and delivery: a small market, priced by real offers,
and quotes made by the real quote engine through the quote service.

The market: a song held 60/40 by a publisher and a writer, each offering synchronisation on the
seeded creator template (30 s on any short-video platform, worldwide, one year) and on an exclusive
twin of it, for 600.00 and 400.00 CNY; the seeded fee schedule adds 5% for the licensee and takes
10% from each holder. So a quote for 30 s of the song comes to 1,050.00 CNY, checkable by hand.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Role
from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.licensing.catalogue import offers as offers_service
from clearinghouse.licensing.catalogue import templates as templates_service
from clearinghouse.licensing.catalogue.offer_schemas import OfferCreate
from clearinghouse.licensing.catalogue.template_schemas import TemplateCreate
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.quotes.schemas import QuoteCreate
from tests.support.factories import Actor, make_actor, make_holding, make_work, principal

OPERATOR_TOKEN_NAME = "operator"
ROUTINE_TEMPLATE = "creator-short-video-30s"  # seeded by migration 0003
EXCLUSIVE_TEMPLATE = "creator-short-video-30s-exclusive"
PRICES = {"publisher": 60_000, "writer": 40_000}  # CNY fen, for each holder's share


@dataclass
class Market:
    operator: Actor
    publisher: Actor  # holds 60% of the synchronisation right
    writer: Actor  # holds the other 40%
    licensee: Actor
    work_id: str
    extra: dict[str, Any] = field(default_factory=dict)


def make_market(sessions: sessionmaker[Session], territories: Sequence[str] = ("WORLD",)) -> Market:
    """The song, its two holders (holding in `territories`) and their offers."""
    operator = make_actor(sessions, "清算所 Operator", Role.OPERATOR)
    publisher = make_actor(sessions, "星光音乐出版 Starlight Publishing", Role.OWNER)
    writer = make_actor(sessions, "李雷 Li Lei", Role.OWNER)
    licensee = make_actor(sessions, "一条 Yitiao", Role.LICENSEE)
    work_id = make_work(sessions, publisher, title="月光 Moonlight")
    m = Market(operator, publisher, writer, licensee, work_id)
    hold_in(sessions, m, territories)
    with unit_of_work(sessions) as s:
        templates_service.create_template(s, principal(s, operator), TemplateCreate(
            code=EXCLUSIVE_TEMPLATE, name_en="Creator short video, 30 s, exclusive",
            name_zh="创作者短视频（30秒以内，独家）", purpose="commercial",
            channels=["any_short_video"], max_uses=1, portion_unit="seconds", portion_value=30,
            modification="edits_allowed", territories=["WORLD"], term_days=365, exclusive=True))
    for holder, fee in ((publisher, PRICES["publisher"]), (writer, PRICES["writer"])):
        for template in (ROUTINE_TEMPLATE, EXCLUSIVE_TEMPLATE):
            with unit_of_work(sessions) as s:
                offers_service.create_offer(s, principal(s, holder), OfferCreate(
                    template_id=template, rights=["synchronisation"], work_ids=[work_id],
                    currency="CNY", fixed_fee_minor=fee))
    return m


def hold_in(sessions: sessionmaker[Session], m: Market, territories: Sequence[str]) -> None:
    """The publisher's 60% and the writer's 40% of synchronisation in `territories`."""
    make_holding(sessions, m.publisher, m.work_id, share="60", territories=list(territories))
    make_holding(sessions, m.writer, m.work_id, share="40", territories=list(territories))


def add_unpriced_recording(sessions: sessionmaker[Session], m: Market) -> str:
    """A recording of the song whose label offers nothing: quoting it clears the song's
    synchronisation and leaves the master use unclearable (no offer)."""
    label = make_actor(sessions, "唱片公司 Label", Role.OWNER)
    recording = make_work(sessions, label, type="sound_recording", title="月光 Moonlight (录音)",
                          relations=[{"kind": "embodies", "work_id": m.work_id}])
    make_holding(sessions, label, recording, rights=["master_use"])
    return recording


def use_of(work_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "work_ids": [work_id],
        "purpose": "commercial",
        "channels": ["douyin", "kuaishou"],
        "uses": 1,
        "portion": {"unit": "seconds", "value": 30},
        "modified": False,
        "territories": ["CN"],
        "territories_excluded": [],
        "start": utcnow().date().isoformat(),
        "term_days": 365,
        "exclusive": False,
    } | changes


def make_quote(
    sessions: sessionmaker[Session],
    licensee: Actor,
    *,
    use: dict[str, Any],
    expires_in: timedelta = timedelta(days=7),
    made_at: datetime | None = None,
) -> str:
    """A quote for `use` in CNY, priced by the quote engine and kept by the quote service, as
    the API does; `made_at` backdates the moment it is made (the engine prices as of that day)."""
    body = QuoteCreate.model_validate_json(json.dumps(use | {"currency": "CNY"}))
    with unit_of_work(sessions) as s:
        quote = quotes_service.create_quote(s, principal(s, licensee), body,
                                            int(expires_in.total_seconds()), now=made_at)
        return quote.id


def buy(client: Any, actor: Actor, quote_id: str, key: str | None = None, **body: Any) -> Any:
    """Buy with an Idempotency-Key of the quote's id unless told otherwise."""
    return client.post(
        f"/api/v1/quotes/{quote_id}/purchase",
        json=body or None,
        headers=actor.headers | {"Idempotency-Key": key or quote_id},
    )


def pay(
    client: Any, operator: Actor, license_body: dict[str, Any], reference: str = "BANK-0001"
) -> Any:
    payment = license_body["payment"]
    return client.post(
        f"/api/v1/payments/{payment['id']}/mark-paid",
        json={"reference": reference},
        headers=operator.headers,
    )


def bought_and_paid(
    client: Any,
    sessions: sessionmaker[Session],
    m: Market,
    days_ago: int = 0,
    **use_changes: Any,
) -> dict:
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id, **use_changes))
    lic = buy(client, m.licensee, quote_id, key=quote_id)
    assert lic.status_code == 201, lic.text
    assert pay(client, m.operator, lic.json()).status_code == 200
    if days_ago:
        bought_long_ago(sessions, lic.json()["id"], days_ago)
    return client.get(f"/api/v1/licenses/{lic.json()['id']}", headers=m.licensee.headers).json()


def bought_long_ago(sessions: sessionmaker[Session], license_id: str, days: int) -> None:
    """Move a license's period `days` back, as if bought then: a license never starts before
    the day it is bought, so only time (or this) makes one expire."""
    from clearinghouse.licensing.licenses import grants_repository
    from clearinghouse.licensing.licenses.tables import License

    shift = timedelta(days=days)
    with unit_of_work(sessions) as s:
        lic = s.get(License, license_id)
        assert lic is not None
        lic.valid_from -= shift
        lic.valid_to = None if lic.valid_to is None else lic.valid_to - shift
        lic.use = lic.use | {"start": lic.valid_from.isoformat()}
        grants_repository.set_period(s, lic.id, lic.valid_from, lic.valid_to)


def counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Rows a purchase writes; a failed purchase must leave every one of them as it was."""
    from clearinghouse.ledger.tables import LedgerEntry, LedgerPosting
    from clearinghouse.licensing.licenses.tables import (
        License,
        LicenseEvent,
        LicenseGrant,
        LicenseLine,
        Payment,
    )

    with sessions() as s:
        return {
            t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0
            for t in (License, LicenseLine, LicenseGrant, LicenseEvent, Payment, LedgerEntry,
                      LedgerPosting)
        }
