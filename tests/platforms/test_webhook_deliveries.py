"""Webhook deliveries to a real receiver: signed, retried with backoff, dead-lettered, redelivered."""

from __future__ import annotations

import random
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import NotFound, ValidationFailed
from clearinghouse.platforms.webhooks import deliverer, domain, service
from clearinghouse.platforms.webhooks.schemas import WebhookCreate
from clearinghouse.platforms.webhooks.secret_box import SecretBox
from clearinghouse.platforms.webhooks.tables import WebhookDelivery, WebhookEndpoint
from tests.platforms.receiver import Receiver, receiver
from tests.support.factories import Actor, make_actor, principal

START = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def box(tmp_path: Path) -> SecretBox:
    return SecretBox.open(tmp_path / "keys")


def register(sessions: sessionmaker[Session], platform: Actor, box: SecretBox, url: str) -> str:
    with unit_of_work(sessions) as s:
        _, secret = service.register_endpoint(
            s, principal(s, platform), WebhookCreate(url=url), box=box, allow_http_loopback=True,
            now=START)
    return secret


def enqueue(sessions: sessionmaker[Session], platform: Actor, n: int = 1) -> str | None:
    with unit_of_work(sessions) as s:
        return service.enqueue(s, platform_party_id=platform.party_id, event="notice.issued",
                               payload={"notice_id": f"ntc_{n}", "work": "月光"}, now=START)


def deliver(sessions: sessionmaker[Session], box: SecretBox, clock: Clock, max_attempts: int = 8):
    return deliverer.deliver_due(sessions, box=box, max_attempts=max_attempts, timeout_seconds=5,
                                 clock=clock, rng=random.Random(7))


def row(sessions: sessionmaker[Session], delivery_id: str) -> WebhookDelivery:
    with unit_of_work(sessions) as s:
        found = s.get(WebhookDelivery, delivery_id)
        assert found is not None
        return found


def armed(sessions: sessionmaker[Session], box: SecretBox, hook: Receiver) -> tuple[Actor, str]:
    platform = make_actor(sessions, "抖音 Platform", Role.PLATFORM)
    hook.secret = register(sessions, platform, box, hook.url)
    delivery_id = enqueue(sessions, platform)
    assert delivery_id is not None
    return platform, delivery_id


def test_failing_receiver_is_retried_with_backoff_and_gets_it_once(sessions, box) -> None:
    clock = Clock()
    with receiver(500, 503, 200) as hook:
        _, delivery_id = armed(sessions, box, hook)
        assert deliver(sessions, box, clock)["pending"] == 1
        first = row(sessions, delivery_id)
        assert first.attempts == 1 and first.last_status_code == 500
        wait = first.next_attempt_at - START  # type: ignore[operator]
        assert timedelta(seconds=15) <= wait <= timedelta(seconds=30)  # 30 s, jittered
        assert not deliver(sessions, box, clock)  # not due yet: nothing sent
        clock.now = first.next_attempt_at  # type: ignore[assignment]
        deliver(sessions, box, clock)
        second = row(sessions, delivery_id)
        assert timedelta(seconds=30) <= second.next_attempt_at - clock.now <= timedelta(seconds=60)
        clock.now = second.next_attempt_at  # type: ignore[assignment]
        assert deliver(sessions, box, clock)["delivered"] == 1
        clock.now += timedelta(days=1)
        assert not deliver(sessions, box, clock)  # delivered: never sent again
    done = row(sessions, delivery_id)
    assert (done.status, done.attempts, done.delivered_at) == ("delivered", 3, second.next_attempt_at)
    assert [r.delivery_id for r in hook.got] == [delivery_id] * 3  # the receiver's idempotency key
    assert all(r.signature_ok and r.event == "notice.issued" for r in hook.got)
    assert len(hook.accepted) == 1 and hook.accepted[0].body["data"]["work"] == "月光"


def test_always_failing_receiver_is_dead_lettered_listed_and_redelivered(sessions, box) -> None:
    clock = Clock()
    with receiver(502) as hook:
        platform, delivery_id = armed(sessions, box, hook)
        for _ in range(3):
            deliver(sessions, box, clock, max_attempts=3)
            clock.now += timedelta(hours=7)  # past any backoff
        assert len(hook.got) == 3
        dead = row(sessions, delivery_id)
        assert (dead.status, dead.attempts, dead.last_error) == ("dead", 3, "HTTP 502")
        with unit_of_work(sessions) as s:
            listed = service.dead_letters(s, principal(s, platform))
            assert [(r.id, url) for r, url in listed] == [(delivery_id, hook.url)]
            service.redeliver(s, principal(s, platform), delivery_id, clock.now)
        hook.statuses = [200]
        assert deliver(sessions, box, clock, max_attempts=3)["delivered"] == 1
    assert row(sessions, delivery_id).status == "delivered"
    assert hook.got[-1].delivery_id == delivery_id and hook.got[-1].signature_ok


