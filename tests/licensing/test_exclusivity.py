"""Exclusive licenses never overlap: the rule, the purchase check, and a race of parallel buyers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import func, select, text

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.licensing.licenses.exclusivity import GrantScope, clashes, overlaps
from clearinghouse.licensing.licenses.tables import License
from clearinghouse.licensing.purchases import service as purchase_service
from clearinghouse.licensing.terms import Channel
from tests.licensing.catalogue_world import World, ad_use, build_world, offer_body
from tests.licensing.purchase_support import (
    bought_long_ago,
    buy,
    make_market,
    make_quote,
    pay,
    use_of,
)
from tests.support.factories import make_actor, principal
from tests.support.live import serving

D = date(2026, 1, 1)


def scope(**changes: object) -> GrantScope:
    base = dict(
        work_id="wrk_1",
        right="synchronisation",
        countries=frozenset({"CN"}),
        channels=frozenset({Channel("douyin")}),
        start=D,
        end=D + timedelta(days=365),
        exclusive=True,
    )
    return GrantScope(**(base | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ({}, True),
        ({"work_id": "wrk_2"}, False),
        ({"right": "master_use"}, False),
        ({"countries": frozenset({"HK"})}, False),
        ({"countries": frozenset({"HK", "CN"})}, True),
        ({"channels": frozenset({Channel("kuaishou")})}, False),
        (
            {"start": D + timedelta(days=365), "end": None},
            False,
        ),  # half-open: starts the day the other ends
        ({"start": D + timedelta(days=364), "end": None}, True),
        ({"start": D - timedelta(days=10), "end": D}, False),
    ],
)
def test_overlap_needs_work_right_country_channel_and_day(other: dict, expected: bool) -> None:
    assert overlaps(scope(), scope(**other)) is expected


def test_only_exclusive_grants_clash() -> None:
    shared = scope(exclusive=False)
    assert clashes([shared], [scope(exclusive=False)]) == []
    assert len(clashes([shared], [scope(exclusive=True)])) == 1  # non-exclusive into an exclusive
    assert len(clashes([scope(exclusive=True)], [shared])) == 1  # exclusive over a non-exclusive


def _quote_for(sessions, m, licensee, **use):  # noqa: ANN001, ANN202
    return make_quote(sessions, licensee, use=use_of(m.work_id, **use))


def test_purchases_respect_exclusivity(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    rival = make_actor(sessions, "二更 Ergeng", Role.LICENSEE)
    first = buy(client, m.licensee, _quote_for(sessions, m, m.licensee, exclusive=True))
    assert first.status_code == 201, first.text
    # A pending (unpaid) exclusive license already holds its place.
    r = buy(client, rival, _quote_for(sessions, m, rival, exclusive=True))
    assert (
        r.status_code == 409 and "exclusive license already covers" in r.json()["error"]["message"]
    )
    assert r.json()["error"]["details"][0]["license_id"] == first.json()["id"]
    r = buy(client, rival, _quote_for(sessions, m, rival))  # non-exclusive into the exclusive one
    assert r.status_code == 409
    # Another channel, or another territory, is free.
    assert (
        buy(
            client, rival, _quote_for(sessions, m, rival, exclusive=True, channels=["bilibili"])
        ).status_code
        == 201
    )
    assert buy(client, rival, _quote_for(sessions, m, rival, territories=["HK"])).status_code == 201
    # An exclusive purchase over someone's non-exclusive license is refused too.
    r = buy(
        client, m.licensee, _quote_for(sessions, m, m.licensee, exclusive=True, territories=["HK"])
    )
    assert r.status_code == 409 and "exclusivity" in r.json()["error"]["message"]
    # A revoked license frees its place.
    lic = first.json()
    client.post(
        f"/api/v1/licenses/{lic['id']}/revoke",
        json={"reason_code": "non_payment", "version": lic["version"]},
        headers=m.operator.headers,
    )
    assert buy(client, rival, _quote_for(sessions, m, rival, exclusive=True)).status_code == 201


def test_an_exclusive_license_that_ended_frees_its_place(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    rival = make_actor(sessions, "日日煮 DayDayCook", Role.LICENSEE)
    old = buy(client, m.licensee, _quote_for(sessions, m, m.licensee, exclusive=True, term_days=30))
    assert old.status_code == 201
    pay(client, m.operator, old.json())
    bought_long_ago(sessions, old.json()["id"], 30)
    assert buy(client, rival, _quote_for(sessions, m, rival, exclusive=True)).status_code == 201


@pytest.fixture
def live_server(settings) -> Iterator[str]:  # noqa: ANN001
    """The real app in a real uvicorn server on a free port, so requests truly run in parallel."""
    from clearinghouse.api.app import create_app

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with serving(create_app(settings)) as base:
        yield base


@pytest.mark.slow
def test_parallel_buyers_of_one_exclusive_use_get_exactly_one_license(
    live_server, sessions
) -> None:  # noqa: ANN001
    m = make_market(sessions)
    buyers = [make_actor(sessions, f"Creator {i}", Role.LICENSEE) for i in range(8)]
    quotes = [_quote_for(sessions, m, b, exclusive=True) for b in buyers]
    barrier = threading.Barrier(len(buyers))

    def attempt(i: int) -> httpx.Response:
        with httpx.Client(base_url=live_server, timeout=60) as http:
            barrier.wait()  # release every buyer at once
            return http.post(
                f"/api/v1/quotes/{quotes[i]}/purchase",
                headers=buyers[i].headers | {"Idempotency-Key": f"race-{i}"},
            )

    with ThreadPoolExecutor(max_workers=len(buyers)) as pool:
        responses = list(pool.map(attempt, range(len(buyers))))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * (len(buyers) - 1), [r.text for r in responses]
    with sessions() as s:
        from sqlalchemy import func, select

        from clearinghouse.licensing.licenses.tables import License

        assert s.scalar(select(func.count()).select_from(License)) == 1


# -- embodied works: a recording's quote also clears the composition it embodies -----------------

EXCLUSIVE = "exclusive-brand-campaign"  # advertising, whole work, CN, 365 days, exclusive
ROUTINE = "branded-short-video-ad"  # the same use, non-exclusive, up to 60 seconds


@pytest.fixture
def world(client, sessions) -> World:  # noqa: ANN001
    """The song (60/40 co-published) and its recording, each right priced on both templates."""
    w = build_world(sessions)
    for template in (EXCLUSIVE, ROUTINE):
        for actor, work, right in (
            (w.pub_a, w.song, "synchronisation"),
            (w.pub_b, w.song, "synchronisation"),
            (w.label, w.master, "master_use"),
        ):
            body = offer_body([work], [right], fixed_fee_minor=100_000) | {"template_id": template}
            r = client.post("/api/v1/offers", headers=actor.headers, json=body)
            assert r.status_code == 201, r.text
    return w


def engine_quote(client, actor, work_id: str, *, exclusive: bool) -> dict:  # noqa: ANN001
    """A quote made by the real quote engine: the whole work if exclusive, 15 seconds if not."""
    portion = {"unit": "whole", "value": None} if exclusive else {"unit": "seconds", "value": 15}
    r = client.post(
        "/api/v1/quotes",
        headers=actor.headers,
        json=ad_use([work_id], portion=portion, exclusive=exclusive),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["unclearable"] == [] and body["lines"], body
    return body


def lines_of(quote: dict) -> set[tuple[str, str]]:
    return {(line["work_id"], line["right"]) for line in quote["lines"]}


def test_an_exclusive_composition_license_blocks_a_recording_that_embodies_it(client, world):
    song = engine_quote(client, world.brand, world.song, exclusive=True)
    first = buy(client, world.brand, song["id"])
    assert first.status_code == 201, first.text

    # The recording's quote clears the song too: its synchronisation clashes with the brand's.
    master = engine_quote(client, world.bystander, world.master, exclusive=True)
    assert (world.song, "synchronisation") in lines_of(master)
    r = buy(client, world.bystander, master["id"])
    assert r.status_code == 409, r.text
    assert "exclusive license already covers" in r.json()["error"]["message"]
    blocked = {(d["work_id"], d["right"], d["license_id"]) for d in r.json()["error"]["details"]}
    assert blocked == {(world.song, "synchronisation", first.json()["id"])}

    # A non-exclusive use of the recording may not overlap the exclusive song license either.
    shared = engine_quote(client, world.bystander, world.master, exclusive=False)
    r = buy(client, world.bystander, shared["id"])
    assert r.status_code == 409, r.text
    assert r.json()["error"]["details"][0]["license_id"] == first.json()["id"]


def test_an_exclusive_license_bought_through_a_recording_blocks_the_composition(client, world):
    master = engine_quote(client, world.brand, world.master, exclusive=True)
    first = buy(client, world.brand, master["id"])
    assert first.status_code == 201, first.text

    for exclusive in (True, False):
        song = engine_quote(client, world.bystander, world.song, exclusive=exclusive)
        r = buy(client, world.bystander, song["id"])
        assert r.status_code == 409, r.text
        [detail] = r.json()["error"]["details"]
        assert (detail["work_id"], detail["license_id"]) == (world.song, first.json()["id"])


def test_a_non_exclusive_license_on_the_composition_blocks_an_exclusive_recording(client, world):
    song = engine_quote(client, world.brand, world.song, exclusive=False)
    assert buy(client, world.brand, song["id"]).status_code == 201
    master = engine_quote(client, world.bystander, world.master, exclusive=True)
    r = buy(client, world.bystander, master["id"])
    assert r.status_code == 409 and "exclusivity" in r.json()["error"]["message"], r.text
    # Without exclusivity both may run side by side.
    shared = engine_quote(client, world.bystander, world.master, exclusive=False)
    assert buy(client, world.bystander, shared["id"]).status_code == 201


# PostgreSQL only: SQLite has one writer at a time (BEGIN IMMEDIATE), so nothing can be in flight.
@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_recording_purchase_waits_for_one_of_its_composition_in_flight(
    client, world, sessions, settings, engine, db_url
) -> None:  # noqa: ANN001
    """The lock covers every line's work: while another transaction is buying the song, a purchase
    of its recording waits for it, then sees its license."""
    assert db_url.startswith("postgresql")
    song = engine_quote(client, world.bystander, world.song, exclusive=True)
    master = engine_quote(client, world.brand, world.master, exclusive=True)
    with ThreadPoolExecutor(max_workers=1) as pool, unit_of_work(sessions) as s:
        # The song's purchase, flushed but not committed: it holds the song's row lock.
        purchase_service.purchase(
            s,
            principal(s, world.bystander),
            purchase_service.PurchaseRequest(song["id"]),
            "song-first",
            settings,
        )
        racing = pool.submit(buy, client, world.brand, master["id"])
        _wait_until_blocked_or_done(engine, racing)
        assert not racing.done(), "the recording's purchase did not wait for the song's lock"
    r = racing.result(timeout=120)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["details"][0]["work_id"] == world.song
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(License)) == 1


def _wait_until_blocked_or_done(engine, future, attempts: int = 600) -> None:  # noqa: ANN001
    """Poll PostgreSQL until some backend waits for a row lock, or the future has finished."""
    with engine.connect() as conn:
        for _ in range(attempts):
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar()
            conn.rollback()  # a fresh snapshot for the next poll
            if waiting or future.done():
                return
            time.sleep(0.1)
