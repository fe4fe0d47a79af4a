"""Issue 10: a holding on someone else's work is a claim. It grants nothing, opens a conflict the
work's managers see, and counts only once they (or the operator) accept it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from clearinghouse.access.domain import Role
from tests.registry.test_import import imported
from tests.support.factories import Actor, make_actor

SONG = {"type": "musical_composition", "title": "夏日的风",
        "identifiers": [{"scheme": "iswc", "value": "T-034.524.680-1"}]}
# The intruder: any right, a sliver of a share, Antarctica, the warranty ticked.
SLIVER = {"rights": ["reproduce"], "share": "0.0001", "territories": ["AQ"],
          "warranty": {"accepted": True}}


@pytest.fixture
def people(sessions) -> dict[str, Actor]:  # noqa: ANN001
    return {
        "a": make_actor(sessions, "Owner A 甲", Role.OWNER),
        "b": make_actor(sessions, "Owner B 乙", Role.OWNER),
        "bystander": make_actor(sessions, "Bystander", Role.OWNER),
        "operator": make_actor(sessions, "Operator", Role.OPERATOR),
        "agent": make_actor(sessions, "MCN", Role.AGENT),
    }


def _song(client, owner: Actor) -> dict:  # noqa: ANN001
    work = client.post("/api/v1/works", json=SONG, headers=owner.headers)
    assert work.status_code == 201, work.text
    mine = client.post(f"/api/v1/works/{work.json()['id']}/holdings", headers=owner.headers,
                       json={"rights": ["synchronisation", "reproduce"], "share": "90",
                             "warranty": {"accepted": True}})
    assert mine.status_code == 201 and mine.json()["status"] == "active"
    assert mine.json()["manages_work"] is True
    return work.json()


def _claim(client, who: Actor, work_id: str, **changes) -> dict:  # noqa: ANN001
    resp = client.post(f"/api/v1/works/{work_id}/holdings", headers=who.headers,
                       json=SLIVER | changes)
    assert resp.status_code == 201, resp.text
    return resp.json()


def _accept(client, who: Actor, claim: dict, **body) -> object:  # noqa: ANN001
    return client.post(f"/api/v1/holdings/{claim['id']}/accept", json=body or None,
                       headers=who.headers | {"If-Match": f'"{claim["version"]}"'})


def _edit(client, who: Actor, work_id: str, change: dict) -> object:  # noqa: ANN001
    current = client.get(f"/api/v1/works/{work_id}").json()["version"]
    return client.patch(f"/api/v1/works/{work_id}", json=change,
                        headers=who.headers | {"If-Match": f'"{current}"'})


def test_a_sliver_on_anothers_work_is_a_claim_that_lets_nobody_take_the_work_over(client, people):
    a, b = people["a"], people["b"]
    work = _song(client, a)
    claim = _claim(client, b, work["id"])
    assert claim["status"] == "pending" and claim["manages_work"] is False
    assert claim["in_conflict"] is True

    for change in ({"title": "Taken"}, {"identifiers": []}, {"tags": ["mine"]}):
        refused = _edit(client, b, work["id"], change)
        assert refused.status_code == 403, change
        assert refused.json()["error"]["code"] == "forbidden"
    after = client.get(f"/api/v1/works/{work['id']}").json()
    assert (after["title"], after["identifiers"], after["version"]) == (
        "夏日的风", work["identifiers"], work["version"])
    # The public list of holders does not show a claim; search does not make B an owner.
    holders = client.get(f"/api/v1/works/{work['id']}/holdings").json()["items"]
    assert [h["holder_id"] for h in holders] == [a.party_id]
    found = client.get("/api/v1/works", params={"owner": b.party_id}).json()
    assert found["total"] == 0


def test_a_claim_opens_a_conflict_for_the_managers_the_claimant_and_the_operator(client, people):
    a, b = people["a"], people["b"]
    work = _song(client, a)
    claim = _claim(client, b, work["id"])
    for who in (a, b, people["operator"]):
        listed = client.get("/api/v1/conflicts", params={"status": "open"}, headers=who.headers)
        [conflict] = listed.json()["items"]
        assert conflict["kind"] == "claim" and conflict["holding_ids"] == [claim["id"]]
        assert conflict["party_ids"] == [b.party_id] and conflict["right"] == "reproduce"
    assert client.get("/api/v1/conflicts", headers=people["bystander"].headers).json()["total"] == 0
    # Who may see the claim itself: the claimant, the work's managers and the operator.
    url = f"/api/v1/holdings/{claim['id']}"
    for who in (a, b, people["operator"]):
        assert client.get(url, headers=who.headers).status_code == 200
    assert client.get(url).status_code == 404
    assert client.get(url, headers=people["bystander"].headers).status_code == 404
    listed = client.get(f"/api/v1/works/{work['id']}/holdings", params={"include_claims": True},
                        headers=a.headers).json()
    assert claim["id"] in [h["id"] for h in listed["items"]]
    # A claim is decided by accepting or rejecting it, not by resolving its conflict.
    [conflict] = client.get("/api/v1/conflicts", headers=a.headers).json()["items"]
    resolve = client.post(f"/api/v1/conflicts/{conflict['id']}/resolve",
                          json={"resolution": "x"}, headers=people["operator"].headers)
    assert resolve.status_code == 422


def test_only_the_works_managers_or_the_operator_decide_a_claim(client, people):
    a, b = people["a"], people["b"]
    work = _song(client, a)
    claim = _claim(client, b, work["id"])
    assert _accept(client, b, claim).status_code == 403  # not one's own
    assert _accept(client, people["bystander"], claim).status_code == 404  # cannot even see it
    stale = client.post(f"/api/v1/holdings/{claim['id']}/accept", headers=a.headers | {"If-Match": '"9"'})
    assert stale.status_code == 412

    accepted = _accept(client, a, claim, note="B administers the Antarctic reprints")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "active" and accepted.json()["manages_work"] is False
    [conflict] = client.get("/api/v1/conflicts", headers=b.headers).json()["items"]
    assert conflict["status"] == "resolved" and conflict["resolution"].startswith("claim accepted")
    assert "Antarctic" in conflict["resolution"]
    assert _accept(client, a, accepted.json()).status_code == 422  # no longer a claim

    # An accepted holding that does not manage the work still does not let B edit it.
    assert _edit(client, b, work["id"], {"title": "Taken"}).status_code == 403
    audit = client.get("/api/v1/audit", params={"entity_id": claim["id"]},
                       headers=people["operator"].headers).json()["items"]
    assert [e["action"] for e in audit] == ["holding.claim", "holding.accept"]
    assert audit[1]["actor_party_id"] == a.party_id and audit[1]["after"]["note"]


def test_rejecting_a_claim_closes_it_for_good(client, people):
    a, b = people["a"], people["b"]
    work = _song(client, a)
    claim = _claim(client, b, work["id"])
    rejected = client.post(f"/api/v1/holdings/{claim['id']}/reject", json={"note": "not B's"},
                           headers=people["operator"].headers | {"If-Match": '"1"'})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    [conflict] = client.get("/api/v1/conflicts", headers=a.headers).json()["items"]
    assert conflict["status"] == "resolved" and conflict["resolution"].startswith("claim rejected")
    change = client.patch(f"/api/v1/holdings/{claim['id']}", json={"share": "1"},
                          headers=b.headers | {"If-Match": '"2"'})
    assert change.status_code == 422
    assert _accept(client, a, rejected.json()).status_code == 422


def test_management_is_shared_only_when_the_decider_says_so(client, people):
    a, b = people["a"], people["b"]
    work = _song(client, a)
    claim = _claim(client, b, work["id"])
    accepted = _accept(client, a, claim, manages_work=True)
    assert accepted.status_code == 200 and accepted.json()["manages_work"] is True
    edited = _edit(client, b, work["id"], {"title": "夏日的风（修订）"})
    assert edited.status_code == 200
    # Now B is a manager: its further holdings on the work are accepted at once.
    more = _claim(client, b, work["id"], territories=["NZ"])
    assert more["status"] == "active"


def test_a_holder_may_narrow_but_not_widen_an_accepted_holding_it_does_not_manage(client, people):
    a, b = people["a"], people["b"]
    work = _song(client, a)
    claim = _claim(client, b, work["id"], share="10", territories=["CN"])
    holding = _accept(client, a, claim).json()
    url = f"/api/v1/holdings/{holding['id']}"
    for widening in ({"share": "100"}, {"territories": ["WORLD"]},
                     {"rights": ["reproduce", "master_use"]}, {"valid_from": "2000-01-01"}):
        resp = client.patch(url, json=widening, headers=b.headers | {"If-Match": f'"{holding["version"]}"'})
        assert resp.status_code == 403, widening
    assert client.get(url).json()["share"] == "10"
    narrowed = client.patch(url, json={"share": "5"},
                            headers=b.headers | {"If-Match": f'"{holding["version"]}"'})
    assert narrowed.status_code == 200 and narrowed.json()["share"] == "5"
    # B's agent, acting for B alone, is no more a manager of A's work than B; the operator is.
    mandate = {"agent_id": people["agent"].party_id, "owner_id": b.party_id, "rights": [],
               "valid_from": "2020-01-01"}
    assert client.post("/api/v1/mandates", json=mandate, headers=b.headers).status_code == 201
    version = {"If-Match": f'"{narrowed.json()["version"]}"'}
    by_agent = client.patch(url, json={"share": "20"}, headers=people["agent"].headers | version)
    assert by_agent.status_code == 403
    by_operator = client.patch(url, json={"share": "20"}, headers=people["operator"].headers | version)
    assert by_operator.status_code == 200 and by_operator.json()["share"] == "20"


def test_an_agent_manages_a_work_only_within_a_mandate_for_every_right(client, people):
    a, agent = people["a"], people["agent"]
    work = _song(client, a)
    mandate = {"agent_id": agent.party_id, "owner_id": a.party_id,
               "rights": ["perform_public"], "valid_from": "2020-01-01"}
    assert client.post("/api/v1/mandates", json=mandate, headers=a.headers).status_code == 201
    assert _edit(client, agent, work["id"], {"title": "集体管理"}).status_code == 403
    # Registering a work for A makes A its registrant: that too takes a mandate for every right.
    on_behalf = client.post("/api/v1/works", headers=agent.headers,
                            json={"type": "photograph", "title": "代理", "on_behalf_of": a.party_id})
    assert on_behalf.status_code == 403
    row = {"type": "photograph", "title": "x", "on_behalf_of": a.party_id}
    report = imported(client, agent, json.dumps([row]).encode(), "application/json")
    assert report["rows"][0]["status"] == "rejected"
    # Within its rights it registers A's holding directly (A manages the work)...
    inside = client.post(f"/api/v1/works/{work['id']}/holdings", headers=agent.headers, json=SLIVER
                         | {"holder_id": a.party_id, "rights": ["perform_public"]})
    assert inside.status_code == 201 and inside.json()["status"] == "active"
    # ...and decides claims in those rights, but not in others.
    b = people["b"]
    in_rights = _claim(client, b, work["id"], rights=["perform_public"])
    out_of_rights = _claim(client, b, work["id"], rights=["master_use"])
    assert _accept(client, agent, out_of_rights).status_code == 404
    assert _accept(client, agent, in_rights).status_code == 200
    # An expired mandate is no mandate.
    expired = mandate | {"rights": [], "valid_from": "2019-01-01", "valid_to": "2020-01-01"}
    assert client.post("/api/v1/mandates", json=expired, headers=a.headers).status_code == 201
    assert _edit(client, agent, work["id"], {"title": "过期"}).status_code == 403


def test_an_ended_holding_or_an_administrator_role_manages_nothing(client, people):
    a, b, operator = people["a"], people["b"], people["operator"]
    work = _song(client, a)
    ended = date.today() - timedelta(days=1)
    registered = client.post(f"/api/v1/works/{work['id']}/holdings", headers=operator.headers,
                             json=SLIVER | {"holder_id": b.party_id, "valid_from": "2019-01-01",
                                            "valid_to": ended.isoformat(),
                                            "administrator_id": people["agent"].party_id})
    assert registered.status_code == 201
    assert registered.json()["status"] == "active" and registered.json()["manages_work"] is True
    assert _edit(client, b, work["id"], {"title": "过期的权利"}).status_code == 403
    # Naming an agent as a holding's administrator sends it referrals, not the work's keys.
    assert _edit(client, people["agent"], work["id"], {"title": "管理人"}).status_code == 403


def test_claims_from_the_cli(cli, client, people):  # noqa: ANN001
    a, b = people["a"], people["b"]
    work = _song(client, a)
    first = _claim(client, b, work["id"])
    second = _claim(client, b, work["id"], territories=["NZ"])
    listed = cli.json("holdings", "claims", work["id"], "--as", a.party_id)
    assert sorted(h["id"] for h in listed) == sorted([first["id"], second["id"]])
    accepted = cli.json("holdings", "accept", first["id"], "--version", "1", "--as", a.party_id)
    assert accepted["status"] == "active"
    refused = cli("holdings", "accept", second["id"], "--version", "1", "--as", b.party_id)
    assert refused.exit_code == 6  # forbidden: a claimant does not decide its own claim
    rejected = cli.json("holdings", "reject", second["id"], "--version", "1", "--note", "no")
    assert rejected["status"] == "rejected"  # as the local operator


def test_the_migration_leaves_existing_holdings_accepted_and_only_the_registrants_managing(
        client, people, engine, sessions):  # noqa: ANN001
    from alembic import command
    from sqlalchemy import select

    from clearinghouse.core.migrate import alembic_config
    from clearinghouse.registry.tables import Holding

    a, b = people["a"], people["b"]
    work = _song(client, a)
    assert _accept(client, a, _claim(client, b, work["id"]), manages_work=True).status_code == 200
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    for step, target in ((command.downgrade, "0006"), (command.upgrade, "head")):
        with engine.begin() as connection:  # as before claims existed, then migrated again
            cfg.attributes["connection"] = connection
            step(cfg, target)
    with sessions() as s:
        rows = {h.holder_id: (h.status, h.manages_work) for h in s.scalars(select(Holding))}
    assert rows == {a.party_id: ("active", True), b.party_id: ("active", False)}
