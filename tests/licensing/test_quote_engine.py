"""The quote engine on its own: no database. Every expected amount is worked out by hand below."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from clearinghouse.core.errors import ValidationFailed
from clearinghouse.licensing.catalogue.domain import FeeFacts, OfferFacts, Price, RateFacts, template_facts
from clearinghouse.licensing.quotes.engine import (
    ConflictFacts,
    HoldingFacts,
    Market,
    PartyFacts,
    WorkFacts,
    adaptation_gaps,
    build_quote,
    needed_rights,
    use_from_json,
    use_to_json,
)
from clearinghouse.licensing.quotes.pricing import fee_of
from clearinghouse.licensing.terms import Channel, Portion, PortionUnit, Purpose, Use
from tests.support.seeds import seeded_templates

TODAY = date(2026, 1, 1)
CN = frozenset({"CN"})
TEMPLATES = {f"tpl_{t['code']}": template_facts(f"tpl_{t['code']}", t) for t in seeded_templates()}
AD = "tpl_branded-short-video-ad"  # advertising, short video + web, <=60 s, 1 use, CN, 365 days
CREATOR = "tpl_creator-short-video-30s"  # commercial only: does not cover advertising
RATE_2017 = RateFacts("USD", "CNY", Decimal("6.6"), date(2017, 7, 1))
FEES = FeeFacts(licensee_pct=Decimal("5"), owner_pct=Decimal("10"))

SONG = WorkFacts("wrk_comp", "月亮代表我的心 (composition)", "composition", 200, "seconds")
MASTER = WorkFacts(
    "wrk_rec", "月亮代表我的心 (recording)", "recording", 200, "seconds", embodies=("wrk_comp",)
)
PARTIES = {
    "pty_puba": PartyFacts("pty_puba", "Publisher A", "a@pub.example", None),
    "pty_pubb": PartyFacts("pty_pubb", "Publisher B", None, None),
    "pty_label": PartyFacts("pty_label", "Label", "rights@label.example", "+86 10 1234"),
    "pty_society": PartyFacts("pty_society", "Music Society", "licensing@society.example", None),
}


def holding(
    hid: str, work: str, holder: str, right: str, pct: int, countries=CN, **kw
) -> HoldingFacts:
    return HoldingFacts(
        hid,
        work,
        holder,
        frozenset({right}),
        pct * 10_000,
        frozenset(countries),
        date(2020, 1, 1),
        **kw,
    )


def offer(oid: str, holder: str, right: str, price: Price, template: str = AD, **kw) -> OfferFacts:
    kw.setdefault("work_ids", frozenset({"wrk_comp", "wrk_rec"}))
    return OfferFacts(oid, 1, holder, template, frozenset({right}), price, **kw)


def cny(fixed: int, **kw) -> Price:
    return Price("CNY", fixed_fee_minor=fixed, **kw)


def song_market(**changes) -> Market:
    """The issue's example: a song co-published 60/40 by two publishers, the master by a label."""
    market = Market(
        works={"wrk_comp": SONG, "wrk_rec": MASTER},
        holdings=[
            holding("hld_1", "wrk_comp", "pty_puba", "synchronisation", 60),
            holding("hld_2", "wrk_comp", "pty_pubb", "synchronisation", 40),
            holding("hld_3", "wrk_rec", "pty_label", "master_use", 100),
        ],
        offers=[
            offer("ofr_a", "pty_puba", "synchronisation", cny(300_000)),  # 3,000.00 CNY
            offer("ofr_b", "pty_pubb", "synchronisation", Price("USD", fixed_fee_minor=29_999)),
            offer(
                "ofr_l",
                "pty_label",
                "master_use",
                cny(400_000, advance_minor=100_000, per_1000_plays_minor=50),
            ),
        ],
        templates=TEMPLATES,
        parties=PARTIES,
        rates=[RATE_2017],
        fees=FEES,
    )
    return replace(market, **changes)


def douyin_ad(**changes) -> Use:
    """A 15-second branded video on 抖音 (Douyin) in mainland China, for one year."""
    use = Use(
        work_ids=("wrk_rec",),
        purpose=Purpose.ADVERTISING,
        channels=frozenset({Channel("douyin")}),
        uses=1,
        portion=Portion(PortionUnit.SECONDS, 15),
        modified=False,
        territories=("CN",),
        start=date(2026, 2, 1),
        term_days=365,
    )
    return replace(use, **changes)


