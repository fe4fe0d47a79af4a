"""ODRL 2.2 export of licenses and offers: ODRL IRIs after JSON-LD expansion; a round trip."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pytest
from pyld import jsonld

from clearinghouse.core.territories import expand
from clearinghouse.licensing.policies import odrl, odrl_reader
from clearinghouse.licensing.terms import Channel, Portion, PortionUnit, Purpose

ODRL = "http://www.w3.org/ns/odrl/2/"
CH = odrl.PROFILE_NS


def _license(**use_changes: object) -> SimpleNamespace:
    use = {
        "work_ids": ["wrk_song", "wrk_clip"],
        "purpose": "commercial",
        "channels": ["douyin", "kuaishou"],
        "uses": 3,
        "portion": {"unit": "seconds", "value": 30},
        "modified": False,
        "territories": ["GREATER_CHINA"],
        "territories_excluded": ["TW"],
        "start": "2026-01-01",
        "term_days": 365,
        "exclusive": True,
    } | use_changes
    lines = [
        SimpleNamespace(
            work_id="wrk_song",
            right="synchronisation",
            holder_id="pty_pub",
            upfront_converted_minor=60_000,
        ),
        SimpleNamespace(
            work_id="wrk_song",
            right="master_use",
            holder_id="pty_label",
            upfront_converted_minor=30_000,
        ),
        SimpleNamespace(
            work_id="wrk_clip",
            right="reproduce",
            holder_id="pty_studio",
            upfront_converted_minor=9_999,
        ),
        SimpleNamespace(
            work_id="wrk_clip",
            right="perform_public",
            holder_id="pty_studio",
            upfront_converted_minor=1,
        ),
    ]
    end = None if use["term_days"] is None else date(2027, 1, 1)
    return SimpleNamespace(
        id="lic_1",
        use=use,
        lines=lines,
        licensee_id="pty_creator",
        currency="CNY",
        total_minor=109_000,
        valid_from=date(2026, 1, 1),
        valid_to=end,
        exclusive=bool(use["exclusive"]),
    )


def _values(node: dict, prop: str) -> list:
    return [v.get("@id", v.get("@value")) for v in node.get(ODRL + prop, [])]


def test_license_agreement_expands_to_odrl_iris() -> None:
    doc = odrl.agreement_for_license(_license(), "https://ch.test", "pty_op")
    expanded = jsonld.expand(json.loads(json.dumps(doc)))  # what a consumer sees after a JSON hop
    assert len(expanded) == 1
    policy = expanded[0]
    assert policy["@type"] == [ODRL + "Agreement"]
    assert policy["@id"] == "https://ch.test/api/v1/licenses/lic_1"
    assert _values(policy, "profile") == [CH + "profile"]
    assert _values(policy, "assignee") == ["https://ch.test/api/v1/parties/pty_creator"]
    assert _values(policy, "assigner") == ["https://ch.test/api/v1/parties/pty_op"]
    actions = [_values(p, "action")[0] for p in policy[ODRL + "permission"]]
    assert actions == [CH + "synchronise", CH + "masterUse", ODRL + "reproduce", ODRL + "play"]
    first = policy[ODRL + "permission"][0]
    assert _values(first, "target") == ["https://ch.test/api/v1/works/wrk_song"]
    left = {
        (_values(c, "leftOperand")[0], _values(c, "operator")[0])
        for c in first[ODRL + "constraint"]
    }
    assert {
        (ODRL + "purpose", ODRL + "eq"),
        (ODRL + "deliveryChannel", ODRL + "isAnyOf"),
        (ODRL + "spatial", ODRL + "isAnyOf"),
        (ODRL + "spatial", ODRL + "isNoneOf"),
        (ODRL + "dateTime", ODRL + "gteq"),
        (ODRL + "dateTime", ODRL + "lt"),
        (ODRL + "count", ODRL + "lteq"),
        (CH + "seconds", ODRL + "lteq"),
    } == left
    duty = first[ODRL + "duty"][0]
    action = duty[ODRL + "action"][0]
    assert action["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"] == [
        {"@id": ODRL + "compensate"}
    ]
    refinement = action[ODRL + "refinement"][0]
    assert _values(refinement, "leftOperand") == [ODRL + "payAmount"]
    assert refinement[ODRL + "rightOperand"] == [
        {"@value": "600.00", "@type": "http://www.w3.org/2001/XMLSchema#decimal"}
    ]
    assert _values(refinement, "unit") == ["urn:iso:std:iso:4217:CNY"]
    # Original only: ODRL's prohibition of modify on every target.
    assert {_values(p, "action")[0] for p in policy[ODRL + "prohibition"]} == {ODRL + "modify"}


def test_license_round_trips_through_odrl() -> None:
    lic = _license()
    use, rights, compensation = odrl_reader.license_terms_from_odrl(
        odrl.agreement_for_license(lic, "https://ch.test", "pty_op")
    )
    assert use.work_ids == ("wrk_song", "wrk_clip")
    assert use.purpose is Purpose.COMMERCIAL
    assert use.channels == frozenset({Channel("douyin"), Channel("kuaishou")})
    assert use.uses == 3
    assert use.portion == Portion(PortionUnit.SECONDS, 30)
    assert use.modified is False
    assert (
        expand(use.territories, use.territories_excluded)
        == expand(["GREATER_CHINA"], ["TW"])
        == {"CN", "HK", "MO"}
    )
    assert use.start == date(2026, 1, 1) and use.term_days == 365 and use.end == date(2027, 1, 1)
    assert use.exclusive is True
    assert [(r["work_id"], r["right"], r["holder_id"]) for r in rights] == [
        (x.work_id, x.right, x.holder_id) for x in lic.lines
    ]
    assert compensation is not None
    assert compensation.currency == "CNY" and compensation.total_minor == 109_000
    assert [g[3] for g in compensation.by_grant] == [60_000, 30_000, 9_999, 1]


@pytest.mark.parametrize(
    "portion",
    [{"unit": "whole"}, {"unit": "percent", "value": 25}, {"unit": "words", "value": 400}],
)
def test_round_trip_of_portions_perpetual_terms_and_modification(portion: dict) -> None:
    lic = _license(
        portion=portion,
        term_days=None,
        modified=True,
        exclusive=False,
        territories=["WORLD"],
        territories_excluded=[],
    )
    use, _, _ = odrl_reader.license_terms_from_odrl(
        odrl.agreement_for_license(lic, "https://ch.test", "pty_op")
    )
    assert use.portion == Portion(PortionUnit(portion["unit"]), portion.get("value"))
    assert use.term_days is None and use.modified is True and use.exclusive is False
    assert expand(use.territories) == expand(["WORLD"])


def test_a_recompacted_policy_reads_the_same() -> None:
    """Reading goes through JSON-LD expansion, so another compaction of the same graph works too."""
    doc = odrl.agreement_for_license(_license(), "https://ch.test", "pty_op")
    other = jsonld.compact(jsonld.expand(doc), {"o": ODRL, "c": CH})
    assert odrl_reader.license_terms_from_odrl(other)[0] == odrl_reader.license_terms_from_odrl(doc)[0]


def test_offer_policy_lists_covered_purposes_and_maximum_term() -> None:
    template = SimpleNamespace(
        code="sv-commercial-1y",
        purpose="commercial",
        channels=["any_short_video"],
        max_uses=1,
        portion_unit="seconds",
        portion_value=60,
        modification="edits_allowed",
        territories=["CN"],
        territories_excluded=[],
        term_days=365,
        exclusive=False,
    )
    offer = SimpleNamespace(
        id="ofr_1",
        holder_id="pty_pub",
        scope="works",
        work_ids=["wrk_song"],
        rights=["synchronisation"],
        currency="CNY",
        fixed_fee_minor=50_000,
        per_1000_plays_minor=None,
        per_copy_minor=None,
        revenue_share_pct=None,
        advance_minor=None,
        minimum_guarantee_minor=None,
    )
    policy = jsonld.expand(odrl.offer_policy(offer, template, "https://ch.test"))[0]
    assert policy["@type"] == [ODRL + "Offer"]
    assert ODRL + "assignee" not in policy
    permission = policy[ODRL + "permission"][0]
    constraints = {_values(c, "leftOperand")[0]: c for c in permission[ODRL + "constraint"]}
    assert _values(constraints[ODRL + "purpose"], "rightOperand") == [
        "internal",
        "non_commercial",
        "commercial",
    ]
    assert _values(constraints[ODRL + "elapsedTime"], "rightOperand") == ["P365D"]
    assert _values(constraints[ODRL + "spatial"], "rightOperand") == ["CN"]


def test_garbage_is_refused_clearly() -> None:
    with pytest.raises(odrl.OdrlError, match="exactly one odrl:Agreement"):
        odrl_reader.license_terms_from_odrl({"@context": odrl.CONTEXT, "type": "Offer", "uid": "urn:x"})
    doc = odrl.agreement_for_license(_license(), "https://ch.test", "pty_op")
    doc["permission"][0]["action"] = "odrl:annotate"
    with pytest.raises(odrl.OdrlError, match="not one this clearinghouse grants"):
        odrl_reader.license_terms_from_odrl(doc)


def test_every_right_has_a_distinct_action() -> None:
    from clearinghouse.registry.domain import Right

    assert set(odrl.ACTIONS) == {r.value for r in Right}
    assert len(set(odrl.ACTIONS.values())) == len(odrl.ACTIONS)


def test_offer_odrl_endpoint_exports_a_real_rate_card(client, sessions) -> None:  # noqa: ANN001
    from clearinghouse.core.db import unit_of_work
    from clearinghouse.licensing.catalogue import offers as offers_service
    from clearinghouse.licensing.catalogue import templates as templates_service
    from clearinghouse.licensing.catalogue.offer_schemas import OfferCreate
    from clearinghouse.licensing.catalogue.template_schemas import TemplateCreate
    from tests.licensing.purchase_support import make_market
    from tests.support.factories import principal

    m = make_market(sessions)
    with unit_of_work(sessions) as s:
        template = templates_service.create_template(s, principal(s, m.operator), TemplateCreate(
            code="test-ad-60s", name_en="Ad, 60 s", name_zh="广告60秒", purpose="advertising",
            channels=["douyin", "web"], max_uses=2, portion_unit="percent", portion_value=50,
            modification="original_only", territories=["CN"], term_days=None))
    with unit_of_work(sessions) as s:
        offer = offers_service.create_offer(s, principal(s, m.publisher), OfferCreate(
            template_id=template.id, rights=["synchronisation"], work_ids=[m.work_id],
            currency="USD", fixed_fee_minor=12_345, per_1000_plays_minor=50))
    r = client.get(f"/api/v1/offers/{offer.id}/odrl")  # public, like the offer itself
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    policy = jsonld.expand(r.json())[0]
    assert policy["@type"] == [ODRL + "Offer"]
    assert _values(policy, "assigner") == [f"http://127.0.0.1:8000/api/v1/parties/{m.publisher.party_id}"]
    permission = policy[ODRL + "permission"][0]
    assert _values(permission, "action") == [CH + "synchronise"]
    assert _values(permission, "target") == [f"http://127.0.0.1:8000/api/v1/works/{m.work_id}"]
    constraints = {_values(c, "leftOperand")[0]: c for c in permission[ODRL + "constraint"]}
    assert _values(constraints[ODRL + "percentage"], "rightOperand") == ["50"]
    assert _values(constraints[ODRL + "count"], "rightOperand") == ["2"]
    assert ODRL + "elapsedTime" not in constraints  # perpetual
    refinement = permission[ODRL + "duty"][0][ODRL + "action"][0][ODRL + "refinement"][0]
    assert _values(refinement, "rightOperand") == ["123.45"]
    assert _values(refinement, "unit") == ["urn:iso:std:iso:4217:USD"]
    assert {_values(p, "action")[0] for p in policy[ODRL + "prohibition"]} == {ODRL + "modify"}
    assert client.get("/api/v1/offers/ofr_missing/odrl").status_code == 404
