"""Unlicensed use turned into action, through the API: 抖音 (a platform that also buys licences)
reports 1,500 plays of the co-owned song that no licence covers; its publisher offers it a
licence and records a claim; the platform accepts the offer (an ordinary purchase, paid), the
claim is settled, and running the period again matches the same plays to the new licence.
Nobody but the owner who acted and the user sees an offer or a claim."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.registry import works_service
from clearinghouse.registry.schemas import WorkUpdate
from clearinghouse.royalties import runs_repository, runs_service
from clearinghouse.usage.lake import Lake
from tests.licensing.purchase_support import Market, make_market, pay
from tests.royalties.scene import _link_platform
from tests.support.factories import Actor, make_actor, make_work, principal
from tests.usage.support import csv_report, landed, post_report

JUNE = "2026-06"
CONTENT_ID = "7012345"
URL = "/api/v1/unlicensed"


def _scene(client: Any, sessions: sessionmaker[Session], settings: Any) -> tuple[Market, Actor, Lake]:
    m = make_market(sessions)
    with unit_of_work(sessions) as s:
        works_service.update_work(s, principal(s, m.publisher), m.work_id, WorkUpdate(identifiers=[
            {"scheme": "platform:douyin", "value": CONTENT_ID}]),
            works_service.get_work(s, m.work_id).version)
    platform = make_actor(sessions, "抖音 Douyin", Role.PLATFORM, Role.LICENSEE)
    _link_platform(client, m.operator, platform)  # it reports use on its own platform
    report = landed(client, platform, post_report(client, platform, csv_report(
        f"2026-06-15,{CONTENT_ID},,CN,douyin,1500,,"), period=JUNE))
    assert report["status"] == "landed", report
    lake = Lake(settings.lake_dir)
    with unit_of_work(sessions) as s:
        runs_service.run_period(s, lake, JUNE)
    return m, platform, lake


def _use(m: Market, platform: Actor, **changes: Any) -> dict[str, Any]:
    return {"period": JUNE, "work_id": m.work_id, "user_id": platform.party_id,
            "channel": "douyin", "territory": "CN", "seconds": 30} | changes


def _statement_plays(sessions: sessionmaker[Session], license_id: str) -> int:
    with unit_of_work(sessions) as s:
        run = runs_repository.current_run(s, JUNE)
        assert run is not None
        return sum(ln.plays for ln in runs_repository.statement_lines(s, run.id)
                   if ln.license_id == license_id)


def test_owner_offers_the_platform_accepts_and_the_rerun_matches(client, sessions, settings):  # noqa: ANN001
    m, platform, _ = _scene(client, sessions, settings)
    uses = client.get(f"{URL}/uses", params={"period": JUNE}, headers=m.publisher.headers)
    assert uses.status_code == 200, uses.text
    assert [(u["user_id"], u["channel"], u["territory"], u["plays"]) for u in uses.json()["items"]] \
        == [(platform.party_id, "douyin", "CN", 1500)]

    offer = client.post(f"{URL}/offers", json=_use(m, platform), headers=m.publisher.headers)
    assert offer.status_code == 201, offer.text
    offer = offer.json()
    assert (offer["kind"], offer["status"], offer["amount_basis"]) == ("offer", "open", "routine")
    assert offer["evidence"]["plays"] == 1500 and offer["evidence"]["first_day"] == "2026-06-15"
    assert offer["evidence"]["reasons"] == ["never_licensed"]
    # The offer is a quote addressed to the platform: it sees it, and it starts on the day of use.
    quote = client.get(f"/api/v1/quotes/{offer['quote_id']}", headers=platform.headers).json()
    assert quote["use"]["start"] == "2026-06-15" and quote["use"]["max_plays"] == 1500
    assert quote["totals"]["total_minor"] == offer["amount_minor"] > 0

    claim = client.post(f"{URL}/claims", json=_use(m, platform), headers=m.publisher.headers)
    assert claim.status_code == 201, claim.text
    assert (claim.json()["status"], claim.json()["amount_basis"]) == ("open", "routine")

    listed = client.get(f"{URL}/actions", headers=platform.headers).json()
    assert {a["kind"] for a in listed["items"]} == {"offer", "claim"}

    accepted = client.post(f"{URL}/actions/{offer['id']}/accept", headers=platform.headers)
    assert accepted.status_code == 200, accepted.text
    license_id = accepted.json()["license_id"]
    assert accepted.json()["status"] == "accepted" and license_id
    settled = client.get(f"{URL}/actions/{claim.json()['id']}", headers=m.publisher.headers)
    assert settled.json()["status"] == "settled"
    again = client.post(f"{URL}/actions/{offer['id']}/accept", headers=platform.headers)
    assert again.status_code == 409

    licence = client.get(f"/api/v1/licenses/{license_id}", headers=platform.headers).json()
    assert licence["valid_from"] == "2026-06-15"
    assert pay(client, m.operator, licence).status_code == 200
    with unit_of_work(sessions) as s:
        runs_service.run_period(s, Lake(settings.lake_dir), JUNE)
    # Each co-holder's line states the 1,500 plays the new licence now covers.
    assert _statement_plays(sessions, license_id) == 2 * 1500
    assert client.get(f"{URL}/uses", params={"period": JUNE},
                      headers=m.publisher.headers).json()["items"] == []


def test_only_the_owner_and_the_user_see_a_claim_and_each_side_takes_its_steps(
        client, sessions, settings):  # noqa: ANN001
    m, platform, _ = _scene(client, sessions, settings)
    claim = client.post(f"{URL}/claims", json=_use(m, platform), headers=m.publisher.headers)
    assert claim.status_code == 201, claim.text
    where = f"{URL}/actions/{claim.json()['id']}"
    for outsider in (m.writer, m.licensee, m.operator):  # a co-holder too: not its claim
        assert client.get(where, headers=outsider.headers).status_code == 404
        assert all(a["id"] != claim.json()["id"] for a in
                   client.get(f"{URL}/actions", headers=outsider.headers).json()["items"])
        assert client.post(f"{where}/dispute", json={"note": "x"},
                           headers=outsider.headers).status_code == 404
    assert client.post(f"{where}/dispute", json={"note": "x"},
                       headers=m.publisher.headers).status_code == 403
    disputed = client.post(f"{where}/dispute", json={"note": "我们有授权 / we hold a licence"},
                           headers=platform.headers)
    assert disputed.status_code == 200, disputed.text
    assert (disputed.json()["status"], disputed.json()["note"]) == ("disputed", "我们有授权 / we hold a licence")
    assert client.post(f"{where}/withdraw", headers=platform.headers).status_code == 403
    assert client.post(f"{where}/withdraw", headers=m.publisher.headers).json()["status"] == "withdrawn"
    assert client.post(f"{where}/withdraw", headers=m.publisher.headers).status_code == 409


def test_another_owner_cannot_act_on_a_work_it_does_not_hold(client, sessions, settings):  # noqa: ANN001
    m, platform, _ = _scene(client, sessions, settings)
    other = make_actor(sessions, "别的公司 Other Records", Role.OWNER)
    make_work(sessions, other, title="别的歌 Another Song")
    for kind in ("offers", "claims"):
        refused = client.post(f"{URL}/{kind}", json=_use(m, platform), headers=other.headers)
        assert refused.status_code == 403, refused.text
        missing = client.post(f"{URL}/{kind}", json=_use(m, platform, work_id="wrk_nothing"),
                              headers=other.headers)
        assert missing.status_code == 404, missing.text
    assert client.get(f"{URL}/uses", params={"period": JUNE},
                      headers=other.headers).json()["items"] == []
    assert client.get(f"{URL}/uses", params={"period": JUNE},
                      headers=platform.headers).status_code == 403  # not an owner


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_no_routine_offer_the_owner_states_its_price(client, sessions, settings):  # noqa: ANN001
    m, platform, _ = _scene(client, sessions, settings)
    advertising = _use(m, platform, purpose="advertising")  # no template covers advertising
    asked = client.post(f"{URL}/offers", json=advertising, headers=m.publisher.headers)
    assert asked.status_code == 422 and asked.json()["error"]["details"][0]["field"] == "price", asked.text
    for bad in ("0", "12.345", "1e5", 12):
        refused = client.post(f"{URL}/offers", json=advertising | {"price": bad},
                              headers=m.publisher.headers)
        assert refused.status_code == 422, (bad, refused.text)
    offer = client.post(f"{URL}/offers", json=advertising | {"price": "800.00"},
                        headers=m.publisher.headers)
    assert offer.status_code == 201, offer.text
    assert offer.json()["amount_basis"] == "stated"
    quote = client.get(f"/api/v1/quotes/{offer.json()['quote_id']}", headers=platform.headers).json()
    assert [(ln["holder_id"], ln["fixed_fee_minor"]) for ln in quote["lines"]] == [
        (m.publisher.party_id, 80_000)]
    routine = client.post(f"{URL}/offers", json=_use(m, platform) | {"price": "800.00"},
                          headers=m.publisher.headers)
    assert routine.status_code == 422  # a routine offer covers it: its price applies
    claim = client.post(f"{URL}/claims", json=advertising | {"amount": "1200.50"},
                        headers=m.publisher.headers)
    assert (claim.json()["amount_minor"], claim.json()["amount_basis"]) == (120_050, "stated")
    nothing = client.post(f"{URL}/claims", json=_use(m, platform, territory="HK"),
                          headers=m.publisher.headers)
    assert nothing.status_code == 404  # no unlicensed use there


def test_offers_and_claims_from_the_command_line(client, sessions, settings, cli):  # noqa: ANN001
    m, platform, _ = _scene(client, sessions, settings)
    listed = cli.json("royalties", "unlicensed", "uses", JUNE, "--as", m.publisher.party_id)
    assert [(u["work_id"], u["user_id"], u["plays"]) for u in listed["items"]] == [
        (m.work_id, platform.party_id, 1500)]
    use = ["--period", JUNE, "--work", m.work_id, "--user", platform.party_id,
           "--territory", "CN", "--channel", "douyin", "--seconds", "30"]
    claim = cli.json("royalties", "unlicensed", "claim", "--as", m.publisher.party_id, *use)
    offer = cli.json("royalties", "unlicensed", "offer", "--as", m.publisher.party_id, *use)
    assert (claim["kind"], offer["kind"], offer["status"]) == ("claim", "offer", "open")
    assert offer["quote_id"] and offer["amount_basis"] == "routine"
    # Another owner cannot offer on a work it does not hold (the API's 403, exit code 6).
    other = make_actor(sessions, "别的公司 Other Records", Role.OWNER)
    assert cli("royalties", "unlicensed", "offer", "--as", other.party_id, *use).exit_code == 6
    disputed = cli.json("royalties", "unlicensed", "dispute", claim["id"], "--as",
                        platform.party_id, "--note", "we hold a licence")
    assert disputed["status"] == "disputed"
    mine = cli.json("royalties", "unlicensed", "list", "--as", platform.party_id)
    assert {a["id"] for a in mine["items"]} == {claim["id"], offer["id"]}
    assert cli.json("royalties", "unlicensed", "withdraw", offer["id"], "--as",
                    m.publisher.party_id)["status"] == "withdrawn"