def quote(use: Use | None = None, market: Market | None = None, currency: str = "CNY"):
    return build_quote(use or douyin_ad(), currency, market or song_market(), TODAY)


def test_the_worked_example_sync_for_both_publishers_and_master_use_for_the_label():
    q = quote()
    assert [(ln.work_id, ln.right, ln.holder_id, ln.share) for ln in q.lines] == [
        ("wrk_comp", "synchronisation", "pty_puba", "60"),
        ("wrk_comp", "synchronisation", "pty_pubb", "40"),
        ("wrk_rec", "master_use", "pty_label", "100"),
    ]
    a, b, label = q.lines
    # Publisher A: 3,000.00 CNY, no conversion. Owner fee 10% = 300.00; net 2,700.00.
    assert (a.upfront_converted_minor, a.owner_fee_minor, a.holder_net_minor) == (
        300_000,
        30_000,
        270_000,
    )
    # Publisher B: 299.99 USD x 6.6 = 1,979.934 CNY -> 197,993.4 fen -> 197,993 (half-even).
    # Owner fee 10% = 19,799.3 -> 19,799; net 197,993 - 19,799 = 178,194.
    assert b.currency == "USD" and b.upfront_minor == 29_999
    assert (b.upfront_converted_minor, b.owner_fee_minor, b.holder_net_minor) == (
        197_993,
        19_799,
        178_194,
    )
    # Label: fixed 4,000.00 + advance 1,000.00 = 5,000.00 upfront; the running royalty is kept.
    # Owner fee 500.00; net 4,500.00.
    assert label.upfront_minor == 500_000 and label.per_1000_plays_minor == 50
    assert (label.owner_fee_minor, label.holder_net_minor) == (50_000, 450_000)
    assert label.offer_id == "ofr_l" and label.template_code == "branded-short-video-ad"
    t = q.totals
    # Subtotal 300,000 + 197,993 + 500,000 = 997,993 fen. Licensee fee 5% = 49,899.65 -> 49,900.
    # Total 997,993 + 49,900 = 1,047,893 fen (10,478.93 CNY). Owner fees 30,000+19,799+50,000.
    assert t.subtotal_minor == 997_993
    assert t.licensee_fee_minor == 49_900
    assert t.total_minor == 1_047_893
    assert t.owner_fee_minor == 99_799
    assert t.by_currency == (("CNY", 800_000), ("USD", 29_999))
    assert t.rates == ({"base": "USD", "quote": "CNY", "rate": "6.6", "effective": "2017-07-01"},)
    assert t.fees == {"licensee_pct": "5", "owner_pct": "10"}
    # The parts add up: holder nets + both fees = what the licensee pays.
    assert (
        sum(ln.holder_net_minor for ln in q.lines)
        + t.owner_fee_minor
        + t.licensee_fee_minor
        == t.total_minor
    )
    assert q.unclearable == ()


def test_quoting_in_usd_converts_cny_offers_through_the_inverse_rate():
    # Only USD->CNY is stored; CNY->USD divides by 6.6.
    # A: 3,000.00 / 6.6 = 454.5454… -> 45,454.54… cents -> 45,455. B: 29,999 cents as priced.
    # Label: 5,000.00 / 6.6 = 757.5757… -> 75,757.57… -> 75,758.
    q = quote(currency="USD")
    assert [ln.upfront_converted_minor for ln in q.lines] == [45_455, 29_999, 75_758]
    # Subtotal 151,212; licensee fee 5% = 7,560.6 -> 7,561; total 158,773.
    assert (
        q.totals.subtotal_minor,
        q.totals.licensee_fee_minor,
        q.totals.total_minor,
    ) == (151_212, 7_561, 158_773)


