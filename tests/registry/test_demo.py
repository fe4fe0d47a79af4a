"""The demo market: generated once through the real services, with keys a newcomer can use."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from clearinghouse.core.db import unit_of_work
from clearinghouse.core.shares import FULL_SHARE_PPM
from clearinghouse.core.tables import AuditEvent
from clearinghouse.demo.catalogue import build_catalogue
from clearinghouse.demo.loader import DEMO_KEYS, demo_counts, load_demo
from clearinghouse.registry.tables import Holding, Work, WorkRelation


def test_the_catalogue_is_the_same_for_the_same_seed_and_differs_for_another():
    def titles(catalogue):
        return [(w.key, w.fields["title"]) for w in catalogue]

    first = build_catalogue()
    assert titles(build_catalogue()) == titles(first)
    assert titles(build_catalogue(seed=1)) != titles(first)
    assert 250 <= len(first) <= 400
    assert first[0].fields["title"] == "夏日的风"


def test_load_demo_fills_the_market_and_a_second_run_adds_nothing(sessions):
    with unit_of_work(sessions) as s:
        creds = load_demo(s)
    assert creds["created"] is True
    counts = creds["counts"]
    assert counts["works"] == len(build_catalogue())
    assert counts["holdings"] > counts["works"]
    assert counts["open_conflicts"] >= 1

    with unit_of_work(sessions) as s:
        types = dict(s.execute(select(Work.type_code, func.count()).group_by(Work.type_code)).all())
        kinds = set(s.scalars(select(WorkRelation.kind)))
        holdings = list(s.scalars(select(Holding)))
        audit_events = s.scalar(select(func.count()).select_from(AuditEvent))
    assert {"musical_composition", "sound_recording", "short_video", "photograph"} <= set(types)
    assert {"embodies", "contains"} <= kinds
    assert any(h.administrator_id and not h.collective for h in holdings)  # the MCN's
    assert any(h.collective for h in holdings)  # the (fictional) society's
    split = defaultdict(list)
    for h in holdings:
        split[(h.work_id, tuple(h.rights))].append(h.share_ppm)
    assert sorted([333_333, 333_333, 333_334]) in [sorted(v) for v in split.values()]
    assert any(sorted(v) == [400_000, 600_000] for v in split.values())
    assert all(sum(v) == FULL_SHARE_PPM for v in split.values())  # co-owners add up to 100%

    with unit_of_work(sessions) as s:
        again = load_demo(s)
        audit_again = s.scalar(select(func.count()).select_from(AuditEvent))
    assert again["created"] is False
    assert again["counts"] == counts
    assert audit_again == audit_events
    assert [k["party_id"] for k in again["keys"]] == [k["party_id"] for k in creds["keys"]]


def test_every_demo_key_authenticates_as_its_party(client, sessions):
    with unit_of_work(sessions) as s:
        creds = load_demo(s)
    for row in creds["keys"]:
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {row['api_key']}"})
        assert me.status_code == 200, (row["role"], me.text)
        assert (me.json()["id"], me.json()["name"]) == (row["party_id"], row["party_name"])
    roles = {k.role.split()[0]: k.token for k in DEMO_KEYS}
    operator = {"Authorization": f"Bearer {roles['operator']}"}
    conflicts = client.get("/api/v1/conflicts", params={"status": "open"}, headers=operator).json()
    assert conflicts["total"] == creds["counts"]["open_conflicts"]
    mcn = {"Authorization": f"Bearer {roles['agent']}"}
    assert client.get("/api/v1/mandates", headers=mcn).json()["total"] == 2


def test_the_demo_keeps_an_operator_made_by_init_and_gives_it_the_demo_key(client, sessions):
    from clearinghouse.demo.bootstrap import ensure_operator

    with unit_of_work(sessions) as s:
        first = ensure_operator(s)
    with unit_of_work(sessions) as s:
        creds = load_demo(s)
        assert demo_counts(s)["works"] > 0
    assert creds["keys"][0]["party_id"] == first["operator_id"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {DEMO_KEYS[0].token}"})
    assert me.json()["id"] == first["operator_id"]


def test_demo_owners_price_routine_licenses_where_licensing_is_installed(engine, sessions):
    from clearinghouse.core.db import Base
    from clearinghouse.core.errors import NotFound
    from clearinghouse.core.models import load_all_models
    from clearinghouse.demo.bootstrap import ensure_operator
    from clearinghouse.demo.catalogue import demo_offers
    from clearinghouse.demo.platform_licences import EXAMPLE_TERMS
    from clearinghouse.licensing.catalogue import templates as templates_service
    from clearinghouse.licensing.catalogue.template_schemas import TemplateCreate
    from clearinghouse.licensing.tables import Offer
    from clearinghouse.registry import parties_service
    from tests.support.seeds import seeded_templates

    load_all_models()
    Base.metadata.create_all(engine)  # no-op once the licensing migration exists
    with unit_of_work(sessions) as s:  # the templates that migration seeds
        operator_id = ensure_operator(s)["operator_id"]
        operator = parties_service.principal_for(s, parties_service.get_party(s, operator_id))
        for template in seeded_templates():
            try:
                templates_service.get_template(s, template["code"])
            except NotFound:
                templates_service.create_template(s, operator, TemplateCreate(**template))
    with unit_of_work(sessions) as s:
        creds = load_demo(s)
        offers = list(s.scalars(select(Offer)))
    assert len(offers) == len(demo_offers()) + len(EXAMPLE_TERMS)  # + the worked example's
    assert any(o.declined for o in offers) and any(o.currency == "USD" for o in offers)
    mcn = next(k["party_id"] for k in creds["keys"] if k["role"] == "agent (MCN)")
    assert sum(o.created_by == mcn for o in offers) == 2  # priced under its mandates


def test_a_demo_licensee_gets_a_one_stop_quote_for_a_demo_recording(client, sessions):
    with unit_of_work(sessions) as s:
        load_demo(s)
    found = client.get("/api/v1/works", params={"q": "夏日的风", "type": "sound_recording"})
    recording = found.json()["items"][0]
    brand = next(k for k in DEMO_KEYS if k.party == "brand")
    quote = client.post("/api/v1/quotes", headers={"Authorization": f"Bearer {brand.token}"},
                        json={"work_ids": [recording["id"]], "purpose": "commercial",
                              "channels": ["douyin"], "portion": {"unit": "seconds", "value": 15},
                              "territories": ["CN"]})
    assert quote.status_code == 201, quote.text
    body = quote.json()
    assert body["unclearable"] == []
    assert {line["right"] for line in body["lines"]} == {"master_use", "synchronisation"}


def test_the_demo_banner_and_examples_name_the_port_and_host_given(cli, monkeypatch):
    """Regression: `demo --port 8101 --no-serve` printed http://127.0.0.1:8000 everywhere."""
    monkeypatch.delenv("CLEARINGHOUSE_BASE_URL", raising=False)
    out = cli("demo", "--no-serve", "--port", "8101")
    assert out.exit_code == 0, out.output
    assert "http://127.0.0.1:8101/api/v1" in out.output
    assert "http://127.0.0.1:8101/docs" in out.output
    assert out.output.count("curl ") == len(DEMO_KEYS)
    assert out.output.count("'http://127.0.0.1:8101/api/v1/") == len(DEMO_KEYS)
    assert ":8000" not in out.output

    creds = cli.json("demo", "--no-serve", "--host", "::1", "--port", "8102")
    assert creds["base_url"] == "http://[::1]:8102"
    assert all(k["curl"].endswith(f"'http://[::1]:8102{demo_key.path}'")
               for k, demo_key in zip(creds["keys"], DEMO_KEYS, strict=True))


