"""Authentication: strict parsing of `Authorization`, throttling of failed attempts, the audit
trail of failures, and keys' `last_used_at`."""

from __future__ import annotations

import secrets

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from clearinghouse.access.domain import Role
from clearinghouse.core.tables import AuditEvent
from clearinghouse.registry.auth_events import MAX_TALLIES
from clearinghouse.registry.tables import ApiKey
from tests.support.factories import make_actor


def _wrong_key(lookup: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer chk_{lookup or secrets.token_hex(6)}_{secrets.token_urlsafe(8)}"}


def _from(client: TestClient, address: str) -> TestClient:
    """Another client address talking to the same running app."""
    return TestClient(client.app, client=(address, 40000), raise_server_exceptions=False)


def _failure_rows(sessions) -> list[AuditEvent]:  # noqa: ANN001
    with sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "auth.failed")
                              .order_by(AuditEvent.id)))


def _write_tally(client: TestClient) -> None:
    client.app.state.auth.writer.write_now()  # what the writer thread does every few seconds


MALFORMED = (
    "Basic dXNlcjpwYXNzd29yZA==",
    "Bearer",
    "Bearer ",
    "Bearer nonsense",
    "chk_de0000000001_demo-operator",  # a key without the scheme
    "Bearer chk_ZZZZZZZZZZZZ_secret",  # the lookup is not hex
    "Bearer chk_de0000000001_a b",
)


@pytest.mark.parametrize("path", ["/api/v1/works", "/api/v1/me", "/healthz"])
def test_a_present_but_bad_authorization_is_refused_on_public_and_private_routes(client, sessions, path):
    owner = make_actor(sessions, "Owner", Role.OWNER)
    for header in (*MALFORMED, _wrong_key()["Authorization"]):
        resp = client.get(path, headers={"Authorization": header})
        assert resp.status_code == 401, (header, resp.text)
        assert resp.json()["error"]["code"] == "unauthenticated"
    two = [("Authorization", owner.headers["Authorization"]), ("Authorization", "Bearer x")]
    assert client.get(path, headers=two).status_code == 401
    # The scheme is case-insensitive (RFC 9110); the real key works everywhere.
    assert client.get(path, headers={"Authorization": f"bearer {owner.token}"}).status_code == 200
    assert client.get(path, headers=owner.headers).status_code == 200


def test_500_wrong_keys_from_one_client_are_throttled_after_the_limit(client, sessions, settings):
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    limit = settings.auth_failures_per_client
    codes = [client.get("/api/v1/me", headers=_wrong_key()).status_code for _ in range(500)]
    assert codes[:limit] == [401] * limit
    assert codes[limit:] == [429] * (500 - limit)

    refused = client.get("/api/v1/works", headers=_wrong_key())
    assert refused.status_code == 429
    body = refused.json()["error"]
    assert body["code"] == "too_many_requests"
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= settings.auth_failure_window_seconds
    assert body["details"] == {"retry_after_seconds": wait}
    # While throttled even a right key is refused unchecked: guessing cannot go on at speed.
    assert client.get("/api/v1/me", headers=operator.headers).status_code == 429
    # Without a key the public catalogue still answers; other clients are not affected.
    assert client.get("/api/v1/works").status_code == 200
    assert _from(client, "198.51.100.7").get("/api/v1/me", headers=operator.headers).status_code == 200


def test_one_key_prefix_is_throttled_across_client_addresses(client, sessions, settings):
    owner = make_actor(sessions, "Owner", Role.OWNER)
    lookup = owner.token.split("_")[1]
    limit = settings.auth_failures_per_key_prefix
    codes = [_from(client, f"203.0.113.{i}").get("/api/v1/me", headers=_wrong_key(lookup)).status_code
             for i in range(limit + 5)]
    assert codes == [401] * limit + [429] * 5
    fresh = _from(client, "192.0.2.1")
    assert fresh.get("/api/v1/me", headers=_wrong_key()).status_code == 401  # other prefixes: checked
    # The attacked key itself waits out the window too (the price of refusing before checking).
    assert fresh.get("/api/v1/me", headers=owner.headers).status_code == 429


