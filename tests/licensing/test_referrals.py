"""Referrals over HTTP on both databases: send, counter, accept, decline, withdraw, and who sees
the thread. An accepted referral becomes a quote that can be bought like any other."""

from __future__ import annotations

import pytest

from clearinghouse.core.db import unit_of_work
from clearinghouse.licensing.quotes import repository as quotes_repository
from clearinghouse.licensing.quotes import service as quotes_service
from clearinghouse.licensing.tables import Referral
from tests.licensing.catalogue_world import World, ad_use, build_world, offer_body
from tests.support.factories import make_holding, make_work


@pytest.fixture
def world(sessions) -> World:  # noqa: ANN001
    return build_world(sessions)


@pytest.fixture
def quote(client, world) -> dict:  # noqa: ANN001
    """Only publisher A has a rate card: B's share and the label's master need referrals."""
    r = client.post(
        "/api/v1/offers",
        headers=world.pub_a.headers,
        json=offer_body([world.song], ["synchronisation"], fixed_fee_minor=300_000),
    )
    assert r.status_code == 201
    q = client.post("/api/v1/quotes", headers=world.brand.headers, json=ad_use([world.master]))
    assert q.status_code == 201
    return q.json()


def step(client, actor, ref: dict, action: str, **body):  # noqa: ANN001, ANN003, ANN201
    return client.post(
        f"/api/v1/referrals/{ref['id']}/{action}",
        headers=actor.headers | {"If-Match": f'"{ref["version"]}"'},
        json=body,
    )


def test_send_counter_accept_creates_a_quote_that_can_be_bought(client, world, quote, sessions):
    r = client.post(
        f"/api/v1/quotes/{quote['id']}/referrals",
        headers=world.brand.headers,
        json={
            "parts": [
                {
                    "work_id": world.song,
                    "right": "synchronisation",
                    "holder_id": world.pub_b.party_id,
                }
            ],
            "message": "可以授权吗? May we use 15 seconds?",
        },
    )
    assert r.status_code == 201, r.text
    [ref] = r.json()
    assert (ref["status"], ref["holder_id"], ref["share"], ref["reason"]) == (
        "open",
        world.pub_b.party_id,
        "40",
        "no_offer",
    )
    assert ref["use"]["work_ids"] == [world.song] and ref["currency"] == "CNY"

    # The licensee cannot answer its own referral; the holder counters in USD.
    assert (
        step(
            client, world.brand, ref, "counter", price={"currency": "CNY", "fixed_fee_minor": 1}
        ).status_code
        == 403
    )
    r = step(
        client,
        world.pub_b,
        ref,
        "counter",
        price={"currency": "USD", "fixed_fee_minor": 35_000},
        message="USD 350 for our 40%",
    )
    assert r.status_code == 200, r.text
    ref = r.json()
    assert ref["status"] == "countered" and ref["price"]["fixed_fee_minor"] == 35_000

    # Only the licensee withdraws; only a countered referral is accepted by the licensee.
    assert step(client, world.pub_b, ref, "withdraw").status_code == 403
    r = step(client, world.brand, ref, "accept", message="deal")
    assert r.status_code == 200, r.text
    ref = r.json()
    assert ref["status"] == "accepted" and ref["quote_id"]
    assert [m["kind"] for m in ref["messages"]] == ["request", "counter", "accept"]

    q = client.get(f"/api/v1/quotes/{ref['quote_id']}", headers=world.brand.headers).json()
    assert (q["source"], q["referral_id"], q["status"]) == ("referral", ref["id"], "open")
    [line] = q["lines"]
    # 350.00 USD x 6.6 = 2,310.00 CNY = 231,000 fen; owner fee 10% = 23,100, net 207,900;
    # licensee fee 5% = 11,550; total 242,550.
    assert (line["holder_id"], line["share"], line["offer_id"]) == (
        world.pub_b.party_id,
        "40",
        None,
    )
    assert (line["upfront_converted_minor"], line["owner_fee_minor"], line["holder_net_minor"]) == (
        231_000,
        23_100,
        207_900,
    )
    assert (q["totals"]["licensee_fee_minor"], q["totals"]["total_minor"]) == (11_550, 242_550)

    # Purchase marks the quote and its referral as purchased.
    with unit_of_work(sessions) as s:
        quotes_service.mark_purchased(s, quotes_repository.get(s, q["id"]))
    with unit_of_work(sessions) as s:
        assert s.get(Referral, ref["id"]).status == "purchased"
        with pytest.raises(Exception, match="already purchased"):
            quotes_service.mark_purchased(s, quotes_repository.get(s, q["id"]))