def test_the_latest_rate_effective_on_the_quote_date_is_used():
    newer = RateFacts("USD", "CNY", Decimal("7.1"), date(2026, 6, 1))
    market = song_market(rates=[newer, RATE_2017])
    # On 2026-01-01 the 7.1 rate is not yet effective: 299.99 x 6.6 -> 197,993 as before.
    assert (
        build_quote(douyin_ad(), "CNY", market, TODAY).lines[1].upfront_converted_minor
        == 197_993
    )
    # From 2026-06-01: 299.99 x 7.1 = 2,129.929 -> 212,992.9 fen -> 212,993.
    later = build_quote(douyin_ad(), "CNY", market, date(2026, 6, 1))
    assert later.lines[1].upfront_converted_minor == 212_993
    assert later.totals.rates[0]["effective"] == "2026-06-01"


def test_fees_round_half_even():
    assert fee_of(25, Decimal("10")) == 2  # 2.5 -> 2
    assert fee_of(35, Decimal("10")) == 4  # 3.5 -> 4
    assert fee_of(1_000, Decimal("5.5")) == 55


def test_the_cheapest_covering_offer_wins_ties_by_offer_id():
    market = song_market(
        offers=[
            offer("ofr_a3", "pty_puba", "synchronisation", cny(300_000)),
            offer("ofr_a2", "pty_puba", "synchronisation", cny(250_000)),
            offer("ofr_a1", "pty_puba", "synchronisation", cny(250_000)),  # same price, smaller id
            # 400.00 USD x 6.6 = 2,640.00 CNY: dearer than 2,500.00 CNY.
            offer("ofr_a4", "pty_puba", "synchronisation", Price("USD", fixed_fee_minor=40_000)),
            # Cheapest of all, but for creator content: does not cover advertising.
            offer("ofr_a5", "pty_puba", "synchronisation", cny(10_000), template=CREATOR),
            # Covers the use but for another work.
            replace(
                offer("ofr_a6", "pty_puba", "synchronisation", cny(1)), work_ids=frozenset({"x"})
            ),
            # A running-royalty-only offer has nothing upfront, but it covers only master use.
            offer("ofr_a7", "pty_puba", "master_use", Price("CNY", per_1000_plays_minor=10)),
            offer("ofr_b", "pty_pubb", "synchronisation", cny(100_000)),
            offer("ofr_l", "pty_label", "master_use", cny(100_000)),
        ]
    )
    lines = quote(market=market).lines
    assert lines[0].offer_id == "ofr_a1"
    assert lines[0].upfront_converted_minor == 250_000


def test_cheapest_compares_the_advance_as_well():
    market = song_market(
        offers=[
            offer("ofr_x", "pty_puba", "synchronisation", cny(100_000, advance_minor=200_000)),
            offer("ofr_y", "pty_puba", "synchronisation", cny(250_000)),
        ]
    )
    assert quote(market=market).lines[0].offer_id == "ofr_y"  # 2,500 < 1,000 + 2,000


def test_a_declined_template_is_reported_even_when_a_catalogue_offer_prices_it():
    market = song_market(
        offers=[
            offer("ofr_a", "pty_puba", "synchronisation", cny(300_000)),
            offer(
                "ofr_bcat",
                "pty_pubb",
                "synchronisation",
                cny(1_000),
                catalogue=True,
                work_ids=frozenset(),
            ),
            offer("ofr_bno", "pty_pubb", "synchronisation", Price("CNY"), declined=True),
            offer("ofr_l", "pty_label", "master_use", cny(500_000)),
        ]
    )
    q = quote(market=market)
    assert [ln.holder_id for ln in q.lines] == ["pty_puba", "pty_label"]
    [part] = q.unclearable
    assert (part.reason, part.holder_id, part.share) == ("declined", "pty_pubb", "40")


def test_no_offer_gives_the_holders_public_contact():
    market = song_market(
        offers=[
            offer("ofr_a", "pty_puba", "synchronisation", cny(300_000)),
            offer("ofr_b", "pty_pubb", "synchronisation", cny(100_000)),
        ]
    )
    [part] = quote(market=market).unclearable
    assert part.reason == "no_offer" and part.right == "master_use"
    assert part.contact == {
        "party_id": "pty_label",
        "name": "Label",
        "email": "rights@label.example",
        "phone": "+86 10 1234",
    }


