"""Every endpoint authenticates, and each role is refused what it may not touch."""

from __future__ import annotations

import re

import pytest

from clearinghouse.access.domain import Role
from tests.support.factories import make_actor, make_holding, make_work

# Reads of the public catalogue need no key, as a public works database should.
PUBLIC = {
    ("GET", "/healthz"), ("GET", "/api/v1/works"), ("GET", "/api/v1/works/{work_id}"),
    ("GET", "/api/v1/works/{work_id}/holdings"), ("GET", "/api/v1/holdings/{holding_id}"),
    ("GET", "/api/v1/parties"), ("GET", "/api/v1/parties/{party_id}"), ("GET", "/api/v1/work-types"),
    ("GET", "/api/v1/templates"), ("GET", "/api/v1/templates/{template_ref}"),
    ("GET", "/api/v1/works/{work_id}/offers"), ("GET", "/api/v1/offers/{offer_id}"),
    ("GET", "/api/v1/offers/{offer_id}/odrl"), ("GET", "/api/v1/exchange-rates"),
    ("GET", "/api/v1/fee-schedules"), ("GET", "/api/v1/fee-schedules/current"),
    ("POST", "/api/v1/certificates/verify"), ("GET", "/verify/{license_id}"),
    ("GET", "/api/v1/downloads/{token}"),  # the signed token is the credential
    ("GET", "/api/v1/certificates/keys"), ("GET", "/.well-known/did.json"),
    ("GET", "/api/v1/downloads/{token}/licence.json"),  # the same token
    ("GET", "/api/v1/platforms"), ("GET", "/api/v1/platforms/{code}"),
}


BAD_AUTHORIZATION = (
    "Bearer chk_000000000000_wrong",  # well-formed, no such key
    "Basic dXNlcjpwYXNz",
    "Bearer",
    "nonsense",
)


@pytest.fixture
def settings(settings):  # noqa: ANN001, ANN201
    """These tests send a bad key to every route from one client on purpose: don't throttle it."""
    return settings.model_copy(update={"auth_failures_per_client": 100_000,
                                       "auth_failures_per_key_prefix": 100_000})


def _routes(client):
    """Every operation our OpenAPI document declares, with its declared security."""
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation["security"]


def test_the_openapi_declares_exactly_the_public_operations_public(client):
    """`security: []` on what needs no key, the bearer scheme on everything else."""
    operations = {(method, path): security for method, path, security in _routes(client)}
    assert {op for op, security in operations.items() if security == []} == PUBLIC & set(operations)
    assert all(security in ([], [{"HTTPBearer": []}]) for security in operations.values())


def test_every_non_public_endpoint_refuses_a_missing_key_and_every_endpoint_a_bad_one(client):
    checked = 0
    for method, path, _ in _routes(client):
        url = re.sub(r"\{[^}]+\}", "x", path)
        attempts = [{"Authorization": bad} for bad in BAD_AUTHORIZATION]
        if (method, path) not in PUBLIC:
            attempts.append({})
        for headers in attempts:
            resp = client.request(method, url, headers=headers, json={})
            assert resp.status_code == 401, (method, path, headers, resp.status_code, resp.text)
            assert resp.json()["error"]["code"] == "unauthenticated"
            assert resp.headers["WWW-Authenticate"] == "Bearer"
        checked += 1
    assert checked >= 40