def test_the_holder_can_accept_at_once_with_a_price(client, world, quote):
    [ref] = client.post(
        f"/api/v1/quotes/{quote['id']}/referrals",
        headers=world.brand.headers,
        json={
            "parts": [
                {"work_id": world.master, "right": "master_use", "holder_id": world.label.party_id}
            ]
        },
    ).json()
    assert step(client, world.label, ref, "accept").status_code == 422  # a price is required
    # The label's agent, within its mandate (master use), answers for the label.
    r = step(
        client,
        world.agent,
        ref,
        "accept",
        price={"currency": "CNY", "fixed_fee_minor": 250_000, "per_1000_plays_minor": 30},
    )
    assert r.status_code == 200, r.text
    q = client.get(f"/api/v1/quotes/{r.json()['quote_id']}", headers=world.brand.headers).json()
    assert q["lines"][0]["per_1000_plays_minor"] == 30
    assert q["totals"]["subtotal_minor"] == 250_000


def test_send_then_decline(client, world):
    direct = {k: v for k, v in ad_use([]).items() if k != "work_ids"} | {
        "work_id": world.master,
        "right": "master_use",
        "holder_id": world.label.party_id,
    }
    r = client.post(
        "/api/v1/referrals",
        headers=world.brand.headers,
        json=direct | {"message": "Exclusive, please?"},
    )
    assert r.status_code == 201, r.text
    ref = r.json()
    assert ref["reason"] is None and ref["use"]["work_ids"] == [world.master]
    again = client.post("/api/v1/referrals", headers=world.brand.headers, json=direct)
    assert again.status_code == 409  # one open thread per work, right and holder
    assert step(client, world.label, ref | {"version": 9}, "decline").status_code == 412
    r = step(client, world.label, ref, "decline", message="Not for ads")
    assert r.status_code == 200 and r.json()["status"] == "declined"
    ref = r.json()
    assert (
        step(
            client, world.label, ref, "counter", price={"currency": "CNY", "fixed_fee_minor": 1}
        ).status_code
        == 409
    )
    assert step(client, world.brand, ref, "withdraw").status_code == 409


def test_only_the_two_sides_and_the_operator_see_the_thread(client, world, quote):
    [ref] = client.post(
        f"/api/v1/quotes/{quote['id']}/referrals",
        headers=world.brand.headers,
        json={
            "parts": [
                {
                    "work_id": world.song,
                    "right": "synchronisation",
                    "holder_id": world.pub_b.party_id,
                }
            ]
        },
    ).json()
    url = f"/api/v1/referrals/{ref['id']}"
    assert (
        client.post(
            f"{url}/messages", headers=world.pub_b.headers, json={"body": "Which brand?"}
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"{url}/messages", headers=world.brand.headers, json={"body": "品牌 Brand"}
        ).status_code
        == 201
    )
    for outsider in (world.bystander, world.pub_a, world.label, world.agent):
        assert client.get(url, headers=outsider.headers).status_code == 403
        assert (
            client.post(
                f"{url}/messages", headers=outsider.headers, json={"body": "hello"}
            ).status_code
            == 403
        )
        listed = client.get("/api/v1/referrals", headers=outsider.headers).json()
        assert ref["id"] not in [r["id"] for r in listed["items"]]
    assert client.get(url).status_code == 401
    for party in (world.brand, world.pub_b, world.operator):
        thread = client.get(url, headers=party.headers).json()["messages"]
        assert [m["body"] for m in thread if m["kind"] == "message"] == [
            "Which brand?",
            "品牌 Brand",
        ]
    assert client.get("/api/v1/referrals", headers=world.pub_b.headers).json()["total"] == 1