def test_an_open_ownership_conflict_blocks_the_disputed_holders_only():
    market = song_market(
        holdings=[
            *song_market().holdings,
            holding("hld_9", "wrk_comp", "pty_label", "synchronisation", 40),
        ],
        conflicts=[
            ConflictFacts(
                "cfl_1",
                "wrk_comp",
                "synchronisation",
                frozenset({"pty_pubb", "pty_label"}),
                CN,
                date(2020, 1, 1),
                None,
            )
        ],
    )
    q = quote(market=market)
    assert [(ln.right, ln.holder_id) for ln in q.lines] == [
        ("synchronisation", "pty_puba"),
        ("master_use", "pty_label"),
    ]
    assert [(u.reason, u.holder_id) for u in q.unclearable] == [
        ("ownership_conflict", "pty_label"),
        ("ownership_conflict", "pty_pubb"),
    ]


def test_collective_management_points_to_the_society():
    market = song_market(
        holdings=[
            holding("hld_1", "wrk_comp", "pty_puba", "synchronisation", 60),
            holding(
                "hld_2",
                "wrk_comp",
                "pty_pubb",
                "synchronisation",
                40,
                collective=True,
                administrator_id="pty_society",
            ),
            holding("hld_3", "wrk_rec", "pty_label", "master_use", 100),
        ]
    )
    [part] = quote(market=market).unclearable
    assert part.reason == "collective_management" and part.holder_id == "pty_pubb"
    assert part.contact["party_id"] == "pty_society"
    assert "Music Society" in part.message


def test_an_unclaimed_share_is_reported_with_what_is_missing():
    market = song_market(
        holdings=[
            holding("hld_1", "wrk_comp", "pty_puba", "synchronisation", 60),
            holding("hld_3", "wrk_rec", "pty_label", "master_use", 100),
        ]
    )
    q = quote(market=market)
    [part] = q.unclearable
    assert (part.reason, part.holder_id, part.share) == ("unclaimed_share", None, "40")


def test_shares_are_checked_in_every_requested_country():
    # Greater China = CN, HK, MO, TW; the label holds the master in CN and HK only.
    market = song_market(
        holdings=[
            holding(
                "hld_1",
                "wrk_comp",
                "pty_puba",
                "synchronisation",
                100,
                countries={"CN", "HK", "MO", "TW"},
            ),
            holding("hld_3", "wrk_rec", "pty_label", "master_use", 100, countries={"CN", "HK"}),
        ],
        templates={
            k: replace(t, countries=frozenset({"CN", "HK", "MO", "TW"}))
            for k, t in TEMPLATES.items()
        },
    )
    q = quote(douyin_ad(territories=("GREATER_CHINA",)), market)
    [part] = q.unclearable
    assert part.reason == "unclaimed_share" and part.right == "master_use"
    assert "MO, TW" in part.message


def test_a_holding_that_ends_before_the_use_does_not_count():
    market = song_market(
        holdings=[
            *song_market().holdings[:2],
            replace(song_market().holdings[2], valid_to=date(2026, 6, 1)),
        ]
    )
    [part] = quote(market=market).unclearable
    assert (part.reason, part.right) == ("unclaimed_share", "master_use")


def test_modified_use_of_a_work_needing_author_approval_is_not_routine():
    market = song_market(
        works={"wrk_comp": SONG, "wrk_rec": replace(MASTER, moral_rights="approval_required")}
    )
    q = quote(douyin_ad(modified=True), market)
    # The recording needs master use and modify, both need the author's approval; the
    # composition (no such stance) still needs modify, which nobody priced.
    reasons = {(u.work_id, u.right, u.reason) for u in q.unclearable}
    assert ("wrk_rec", "master_use", "author_approval_required") in reasons
    assert ("wrk_rec", "modify", "unclaimed_share") in reasons
    assert ("wrk_comp", "modify", "unclaimed_share") in reasons


def test_what_a_modified_use_leaves_of_the_modify_right():
    """A referral's quote clears one holder's right; the modify right is a separate thing to clear."""
    market = song_market(
        holdings=[
            *song_market().holdings,
            holding("hld_m1", "wrk_rec", "pty_label", "modify", 70),
        ]
    )
    use = douyin_ad(modified=True)

    def gaps(cleared: set[tuple[str, str]]) -> set[tuple[str | None, str, str | None]]:
        found = adaptation_gaps(use, "CNY", market, TODAY, cleared)
        assert {u.right for u in found} <= {"modify"}
        return {(u.holder_id, u.reason, u.share) for u in found}

    # Nobody holds 30%; the label holds 70%, which a quote clearing only master use leaves out.
    assert gaps(set()) == {
        ("pty_label", "adaptation_right_not_cleared", "70"),
        (None, "unclaimed_share", "30"),
    }
    # A quote whose line is the label's modify share still lacks the unclaimed 30%.
    assert gaps({("wrk_rec", "pty_label")}) == {(None, "unclaimed_share", "30")}
    # An unmodified use needs no modify right at all.
    assert adaptation_gaps(douyin_ad(), "CNY", market, TODAY, set()) == ()


