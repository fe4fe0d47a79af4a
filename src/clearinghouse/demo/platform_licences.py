"""The worked example's licences: 抖音 and 快手 each license the co-owned song 六月合唱 on running
terms (docs/royalties-worked-example.md), through the real rate cards, quotes and purchases.

A licence never starts before the day it is bought, so the demo dates the two licences back to
the example month once they are paid (the way a licence bought on 1 June would read): the month
must be over for its usage to be reported, and its figures must not depend on the day the demo
is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from clearinghouse.core.errors import NotFound
from clearinghouse.core.settings import get_settings
from clearinghouse.demo import repository as demo_repository
from clearinghouse.licensing.catalogue import offers as offers_service
from clearinghouse.licensing.catalogue import templates as templates_service
from clearinghouse.licensing.catalogue.offer_schemas import OfferCreate
from clearinghouse.licensing.catalogue.template_schemas import TemplateCreate
from clearinghouse.licensing.purchases import checkout
from clearinghouse.licensing.purchases import service as purchases
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.quotes.schemas import QuoteCreate
from clearinghouse.registry import parties_service
from clearinghouse.registry.tables import Party, Work

PERIOD = "2026-06"  # the example month
VALID_FROM, VALID_TO = date(2026, 6, 1), date(2026, 7, 1)  # the licences' days, end exclusive
TEMPLATE = "platform-music-running"
PLATFORM_USES = 100_000  # a platform's blanket use: more placements than any creator template


@dataclass(frozen=True)
class RunningTerms:
    """One holder's price for its share of the song (minor units of CNY)."""

    holder: str  # party key, as in demo.catalogue
    per_1000_plays_minor: int
    advance_minor: int | None = None
    minimum_guarantee_minor: int | None = None


# 0.60 + 0.36 + 0.24 = 1.20 CNY per 1,000 plays for the whole song, in proportion to 50/30/20.
EXAMPLE_TERMS = (
    RunningTerms("pub_a", 60, advance_minor=30_000, minimum_guarantee_minor=100_000),
    RunningTerms("pub_b", 36, advance_minor=20_000),
    RunningTerms("songwriter", 24),
)
LICENSEES = ("douyin", "kuaishou")  # each licenses the song for its own platform


def _template(session: Session, operator: Party) -> str:
    try:
        return templates_service.get_template(session, TEMPLATE).id
    except NotFound:
        pass
    acting = parties_service.principal_for(session, operator)
    return templates_service.create_template(session, acting, TemplateCreate(
        code=TEMPLATE, name_en="Music on a short-video platform, running royalties",
        name_zh="短视频平台音乐使用（按播放计费）", purpose="commercial",
        channels=["douyin", "kuaishou"], max_uses=PLATFORM_USES, portion_unit="whole",
        modification="edits_allowed", territories=["CN"], term_days=31)).id


def license_example_song(session: Session, parties: dict[str, Party], works: dict[str, Work],
                         song_key: str) -> list[str]:
    """Rate cards for the song on running terms, a licence for each platform, paid and dated
    to the example month; the licence ids."""
    template_id = _template(session, parties["operator"])
    song = works[song_key]
    for terms in EXAMPLE_TERMS:
        acting = parties_service.principal_for(session, parties[terms.holder])
        offers_service.create_offer(session, acting, OfferCreate(
            template_id=template_id, rights=["synchronisation"], scope="works",
            work_ids=[song.id], currency="CNY", per_1000_plays_minor=terms.per_1000_plays_minor,
            advance_minor=terms.advance_minor,
            minimum_guarantee_minor=terms.minimum_guarantee_minor))
    licence_ids = []
    for key in LICENSEES:
        platform = parties_service.principal_for(session, parties[key])
        quote = quotes_service.create_quote(session, platform, QuoteCreate.model_validate({
            "work_ids": [song.id], "purpose": "commercial", "channels": [key],
            "uses": PLATFORM_USES, "territories": ["CN"], "term_days": 30, "modified": False,
            "currency": "CNY"}), 3600)
        bought = purchases.purchase(session, platform, purchases.PurchaseRequest(quote.id),
                                    f"demo-example-{key}", get_settings())
        if bought.payment is not None:
            checkout.settle_for_demo(session, bought.payment)
        demo_repository.date_licence(session, bought.license.id, VALID_FROM, VALID_TO)
        licence_ids.append(bought.license.id)
    return licence_ids
