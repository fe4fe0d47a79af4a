"""A partial purchase certifies exactly what was cleared (issue 11, defect 2).

A brand quotes a recording for mainland China and Hong Kong. The label holds the master right in
CN only; nobody holds it in HK. Bought with accept_partial, the license, its certificate (JSON and
PDF) and its ODRL agreement grant master use in CN only and say that HK was not cleared, and why.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from clearinghouse.access.domain import Role
from clearinghouse.core.clock import utcnow
from tests.licensing.purchase_support import buy, pay
from tests.support.factories import make_actor, make_holding, make_work

ODRL_TEMPLATE = "creator-short-video-30s"  # worldwide, any short-video platform, 30 s


@pytest.fixture
def bought(client, sessions):  # noqa: ANN001, ANN201
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    publisher = make_actor(sessions, "Publisher 出版", Role.OWNER)
    label = make_actor(sessions, "Label 唱片", Role.OWNER)
    brand = make_actor(sessions, "Brand 品牌", Role.LICENSEE)
    song = make_work(sessions, publisher, title="Song 歌", length=200)
    make_holding(sessions, publisher, song, share="100")  # worldwide
    master = make_work(sessions, label, type="sound_recording", title="Master 录音", length=200,
                       relations=[{"kind": "embodies", "work_id": song}])
    make_holding(sessions, label, master, rights=["master_use"], territories=["CN"])
    for actor, work, right in ((publisher, song, "synchronisation"), (label, master, "master_use")):
        r = client.post("/api/v1/offers", headers=actor.headers, json={
            "template_id": ODRL_TEMPLATE, "rights": [right], "work_ids": [work],
            "currency": "CNY", "fixed_fee_minor": 100_000})
        assert r.status_code == 201, r.text
    start = utcnow().date() + timedelta(days=1)
    q = client.post("/api/v1/quotes", headers=brand.headers, json={
        "work_ids": [master], "purpose": "commercial", "channels": ["douyin"], "uses": 1,
        "portion": {"unit": "seconds", "value": 15}, "territories": ["CN", "HK"],
        "start": start.isoformat(), "term_days": 365, "currency": "CNY"})
    assert q.status_code == 201, q.text
    quote = q.json()
    r = buy(client, brand, quote["id"], accept_partial=True)
    assert r.status_code == 201, r.text
    return {"quote": quote, "license": r.json(), "song": song, "master": master, "brand": brand,
            "label": label, "publisher": publisher, "operator": operator, "start": start}


def test_the_quote_says_where_each_line_clears(bought) -> None:  # noqa: ANN001
    quote, song, master = bought["quote"], bought["song"], bought["master"]
    assert {(ln["work_id"], ln["right"], tuple(ln["countries"])) for ln in quote["lines"]} == {
        (song, "synchronisation", ("CN", "HK")), (master, "master_use", ("CN",))}
    assert [(u["work_id"], u["right"], u["countries"], u["reason"])
            for u in quote["unclearable"]] == [(master, "master_use", ["HK"], "unclaimed_share")]


def test_the_license_states_per_line_territory_and_what_was_not_cleared(bought) -> None:  # noqa: ANN001
    lic, song, master = bought["license"], bought["song"], bought["master"]
    lines = {(ln["work_id"], ln["right"]): ln for ln in lic["lines"]}
    assert lines[(master, "master_use")]["countries"] == ["CN"]
    assert lines[(song, "synchronisation")]["countries"] == ["CN", "HK"]
    assert lines[(master, "master_use")]["share"] == "100"
    assert {ln["valid_from"] for ln in lic["lines"]} == {bought["start"].isoformat()}
    assert [(u["work_id"], u["right"], u["countries"], u["reason"]) for u in lic["unclearable"]] \
        == [(master, "master_use", ["HK"], "unclaimed_share")]


def test_the_certificate_grants_master_use_in_cn_only_and_lists_hk_as_not_cleared(
        client, bought) -> None:  # noqa: ANN001
    lic, brand, master, song = bought["license"], bought["brand"], bought["master"], bought["song"]
    cert = client.get(f"/api/v1/licenses/{lic['id']}/certificate", headers=brand.headers).json()
    payload = cert["certificate"]
    assert payload["version"] == 2
    rights = {(r["work_id"], r["right"]): r for r in payload["rights"]}
    assert rights[(master, "master_use")]["countries"] == ["CN"]
    assert rights[(song, "synchronisation")]["countries"] == ["CN", "HK"]
    assert rights[(master, "master_use")]["valid_from"] == bought["start"].isoformat()
    assert [(p["work_id"], p["right"], p["countries"], p["reason"], p["holder"])
            for p in payload["not_cleared"]] == [(master, "master_use", ["HK"], "unclaimed_share",
                                                  None)]
    verdict = client.post("/api/v1/certificates/verify", json=cert).json()
    assert verdict["result"] == "pending_payment"  # genuine; not paid yet

    pdf = client.get(f"/api/v1/licenses/{lic['id']}/certificate.pdf", headers=brand.headers)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Not Cleared" in text and "does NOT cover" in text
    assert "Unclaimed share" in text and "HK" in text


def test_the_odrl_agreement_grants_master_use_in_cn_and_prohibits_it_in_hk(
        client, bought) -> None:  # noqa: ANN001
    from pyld import jsonld

    odrl_ns = "http://www.w3.org/ns/odrl/2/"
    lic, brand, master = bought["license"], bought["brand"], bought["master"]
    doc = client.get(f"/api/v1/licenses/{lic['id']}/odrl", headers=brand.headers).json()
    policy = jsonld.expand(doc)[0]

    def spatial(rule: dict) -> list[str]:
        return [v["@value"] for c in rule[odrl_ns + "constraint"]
                if c[odrl_ns + "leftOperand"][0]["@id"] == odrl_ns + "spatial"
                and c[odrl_ns + "operator"][0]["@id"] == odrl_ns + "isAnyOf"
                for v in c[odrl_ns + "rightOperand"]]

    def target(rule: dict) -> str:
        return rule[odrl_ns + "target"][0]["@id"].rsplit("/", 1)[-1]

    masters = [p for p in policy[odrl_ns + "permission"] if target(p) == master]
    assert [spatial(p) for p in masters] == [["CN"]]
    master_use = "https://clearinghouse.example/odrl/masterUse"
    prohibited = [p for p in policy.get(odrl_ns + "prohibition", [])
                  if target(p) == master and p[odrl_ns + "action"][0]["@id"] == master_use]
    assert [spatial(p) for p in prohibited] == [["HK"]]
    assert [(p["ch:right"], p["ch:countries"], p["ch:reason"]) for p in doc["ch:notCleared"]] == [
        ("master_use", ["HK"], "unclaimed_share")]


def test_coverage_answers_cn_yes_and_hk_no_once_paid(client, bought) -> None:  # noqa: ANN001
    lic, brand, master, song = bought["license"], bought["brand"], bought["master"], bought["song"]
    assert pay(client, bought["operator"], lic).status_code == 200

    def ask(work: str, country: str, right: str | None = None) -> dict:
        params = {"work_id": work, "licensee_id": brand.party_id, "channel": "douyin",
                  "country": country, "on": bought["start"].isoformat()}
        r = client.get("/api/v1/licenses/coverage", headers=brand.headers,
                       params=params | ({"right": right} if right else {}))
        assert r.status_code == 200, r.text
        return r.json()

    assert ask(master, "CN", "master_use")["license_ids"] == [lic["id"]]
    assert ask(master, "HK", "master_use")["covered"] is False
    assert ask(song, "HK", "synchronisation")["covered"] is True