def test_a_portion_longer_than_the_work_is_refused():
    clip = WorkFacts("wrk_clip", "Ten seconds", "audiovisual", 10, "seconds")
    market = song_market(works={"wrk_clip": clip})
    with pytest.raises(ValidationFailed) as err:
        quote(douyin_ad(work_ids=("wrk_clip",), portion=Portion(PortionUnit.SECONDS, 30)), market)
    assert err.value.field == "portion"


def test_seconds_do_not_fit_a_photograph():
    photo = WorkFacts("wrk_photo", "Photo", "image", None, "pixels")
    with pytest.raises(ValidationFailed) as err:
        quote(douyin_ad(work_ids=("wrk_photo",)), song_market(works={"wrk_photo": photo}))
    assert err.value.field == "portion"


def test_unknown_territory_names_the_field():
    with pytest.raises(ValidationFailed) as err:
        quote(douyin_ad(territories=("CN", "ATLANTIS")))
    assert err.value.field == "territories"


def test_rights_follow_the_category_and_the_use():
    use = douyin_ad()
    assert needed_rights("composition", use) == ["synchronisation"]
    physical = replace(use, channels=frozenset({Channel.PHYSICAL}), modified=True)
    assert needed_rights("composition", physical) == ["synchronisation", "mechanical", "modify"]
    assert needed_rights("image", use) == ["reproduce", "display_public"]
    assert needed_rights("image", replace(use, purpose=Purpose.INTERNAL)) == ["reproduce"]
    assert needed_rights("software", use) == ["reproduce", "distribute"]


def test_template_terms_limit_what_an_offer_covers():
    # Two uses of the song need the creator template's max 1 use to be exceeded -> nothing fits.
    q = quote(douyin_ad(uses=2))
    assert {u.reason for u in q.unclearable} == {"no_offer"} and q.lines == ()
    # A perpetual use is not covered by a 365-day template.
    assert quote(douyin_ad(term_days=None)).lines == ()
    # An exclusive use needs an exclusive template.
    assert quote(douyin_ad(exclusive=True)).lines == ()
    # 61 seconds exceed the 60-second limit.
    assert quote(douyin_ad(portion=Portion(PortionUnit.SECONDS, 61))).lines == ()
    # Hong Kong is outside the CN-only template.
    assert (
        quote(
            douyin_ad(territories=("HK",)),
            song_market(
                holdings=[holding("h", "wrk_rec", "pty_label", "master_use", 100, countries={"HK"})]
            ),
        ).lines
        == ()
    )


def test_missing_exchange_rate_is_reported_not_guessed():
    q = quote(market=song_market(rates=[]))
    [part] = q.unclearable
    assert (part.reason, part.holder_id) == ("no_exchange_rate", "pty_pubb")


def test_same_facts_give_identical_json_whatever_their_order():
    first = quote()
    for seed in range(5):
        market = song_market()
        rng = random.Random(seed)
        holdings, offers = list(market.holdings), list(market.offers)
        rng.shuffle(holdings)
        rng.shuffle(offers)
        again = quote(market=replace(market, holdings=holdings, offers=offers))
        assert _stored_json(again) == _stored_json(first)


def _stored_json(q) -> str:  # noqa: ANN001
    """The quote as the repository stores it."""
    return json.dumps({"lines": [ln.to_json() for ln in q.lines],
                       "unclearable": [u.to_json() for u in q.unclearable],
                       "totals": q.totals.to_json()}, sort_keys=True)


def test_use_round_trips_through_json():
    use = douyin_ad(territories_excluded=("HK",), term_days=None)
    assert use_from_json(json.loads(json.dumps(use_to_json(use)))) == use
