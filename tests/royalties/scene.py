"""A period of usage by hand, for the matching tests: the market of tests.licensing (a song held
60/40, licensed to 一条 on 抖音 and 快手 in CN), its licence moved to known days, a second
licensee whose licence is unpaid, a platform that runs 抖音, twin titles, and usage lines written
straight into the lake with the lake's own schema."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.licensing.licenses import grants_repository
from clearinghouse.licensing.licenses.tables import License
from clearinghouse.registry import works_service
from clearinghouse.registry.schemas import WorkUpdate
from clearinghouse.royalties.pipeline.run import LandedReport
from clearinghouse.usage.lake import Area, Lake
from clearinghouse.usage.records import USAGE_LINE_SCHEMA
from tests.licensing.purchase_support import Market, bought_and_paid, buy, make_market, make_quote, use_of
from tests.support.factories import Actor, make_actor, make_work, principal

PERIOD = "2026-06"
VALID_FROM, VALID_TO = date(2026, 6, 5), date(2026, 6, 20)  # the licence's days, end exclusive
ISRC, DOUYIN_ID = "CNA011700001", "7012345"


@dataclass
class Scene:
    market: Market
    licence: dict[str, Any]  # 一条's licence, as the API shows it
    unpaid_licence_id: str  # 快剪's, bought and never paid
    other: Actor  # 快剪 Kuaijian, a second licensee
    stranger: Actor  # a licensee with no licence at all
    douyin: Actor  # the party that runs 抖音
    twins: tuple[str, str]  # two works both titled "Twin 双生"


def _moved(sessions: sessionmaker[Session], license_id: str, start: date, end: date) -> None:
    with unit_of_work(sessions) as s:
        lic = s.get(License, license_id)
        assert lic is not None
        lic.valid_from, lic.valid_to = start, end
        grants_repository.set_period(s, license_id, start, end)


def _link_platform(client: Any, operator: Actor, party: Actor) -> None:
    version = next(p["version"] for p in client.get("/api/v1/platforms").json()
                   if p["code"] == "douyin")
    r = client.patch("/api/v1/platforms/douyin", headers=operator.headers | {
        "If-Match": f'"{version}"'}, json={"party_id": party.party_id})
    assert r.status_code == 200, r.text


def build(client: Any, sessions: sessionmaker[Session]) -> Scene:
    m = make_market(sessions)
    with unit_of_work(sessions) as s:
        works_service.update_work(s, principal(s, m.publisher), m.work_id, WorkUpdate(identifiers=[
            {"scheme": "isrc", "value": ISRC}, {"scheme": "platform:douyin", "value": DOUYIN_ID}]),
            works_service.get_work(s, m.work_id).version)
    licence = bought_and_paid(client, sessions, m)
    _moved(sessions, licence["id"], VALID_FROM, VALID_TO)
    other = make_actor(sessions, "快剪 Kuaijian", Role.LICENSEE)
    unpaid = buy(client, other, make_quote(sessions, other, use=use_of(m.work_id)))
    assert unpaid.status_code == 201, unpaid.text
    _moved(sessions, unpaid.json()["id"], VALID_FROM, VALID_TO)
    stranger = make_actor(sessions, "路人 Stranger", Role.LICENSEE)
    douyin = make_actor(sessions, "抖音 (platform)", Role.PLATFORM)
    _link_platform(client, m.operator, douyin)
    twins = (make_work(sessions, m.writer, title="Twin 双生"), make_work(sessions, m.writer, title="twin-双生"))
    return Scene(m, licence, unpaid.json()["id"], other, stranger, douyin, twins)


def line(line_no: int, **fields: Any) -> dict[str, Any]:
    """A usage line of the lake: 1,000 plays on 抖音 in CN on 15 June unless told otherwise."""
    return {"line_no": line_no, "period": PERIOD, "usage_date": date(2026, 6, 15),
            "channel": "douyin", "territory": "CN", "kind": "plays", "plays": 1000,
            "copies": 0} | fields


def land(lake: Lake, reporter_id: str, report_id: str, lines: list[dict[str, Any]]) -> LandedReport:
    """Write a report's lines as the lake holds them (the ingest job's job, done by hand)."""
    rows = [{name: None for name in USAGE_LINE_SCHEMA.names}
            | {"report_id": report_id, "reporter_id": reporter_id} | ln for ln in lines]
    path = lake.file(Area.USAGE, PERIOD, reporter_id, report_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=USAGE_LINE_SCHEMA), path)
    return LandedReport(report_id, reporter_id)


def read(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist()