def test_referring_sends_only_what_a_holder_can_settle(client, world, quote):
    r = client.post(
        f"/api/v1/quotes/{quote['id']}/referrals", headers=world.bystander.headers, json={}
    )
    assert r.status_code == 403  # not the bystander's quote
    r = client.post(
        f"/api/v1/quotes/{quote['id']}/referrals",
        headers=world.brand.headers,
        json={
            "parts": [
                {
                    "work_id": world.song,
                    "right": "synchronisation",
                    "holder_id": world.pub_a.party_id,
                }
            ]
        },
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "parts[0]"
    r = client.post(f"/api/v1/quotes/{quote['id']}/referrals", headers=world.brand.headers, json={})
    assert r.status_code == 201
    assert sorted(ref["holder_id"] for ref in r.json()) == sorted(
        [world.pub_b.party_id, world.label.party_id]
    )


# -- a modified use: the author's approval is not the right to modify ------------------------------


def approval_song(sessions, world: World, *, modify_holder=None) -> str:  # noqa: ANN001
    """A song whose author approves every edit; publisher A holds all its synchronisation."""
    song = make_work(
        sessions, world.pub_a, title="甜蜜蜜 Tian Mi Mi", length=200, moral_rights="approval_required"
    )
    make_holding(sessions, world.pub_a, song, share="100")
    if modify_holder is not None:
        make_holding(sessions, modify_holder, song, rights=["modify"], share="100")
    return song


def approved(client, world: World, quote: dict, song: str, right: str, fee: int) -> dict:  # noqa: ANN001
    """Refer one part of the quote to publisher A, who approves the edit and names a price."""
    part = {"work_id": song, "right": right, "holder_id": world.pub_a.party_id}
    r = client.post(
        f"/api/v1/quotes/{quote['id']}/referrals",
        headers=world.brand.headers,
        json={"parts": [part], "message": "We would cut the chorus to 15 s"},
    )
    assert r.status_code == 201, r.text
    [ref] = r.json()
    r = step(client, world.pub_a, ref, "accept", price={"currency": "CNY", "fixed_fee_minor": fee})
    assert r.status_code == 200, r.text
    q = client.get(f"/api/v1/quotes/{r.json()['quote_id']}", headers=world.brand.headers)
    return q.json()


def parts(quote: dict) -> set[tuple[str, str, str | None, str]]:
    return {(u["work_id"], u["right"], u["holder_id"], u["reason"]) for u in quote["unclearable"]}


def buy(client, actor, quote: dict, **body) -> object:  # noqa: ANN001, ANN003
    return client.post(
        f"/api/v1/quotes/{quote['id']}/purchase",
        json=body or None,
        headers=actor.headers | {"Idempotency-Key": f"{quote['id']}-{bool(body)}"},
    )


def test_an_approved_edit_does_not_license_a_modify_right_nobody_holds(client, world, sessions):
    song = approval_song(sessions, world)
    r = client.post("/api/v1/quotes", headers=world.brand.headers, json=ad_use([song], modified=True))
    assert r.status_code == 201, r.text
    assert parts(r.json()) == {
        (song, "synchronisation", world.pub_a.party_id, "author_approval_required"),
        (song, "modify", None, "unclaimed_share"),
    }

    q = approved(client, world, r.json(), song, "synchronisation", 500_000)
    # The approval and the synchronisation are cleared; the modify right still is not.
    assert [(ln["right"], ln["holder_id"]) for ln in q["lines"]] == [
        ("synchronisation", world.pub_a.party_id)
    ]
    [gap] = q["unclearable"]
    assert (gap["work_id"], gap["right"], gap["holder_id"], gap["reason"], gap["share"]) == (
        song,
        "modify",
        None,
        "unclaimed_share",
        "100",
    )
    assert "held by no registered holder" in gap["message"]

    r = buy(client, world.brand, q)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["details"]["unclearable"][0]["right"] == "modify"
    r = buy(client, world.brand, q, accept_partial=True)
    assert r.status_code == 201, r.text
    lic = r.json()
    assert [line["right"] for line in lic["lines"]] == ["synchronisation"]
    assert [(u["right"], u["reason"]) for u in lic["unclearable"]] == [("modify", "unclaimed_share")]


def test_the_modify_right_is_cleared_by_its_own_referral(client, world, sessions):
    song = approval_song(sessions, world, modify_holder=world.pub_a)
    r = client.post("/api/v1/quotes", headers=world.brand.headers, json=ad_use([song], modified=True))
    assert parts(r.json()) == {
        (song, "synchronisation", world.pub_a.party_id, "author_approval_required"),
        (song, "modify", world.pub_a.party_id, "author_approval_required"),
    }

    # Approving the edit with a price for synchronisation leaves A's modify right to clear.
    sync = approved(client, world, r.json(), song, "synchronisation", 500_000)
    assert parts(sync) == {(song, "modify", world.pub_a.party_id, "adaptation_right_not_cleared")}
    assert sync["unclearable"][0]["contact"]["party_id"] == world.pub_a.party_id
    assert buy(client, world.brand, sync).status_code == 409

    # The referral quote says whom to ask, and the licensee asks from it.
    modify = approved(client, world, sync, song, "modify", 200_000)
    assert [(ln["right"], ln["share"]) for ln in modify["lines"]] == [("modify", "100")]
    assert modify["unclearable"] == []
    assert buy(client, world.brand, modify).status_code == 201