def test_role_rules_for_registry_endpoints(client, sessions):
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    owner = make_actor(sessions, "Owner", Role.OWNER)
    other_owner = make_actor(sessions, "Other owner", Role.OWNER)
    agent = make_actor(sessions, "MCN", Role.AGENT)
    licensee = make_actor(sessions, "Brand", Role.LICENSEE)
    platform = make_actor(sessions, "抖音", Role.PLATFORM)
    work_id = make_work(sessions, owner)
    holding_id = make_holding(sessions, owner, work_id)

    new_party = {"name": "X", "roles": ["owner"]}
    for who in (owner, agent, licensee, platform):
        assert client.post("/api/v1/parties", json=new_party, headers=who.headers).status_code == 403
        assert client.post("/api/v1/keys", json={"party_id": who.party_id},
                           headers=who.headers).status_code == 403
    assert client.post("/api/v1/parties", json=new_party, headers=operator.headers).status_code == 201

    for who in (licensee, platform):
        resp = client.post("/api/v1/works", json={"type": "photograph", "title": "t"}, headers=who.headers)
        assert resp.status_code == 403

    patch = {"title": "hijacked"}
    for who in (other_owner, agent, licensee, platform):
        resp = client.patch(f"/api/v1/works/{work_id}", json=patch, headers=who.headers | {"If-Match": '"1"'})
        assert resp.status_code == 403, who
        resp = client.patch(f"/api/v1/holdings/{holding_id}", json={"share": "1"},
                            headers=who.headers | {"If-Match": '"1"'})
        assert resp.status_code == 403, who
        resp = client.post(f"/api/v1/works/{work_id}/holdings", headers=who.headers, json={
            "holder_id": owner.party_id, "rights": ["reproduce"], "share": "10", "warranty": {"accepted": True}})
        assert resp.status_code == 403, who
    assert client.get(f"/api/v1/parties/{owner.party_id}/keys", headers=other_owner.headers).status_code == 403
    assert client.patch(f"/api/v1/parties/{owner.party_id}", json={"name": "x"},
                        headers=other_owner.headers | {"If-Match": '"1"'}).status_code == 403
    assert client.patch(f"/api/v1/parties/{owner.party_id}", json={"roles": ["operator"]},
                        headers=owner.headers | {"If-Match": '"1"'}).status_code == 403

    # An owner grants the agent a mandate for synchronisation: now the agent may act, within it.
    grant = {"agent_id": agent.party_id, "owner_id": owner.party_id, "rights": ["synchronisation"],
             "valid_from": "2020-01-01"}
    assert client.post("/api/v1/mandates", json=grant, headers=other_owner.headers).status_code == 403
    assert client.post("/api/v1/mandates", json=grant, headers=owner.headers).status_code == 201
    # Editing the work itself is beyond a mandate for one right; a mandate for every right allows it.
    beyond = client.patch(f"/api/v1/works/{work_id}", json={"title": "经纪人修改"},
                          headers=agent.headers | {"If-Match": '"1"'})
    assert beyond.status_code == 403
    outside = client.post(f"/api/v1/works/{work_id}/holdings", headers=agent.headers, json={
        "holder_id": owner.party_id, "rights": ["master_use"], "share": "10", "warranty": {"accepted": True}})
    assert outside.status_code == 403
    inside = client.post(f"/api/v1/works/{work_id}/holdings", headers=agent.headers, json={
        "holder_id": owner.party_id, "rights": ["synchronisation"], "share": "10",
        "territories": ["US"], "warranty": {"accepted": True}})
    assert inside.status_code == 201 and inside.json()["status"] == "active"  # for the registrant
    every_right = grant | {"rights": []}
    assert client.post("/api/v1/mandates", json=every_right, headers=owner.headers).status_code == 201
    ok = client.patch(f"/api/v1/works/{work_id}", json={"title": "经纪人修改"},
                      headers=agent.headers | {"If-Match": '"1"'})
    assert ok.status_code == 200
    registered = client.post("/api/v1/works", headers=agent.headers, json={
        "type": "photograph", "title": "代理登记", "on_behalf_of": owner.party_id})
    assert registered.status_code == 201 and registered.json()["registrant_id"] == owner.party_id
    refused = client.post("/api/v1/works", headers=agent.headers, json={
        "type": "photograph", "title": "越权", "on_behalf_of": other_owner.party_id})
    assert refused.status_code == 403

    conflicts = client.get("/api/v1/conflicts", headers=owner.headers)
    assert conflicts.status_code == 200
    assert client.post("/api/v1/conflicts/cfl_x/resolve", json={"resolution": "x"},
                       headers=owner.headers).status_code == 403
    audit = client.get("/api/v1/audit", headers=other_owner.headers).json()
    assert all(e["actor_party_id"] == other_owner.party_id for e in audit["items"])