@pytest.fixture
def proxied_settings(settings):  # noqa: ANN001, ANN201
    return settings.model_copy(update={"trusted_proxies": "10.0.0.1, 10.8.0.0/16",
                                       "auth_failures_per_client": 3})


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(proxied_settings):
    from clearinghouse.api.app import create_app

    proxied_settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = create_app(proxied_settings)
    with TestClient(app, client=("10.0.0.1", 1), raise_server_exceptions=False) as proxy:
        first = {"X-Forwarded-For": "203.0.113.5, 10.8.0.3"}  # the client, then an inner proxy
        assert [proxy.get("/api/v1/me", headers=_wrong_key() | first).status_code
                for _ in range(4)] == [401, 401, 401, 429]
        second = {"X-Forwarded-For": "203.0.113.6"}
        assert proxy.get("/api/v1/me", headers=_wrong_key() | second).status_code == 401

        direct = TestClient(app, client=("192.0.2.9", 1), raise_server_exceptions=False)
        spoofed = [direct.get("/api/v1/me", headers=_wrong_key() | {"X-Forwarded-For": f"198.51.100.{i}"})
                   for i in range(4)]
        assert [r.status_code for r in spoofed] == [401, 401, 401, 429]


def test_failures_are_audited_in_bounded_rows_without_the_secret(client, sessions, settings):
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    owner = make_actor(sessions, "Owner", Role.OWNER)
    lookup = owner.token.split("_")[1]
    secret = "not-the-right-secret"
    attacked = {"Authorization": f"Bearer chk_{lookup}_{secret}"}
    for _ in range(3):
        assert client.get("/api/v1/me", headers=attacked).status_code == 401
    for _ in range(500):
        client.get("/api/v1/me", headers=_wrong_key())
    _write_tally(client)

    rows = _failure_rows(sessions)
    assert len(rows) <= MAX_TALLIES + 1  # one per (client, key prefix) and one for the rest
    on_key = [r for r in rows if r.entity_type == "api_key"]
    assert len(on_key) == 1 and on_key[0].after["refused"] == 3
    assert on_key[0].after["client"] == "testclient"
    assert on_key[0].after["key_prefix"] == f"chk_{lookup}_"
    counted = sum(r.after.get("refused", 0) + r.after.get("throttled", 0) for r in rows)
    counted += sum(r.after.get("refused_or_throttled", 0) for r in rows)
    assert counted == 503
    assert any(r.after.get("limit_reached") for r in rows)
    assert not any(secret in str(r.after) for r in rows)

    office = _from(client, "192.0.2.50")  # "testclient" itself is throttled by now
    listed = office.get("/api/v1/audit", params={"entity_type": "api_key", "entity_id": on_key[0].entity_id},
                        headers=operator.headers).json()
    assert [e["action"] for e in listed["items"]] == ["key.create", "auth.failed"]  # the key's history


def test_the_same_source_failing_again_adds_no_row_until_the_next_batch(client, sessions):
    for _ in range(5):
        client.get("/api/v1/works", headers={"Authorization": "Basic eDp5"})
    _write_tally(client)
    rows = _failure_rows(sessions)
    assert len(rows) == 1
    assert (rows[0].entity_type, rows[0].entity_id) == ("auth", "-")
    assert rows[0].after["refused"] == 5 and rows[0].after["key_prefix"] is None


def test_last_used_at_is_set_after_a_key_is_used(client, sessions):
    owner = make_actor(sessions, "Owner", Role.OWNER)
    keys = client.get(f"/api/v1/parties/{owner.party_id}/keys", headers=owner.headers).json()
    assert keys[0]["last_used_at"] is None  # not written on the request's path
    _write_tally(client)
    keys = client.get(f"/api/v1/parties/{owner.party_id}/keys", headers=owner.headers).json()
    first_use = keys[0]["last_used_at"]
    assert first_use is not None

    client.get("/api/v1/me", headers=owner.headers)
    _write_tally(client)
    keys = client.get(f"/api/v1/parties/{owner.party_id}/keys", headers=owner.headers).json()
    assert keys[0]["last_used_at"] >= first_use


def test_closing_the_app_writes_what_is_left(settings, sessions):
    from clearinghouse.api.app import create_app

    owner = make_actor(sessions, "Owner", Role.OWNER)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/me", headers=owner.headers).status_code == 200
        assert client.get("/api/v1/me", headers=_wrong_key()).status_code == 401
    with sessions() as s:
        assert s.scalars(select(ApiKey.last_used_at)).one() is not None
    assert len(_failure_rows(sessions)) == 1
