"""A small market for the catalogue tests: a song co-published 60/40, its recording held by a label
(whose agent may price master use only), a brand that licenses, and a bystander licensee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from clearinghouse.access.domain import Role
from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.registry import parties_service
from clearinghouse.registry.schemas import MandateCreate
from tests.support.factories import Actor, make_actor, make_holding, make_work


@dataclass
class World:
    operator: Actor
    pub_a: Actor
    pub_b: Actor
    label: Actor
    agent: Actor
    brand: Actor
    bystander: Actor
    song: str  # the composition
    master: str  # the recording, which embodies the song


def build_world(sessions) -> World:  # noqa: ANN001
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    pub_a = make_actor(sessions, "Publisher A 甲出版", Role.OWNER)
    pub_b = make_actor(sessions, "Publisher B 乙出版", Role.OWNER)
    label = make_actor(sessions, "Label 唱片公司", Role.OWNER)
    agent = make_actor(sessions, "Agent MCN", Role.AGENT)
    brand = make_actor(sessions, "Brand 品牌", Role.LICENSEE)
    bystander = make_actor(sessions, "Bystander", Role.LICENSEE)
    song = make_work(sessions, pub_a, title="月亮代表我的心", length=200)
    make_holding(sessions, pub_a, song, share="60")
    make_holding(sessions, pub_b, song, share="40")
    master = make_work(
        sessions,
        label,
        type="sound_recording",
        title="月亮代表我的心 (录音)",
        length=200,
        relations=[{"kind": "embodies", "work_id": song}],
    )
    make_holding(sessions, label, master, rights=["master_use"])
    with unit_of_work(sessions) as s:
        parties_service.create_mandate(
            s,
            None,
            MandateCreate(
                agent_id=agent.party_id,
                owner_id=label.party_id,
                rights=["master_use"],
                valid_from=date(2020, 1, 1),
            ),
        )
    return World(operator, pub_a, pub_b, label, agent, brand, bystander, song, master)


def offer_body(work_ids: list[str], rights: list[str], **price) -> dict:  # noqa: ANN003
    return {
        "template_id": "branded-short-video-ad",
        "rights": rights,
        "work_ids": work_ids,
        "currency": "CNY",
        **price,
    }


def ad_use(work_ids: list[str], **changes) -> dict:  # noqa: ANN003
    """A 15-second branded video on 抖音 in mainland China for one year, priced in CNY."""
    return {
        "work_ids": work_ids,
        "purpose": "advertising",
        "channels": ["douyin"],
        "uses": 1,
        "portion": {"unit": "seconds", "value": 15},
        "territories": ["CN"],
        "start": (utcnow().date() + timedelta(days=1)).isoformat(),
        "term_days": 365,
        "currency": "CNY",
        **changes,
    }


def price_everything(client, w: World) -> None:  # noqa: ANN001
    """The worked example's rate cards: A 3,000.00 CNY, B 299.99 USD, the label 5,000.00 CNY."""
    for actor, work, right, price in (
        (w.pub_a, w.song, "synchronisation", {"fixed_fee_minor": 300_000}),
        (w.pub_b, w.song, "synchronisation", {"currency": "USD", "fixed_fee_minor": 29_999}),
        (w.label, w.master, "master_use", {"fixed_fee_minor": 500_000}),
    ):
        r = client.post(
            "/api/v1/offers", headers=actor.headers, json=offer_body([work], [right], **price)
        )
        assert r.status_code == 201, r.text
