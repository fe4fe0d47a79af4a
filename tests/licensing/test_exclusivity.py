"""Exclusive licenses never overlap: the rule, the purchase check, and a race of parallel buyers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx
import pytest

from clearinghouse.licensing.licenses.exclusivity import GrantScope, clashes, overlaps
from clearinghouse.licensing.terms import Channel
from clearinghouse.registry.domain import Role
from tests.licensing.purchase_support import (
    bought_long_ago,
    buy,
    make_market,
    make_quote,
    pay,
    use_of,
    worked_example_lines,
)
from tests.support.factories import make_actor
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
    return make_quote(sessions, licensee, worked_example_lines(m), use=use_of(m.work_id, **use))


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
