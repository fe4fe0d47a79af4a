"""The webhook API: a platform registers, lists and removes its endpoints; only it (and the
operator) sees its deliveries and dead letters."""

from __future__ import annotations

from datetime import UTC, datetime

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.platforms.webhooks import service
from tests.support.factories import make_actor

HOOKS = "/api/v1/platforms/me/webhooks"


def test_register_shows_the_secret_once_and_stores_it_sealed(client, sessions) -> None:
    platform = make_actor(sessions, "抖音", Role.PLATFORM)
    made = client.post(HOOKS, json={"url": "https://hooks.example.com/ch"},
                       headers=platform.headers)
    assert made.status_code == 201, made.text
    secret = made.json()["secret"]
    assert secret.startswith("whsec_") and made.json()["events"] == ["notice.issued"]
    listed = client.get(HOOKS, headers=platform.headers).json()
    assert [e["url"] for e in listed] == ["https://hooks.example.com/ch"]
    assert "secret" not in listed[0]
    with unit_of_work(sessions) as s:
        stored = s.execute(  # the database alone does not reveal it
            service.repository.select(service.WebhookEndpoint.secret_sealed)).scalar_one()
    assert secret not in stored
    again = client.post(HOOKS, json={"url": "https://hooks.example.com/ch"},
                        headers=platform.headers)
    assert again.status_code == 409
    gone = client.delete(f"{HOOKS}/{made.json()['id']}", headers=platform.headers)
    assert gone.status_code == 200 and client.get(HOOKS, headers=platform.headers).json() == []


def test_bad_urls_get_the_one_error_shape(client, sessions) -> None:
    platform = make_actor(sessions, "快手", Role.PLATFORM)
    for url in ("http://example.com/hook", "ftp://example.com/x", "https://u:p@example.com/",
                "https://example.com/" + "a" * 2000):
        answer = client.post(HOOKS, json={"url": url}, headers=platform.headers)
        assert answer.status_code == 422, url
        error = answer.json()["error"]
        assert error["code"] == "validation_failed" and "url" in str(error), error
    odd = client.post(HOOKS, json={"url": "https://x.example/", "events": ["everything"]},
                      headers=platform.headers)
    assert odd.status_code == 422


def test_only_platforms_and_only_their_own(client, sessions) -> None:
    platform = make_actor(sessions, "抖音", Role.PLATFORM)
    other = make_actor(sessions, "B站", Role.PLATFORM)
    licensee = make_actor(sessions, "Creator", Role.LICENSEE)
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    assert client.post(HOOKS, json={"url": "https://x.example/h"},
                       headers=licensee.headers).status_code == 403
    assert client.get(HOOKS).status_code == 401
    made = client.post(HOOKS, json={"url": "https://x.example/h"}, headers=platform.headers).json()
    assert client.delete(f"{HOOKS}/{made['id']}", headers=other.headers).status_code == 404
    with unit_of_work(sessions) as s:
        delivery_id = service.enqueue(s, platform_party_id=platform.party_id,
                                      event="notice.issued", payload={"n": 1},
                                      now=datetime.now(UTC))
    # Removing the endpoint dead-letters what was pending for it.
    assert client.delete(f"{HOOKS}/{made['id']}", headers=platform.headers).status_code == 200
    mine = client.get(f"{HOOKS}/dead-letters", headers=platform.headers).json()
    assert [(d["id"], d["last_error"]) for d in mine] == [(delivery_id, "endpoint removed")]
    assert client.get(f"{HOOKS}/dead-letters", headers=other.headers).json() == []
    assert [d["id"] for d in client.get(f"{HOOKS}/dead-letters",
                                        headers=operator.headers).json()] == [delivery_id]
    redo = f"{HOOKS}/deliveries/{delivery_id}/redeliver"
    assert client.post(redo, headers=other.headers).status_code == 404
    # Its only endpoint is gone: nowhere to redeliver to until it registers one.
    assert client.post(redo, headers=platform.headers).status_code == 409
    client.post(HOOKS, json={"url": "https://y.example/h"}, headers=platform.headers)
    again = client.post(redo, headers=platform.headers)
    assert again.status_code == 200 and again.json()["status"] == "pending"
    assert again.json()["url"] == "https://y.example/h"
