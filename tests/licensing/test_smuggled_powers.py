"""Issue 10 in licensing: no claim, relation or mandate smuggles in a power never granted. A claim
on someone else's work changes no quote, prices nothing and replaces no file; the intruder's
relations never reach a quote; a mandate ends when its period does."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest

from clearinghouse.access.domain import Role
from tests.licensing.catalogue_world import World, ad_use, build_world, offer_body, price_everything
from tests.support.factories import Actor, make_actor, make_holding, make_work

SLIVER = {"rights": ["master_use"], "share": "0.0001", "territories": ["AQ"],
          "warranty": {"accepted": True}}


@pytest.fixture
def world(sessions) -> World:  # noqa: ANN001
    return build_world(sessions)


@dataclass
class Intruder(Actor):
    own_song: str = ""


@pytest.fixture
def intruder(sessions, client) -> Intruder:  # noqa: ANN001
    """An owner with a song of its own, priced cheaply for the brand's use."""
    who = make_actor(sessions, "Intruder 闯入者", Role.OWNER)
    own_song = make_work(sessions, who, title="自己的歌", length=200)
    make_holding(sessions, who, own_song)
    cheap = client.post("/api/v1/offers", headers=who.headers,
                        json=offer_body([own_song], ["synchronisation"], fixed_fee_minor=1))
    assert cheap.status_code == 201, cheap.text
    return Intruder(who.party_id, who.token, own_song)


def _claim(client, who: Actor, work_id: str, **changes) -> dict:  # noqa: ANN001
    resp = client.post(f"/api/v1/works/{work_id}/holdings", headers=who.headers,
                       json=SLIVER | changes)
    assert resp.status_code == 201 and resp.json()["status"] == "pending", resp.text
    return resp.json()


def _lines(quote: dict) -> list[tuple[str, str, str]]:
    return sorted((ln["work_id"], ln["right"], ln["holder_id"]) for ln in quote["lines"])


def test_an_intruders_relations_and_claims_change_no_quote(client, world, intruder):
    price_everything(client, world)
    _claim(client, intruder, world.master)
    # The attack: make the recording "embody" the intruder's own song instead.
    hijack = client.patch(f"/api/v1/works/{world.master}",
                          json={"relations": [{"kind": "embodies", "work_id": intruder.own_song}]},
                          headers=intruder.headers | {"If-Match": '"1"'})
    assert hijack.status_code == 403
    assert client.get(f"/api/v1/works/{world.master}").json()["relations"][0]["to_work_id"] == world.song
    # A claim of the whole synchronisation right in China disputes nothing while pending.
    _claim(client, intruder, world.song, rights=["synchronisation"], share="100",
           territories=["CN"])

    quote = client.post("/api/v1/quotes", headers=world.brand.headers, json=ad_use([world.master]))
    assert quote.status_code == 201, quote.text
    assert _lines(quote.json()) == sorted([
        (world.song, "synchronisation", world.pub_a.party_id),
        (world.song, "synchronisation", world.pub_b.party_id),
        (world.master, "master_use", world.label.party_id),
    ])
    assert quote.json()["unclearable"] == []


def test_only_an_accepted_holding_may_be_priced(client, world, intruder):
    claim = _claim(client, intruder, world.song, rights=["synchronisation"])
    body = offer_body([world.song], ["synchronisation"], fixed_fee_minor=100)
    refused = client.post("/api/v1/offers", headers=intruder.headers, json=body)
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "rights"
    accepted = client.post(f"/api/v1/holdings/{claim['id']}/accept",
                           headers=world.pub_a.headers | {"If-Match": '"1"'})
    assert accepted.status_code == 200, accepted.text
    assert client.post("/api/v1/offers", headers=intruder.headers, json=body).status_code == 201


def test_a_claimant_cannot_replace_the_file_licensees_download(client, world, intruder):
    original = b"the label's master" * 100
    put = client.put(f"/api/v1/works/{world.master}/file", content=original,
                     headers=world.label.headers | {"Content-Type": "application/octet-stream"})
    assert put.status_code == 200, put.text
    _claim(client, intruder, world.master)
    swap = client.put(f"/api/v1/works/{world.master}/file", content=b"a replacement",
                      headers=intruder.headers | {"Content-Type": "application/octet-stream"})
    assert swap.status_code == 403
    again = client.put(f"/api/v1/works/{world.master}/file", content=original,
                       headers=world.label.headers | {"Content-Type": "application/octet-stream"})
    assert again.json()["sha256"] == hashlib.sha256(original).hexdigest()
    assert again.json()["version"] == put.json()["version"] + 1  # nobody changed it in between


def test_an_expired_mandate_shows_its_former_principals_offers_no_more(client, world, sessions):
    from datetime import date

    from clearinghouse.core.db import unit_of_work
    from clearinghouse.registry import parties_service
    from clearinghouse.registry.schemas import MandateCreate

    price_everything(client, world)
    former = make_actor(sessions, "Former agent", Role.AGENT)
    with unit_of_work(sessions) as s:
        parties_service.create_mandate(s, None, MandateCreate(
            agent_id=former.party_id, owner_id=world.label.party_id,
            valid_from=date(2019, 1, 1), valid_to=date(2020, 1, 1)))
    assert client.get("/api/v1/offers", headers=former.headers).json()["total"] == 0
    by_holder = client.get("/api/v1/offers", params={"holder_id": world.label.party_id},
                           headers=former.headers)
    assert by_holder.status_code == 403
    current = client.get("/api/v1/offers", headers=world.agent.headers).json()
    assert current["total"] == 1 and current["items"][0]["holder_id"] == world.label.party_id