def test_a_configured_public_address_wins_over_the_port(cli, monkeypatch):
    monkeypatch.setenv("CLEARINGHOUSE_BASE_URL", "https://demo.example.cn/")
    creds = cli.json("demo", "--no-serve", "--port", "8101")
    assert creds["base_url"] == "https://demo.example.cn"
    assert all("https://demo.example.cn/api/v1/" in k["curl"] for k in creds["keys"])


def test_the_worked_examples_song_is_licensed_to_both_platforms_on_running_terms(client, sessions):
    """docs/royalties-worked-example.md: 抖音 and 快手 each hold a paid licence of 六月合唱 for
    June 2026, one line per co-holder at its own rate, bought through quotes and purchases."""
    with unit_of_work(sessions) as s:
        load_demo(s)
    for platform in ("douyin", "kuaishou"):
        key = next(k for k in DEMO_KEYS if k.party == platform)
        held = client.get("/api/v1/licenses", headers={"Authorization": f"Bearer {key.token}"})
        assert held.status_code == 200, held.text
        [lic] = held.json()["items"]
        # Paid, and over: June 2026 has ended (the demo dates them to the example's month).
        assert (lic["status"], lic["valid_from"], lic["valid_to"]) == ("expired", "2026-06-01",
                                                                       "2026-07-01")
        assert lic["use"]["channels"] == [platform] and lic["use"]["territories"] == ["CN"]
        assert sorted((ln["share"], ln["running"].get("per_1000_plays_minor"),
                       ln["running"].get("advance_minor"),
                       ln["running"].get("minimum_guarantee_minor")) for ln in lic["lines"]) == [
            ("20", 24, None, None), ("30", 36, 20_000, None), ("50", 60, 30_000, 100_000)]