OPERATOR_ONLY = [
    ("POST", "/api/v1/parties"), ("POST", "/api/v1/keys"), ("POST", "/api/v1/work-types"),
    ("POST", "/api/v1/conflicts/x/resolve"), ("POST", "/api/v1/templates"),
    ("PATCH", "/api/v1/templates/x"), ("POST", "/api/v1/exchange-rates"),
    ("POST", "/api/v1/fee-schedules"), ("POST", "/api/v1/licenses/x/revoke"),
    ("POST", "/api/v1/licenses/x/suspend"), ("POST", "/api/v1/licenses/x/reinstate"),
    ("POST", "/api/v1/payments/x/mark-paid"), ("POST", "/api/v1/payments/x/cancel"),
    ("GET", "/api/v1/payments"), ("POST", "/api/v1/payments/reconcile"),
    ("POST", "/api/v1/ledger/entries/x/reverse"),
]
RIGHTS_MANAGERS_ONLY = [
    ("POST", "/api/v1/works"), ("POST", "/api/v1/works/import"), ("POST", "/api/v1/works/x/holdings"),
    ("PATCH", "/api/v1/holdings/x"), ("POST", "/api/v1/holdings/x/withdraw"), ("POST", "/api/v1/offers"),
    ("PATCH", "/api/v1/offers/x"), ("POST", "/api/v1/offers/x/withdraw"),
]
LICENSEES_ONLY = [
    ("POST", "/api/v1/quotes/x/referrals"), ("POST", "/api/v1/referrals"),
    ("POST", "/api/v1/quotes/x/purchase"), ("POST", "/api/v1/licenses"),
]


def test_a_role_that_may_not_act_at_all_gets_403_before_its_body_is_validated(client, sessions):
    owner = make_actor(sessions, "Owner", Role.OWNER)
    licensee = make_actor(sessions, "Brand", Role.LICENSEE)
    platform = make_actor(sessions, "抖音", Role.PLATFORM)
    cases = ([(op, (owner, licensee, platform)) for op in OPERATOR_ONLY]
             + [(op, (licensee, platform)) for op in RIGHTS_MANAGERS_ONLY]
             + [(op, (owner, platform)) for op in LICENSEES_ONLY]
             + [(("POST", "/api/v1/quotes"), (owner, platform))])
    for (method, url), refused in cases:
        for who in refused:
            resp = client.request(method, url, json=["not", "a", "valid", "body"],
                                  headers=who.headers | {"If-Match": '"1"'})
            assert resp.status_code == 403, (method, url, resp.status_code, resp.text)
            assert resp.json()["error"]["code"] == "forbidden"
        anonymous = client.request(method, url, json=["not", "a", "valid", "body"])
        assert anonymous.status_code == 401, (method, url, anonymous.text)


def test_a_licensee_posting_an_invalid_offer_is_told_403_and_an_owner_422(client, sessions):
    owner = make_actor(sessions, "Owner", Role.OWNER)
    licensee = make_actor(sessions, "Brand", Role.LICENSEE)
    invalid = {"template": 7, "price": "lots"}
    assert client.post("/api/v1/offers", json=invalid, headers=licensee.headers).status_code == 403
    assert client.post("/api/v1/offers", json=invalid, headers=owner.headers).status_code == 422
    # Also when the body is not JSON at all (FastAPI parses it before any dependency runs).
    unreadable = {"Content-Type": "application/json"}
    for headers, status in (({}, 401), ({"Authorization": "Basic eDp5"}, 401),
                            (licensee.headers, 403), (owner.headers, 422)):
        resp = client.post("/api/v1/offers", content=b"{not json", headers=unreadable | headers)
        assert resp.status_code == status, (headers, resp.text)
