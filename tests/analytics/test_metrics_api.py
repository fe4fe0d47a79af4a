"""Usage metrics over the API after real event logs land (SQLite and PostgreSQL): the operator
sees the market, a platform only its own platform (and, of overlap, only the share of its own
users), an owner only the audience of its own works; a licensee is refused; nobody can ask
for a k below the configured minimum."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.platforms.tables import PlatformRow
from tests.support.factories import make_actor, make_work
from tests.usage.support import PERIOD, URL, landed

HEADER = "device_id,event_time,event_type,watch_seconds,territory,channel,platform_content_id,work_id,gender"


def _log(channel: str, devices: range, work_id: str | None = None, owned: range = range(0)) -> bytes:
    lines = [HEADER]
    for i in devices:
        work = work_id if i in owned else ""
        gender = "female" if i % 2 else "male"
        lines.append(f"d{i:03d},{PERIOD}-03T08:00:00+00:00,launch,0,CN,{channel},,,{gender}")
        lines.append(f"d{i:03d},{PERIOD}-03T08:01:00+00:00,play,90,CN,{channel},v1,{work},{gender}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def platforms(sessions: sessionmaker[Session]) -> dict[str, Any]:
    actors = {code: make_actor(sessions, code, Role.PLATFORM) for code in ("douyin", "kuaishou")}
    with unit_of_work(sessions) as s:
        for code, actor in actors.items():
            s.get(PlatformRow, code).party_id = actor.party_id
    return actors


def test_each_caller_sees_its_own_scope(client: Any, sessions: sessionmaker[Session],
                                        platforms: dict[str, Any], cli: Any) -> None:
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    owner = make_actor(sessions, "Owner", Role.OWNER)
    licensee = make_actor(sessions, "Licensee", Role.LICENSEE)
    work_id = make_work(sessions, owner)
    logs = {"douyin": _log("douyin", range(0, 120), work_id, owned=range(0, 60)),
            "kuaishou": _log("kuaishou", range(60, 180))}
    for code, body in logs.items():
        actor = platforms[code]
        sent = client.post(URL, content=body, headers=actor.headers | {"content-type": "text/csv"},
                           params={"format": "events", "period": PERIOD})
        assert landed(client, actor, sent)["status"] == "landed"

    url = "/api/v1/analytics/metrics"
    market = client.get(url, headers=operator.headers, params={"period": PERIOD}).json()
    assert market["scope"] == "market" and market["k"] == 50
    assert {(r["platform"], r["mau"]) for r in market["platforms"]} == {("douyin", 120),
                                                                         ("kuaishou", 120)}
    assert {r["penetration"] for r in market["platforms"]} == {"0.6667"}  # 120 of 180

    own = client.get(url, headers=platforms["douyin"].headers, params={"period": PERIOD}).json()
    assert own["scope"] == "platform"
    assert [(r["platform"], r["mau"]) for r in own["platforms"]] == [("douyin", 120)]

    mine = client.get(url, headers=owner.headers, params={"period": PERIOD}).json()
    assert mine["scope"] == "owner"
    assert [(r["platform"], r["mau"]) for r in mine["platforms"]] == [("douyin", 60)]

    assert client.get(url, headers=licensee.headers, params={"period": PERIOD}).status_code == 403
    assert client.get(url, params={"period": PERIOD}).status_code == 401
    low = client.get(url, headers=operator.headers, params={"period": PERIOD, "k": 2}).json()
    assert low["k"] == 50  # the configured minimum holds

    overlap = "/api/v1/analytics/overlap"
    pairs = client.get(overlap, headers=operator.headers, params={"period": PERIOD}).json()["pairs"]
    assert [(p["a"], p["b"], p["both"], p["share_of_union"]) for p in pairs] == [
        ("douyin", "kuaishou", 60, "0.3333")]
    theirs = client.get(overlap, headers=platforms["kuaishou"].headers,
                        params={"period": PERIOD}).json()["pairs"]
    assert [(p["a"], p["b"], p["both"], p["share_of_a"], p["share_of_b"], p["share_of_union"])
            for p in theirs] == [("kuaishou", "douyin", 60, "0.5000", None, None)]

    demo = client.get("/api/v1/analytics/demographics", headers=operator.headers,
                      params={"period": PERIOD, "attribute": "gender"}).json()
    assert {(c["platform"], c["value"], c["users"]) for c in demo["cells"]} == {
        ("douyin", "female", 60), ("douyin", "male", 60), ("kuaishou", "female", 60),
        ("kuaishou", "male", 60)}
    assert client.get("/api/v1/analytics/demographics", headers=operator.headers,
                      params={"period": PERIOD, "attribute": "device_id"}).status_code == 422

    # The operator's command line reads the same lake (the market view).
    printed = cli.json("analytics", "metrics", PERIOD)
    assert printed["k"] == 50
    assert {(r["platform"], r["mau"]) for r in printed["rows"]} == {("douyin", 120), ("kuaishou", 120)}
    both = cli.json("analytics", "overlap", PERIOD, "--engine", "duckdb")["rows"]
    assert [(p["a"], p["b"], p["both"]) for p in both] == [("douyin", "kuaishou", 60)]
    assert cli("analytics", "demographics", PERIOD, "--attribute", "device_id").exit_code == 4