def test_gone_receiver_is_dead_at_once(sessions, box) -> None:
    with receiver(410) as hook:
        _, delivery_id = armed(sessions, box, hook)
        assert deliver(sessions, box, Clock())["dead"] == 1
    dead = row(sessions, delivery_id)
    assert (dead.status, dead.attempts, dead.last_status_code) == ("dead", 1, 410)


def test_receiver_down_is_retried(sessions, box) -> None:
    with socket.socket() as spare:  # a loopback port nobody listens on
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    platform = make_actor(sessions, "快手 Platform", Role.PLATFORM)
    register(sessions, platform, box, f"http://127.0.0.1:{port}/down")
    delivery_id = enqueue(sessions, platform)
    assert deliver(sessions, box, Clock())["pending"] == 1
    retried = row(sessions, delivery_id or "")
    assert retried.status == "pending" and retried.attempts == 1
    assert retried.last_status_code is None and "Connect" in (retried.last_error or "")


def test_another_platform_cannot_see_or_redeliver(sessions, box) -> None:
    clock = Clock()
    with receiver(404) as hook:
        _, delivery_id = armed(sessions, box, hook)
        deliver(sessions, box, clock)
    other = make_actor(sessions, "B站 Platform", Role.PLATFORM)
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    with unit_of_work(sessions) as s:
        assert service.dead_letters(s, principal(s, other)) == []
        with pytest.raises(NotFound):
            service.redeliver(s, principal(s, other), delivery_id, clock.now)
        assert [r.id for r, _ in service.dead_letters(s, principal(s, operator))] == [delivery_id]


def test_no_endpoint_means_no_delivery_and_urls_are_checked(sessions, box) -> None:
    platform = make_actor(sessions, "Platform", Role.PLATFORM)
    assert enqueue(sessions, platform) is None
    with unit_of_work(sessions) as s, pytest.raises(ValidationFailed, match="https"):
        service.register_endpoint(s, principal(s, platform),
                                  WebhookCreate(url="http://example.com/hook"), box=box,
                                  allow_http_loopback=True, now=START)
    with unit_of_work(sessions) as s, pytest.raises(ValidationFailed):
        service.register_endpoint(s, principal(s, platform),
                                  WebhookCreate(url="http://127.0.0.1:9/hook"), box=box,
                                  allow_http_loopback=False, now=START)


def test_signature_fails_when_body_is_altered_or_old() -> None:
    body = b'{"id":"whd_1","data":{"price_minor":12000}}'
    stamp = int(START.timestamp())
    signed = domain.signature("whsec_k", stamp, body)
    assert domain.verify("whsec_k", str(stamp), signed, body, START)
    assert not domain.verify("whsec_k", str(stamp), signed, body.replace(b"12000", b"1"), START)
    assert not domain.verify("whsec_other", str(stamp), signed, body, START)
    assert not domain.verify("whsec_k", str(stamp), signed, body, START + timedelta(minutes=6))


def test_an_endpoint_never_reaches_inside_our_network(sessions, box) -> None:
    platform = make_actor(sessions, "Platform", Role.PLATFORM)
    for inside in ("https://10.0.0.5/hook", "https://127.0.0.1/hook", "https://[::1]/hook",
                   "https://169.254.169.254/latest", "https://localhost/hook"):
        with unit_of_work(sessions) as s, pytest.raises(ValidationFailed, match="public"):
            service.register_endpoint(s, principal(s, platform), WebhookCreate(url=inside),
                                      box=box, allow_http_loopback=True, now=START)
    # A name that resolves inside (here localhost, as a public name might come to) is refused at
    # delivery: dead at once, nothing sent.
    with receiver(200) as hook:
        register(sessions, platform, box, hook.url)
        delivery_id = enqueue(sessions, platform)
        with unit_of_work(sessions) as s:
            endpoint = s.get(WebhookEndpoint, row(sessions, delivery_id or "").endpoint_id)
            endpoint.url = hook.url.replace("http://127.0.0.1", "https://localhost")
        assert deliver(sessions, box, Clock())["dead"] == 1
        assert hook.got == []
    dead = row(sessions, delivery_id or "")
    assert dead.status == "dead" and "not a public" in (dead.last_error or "")
