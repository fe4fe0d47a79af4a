"""Deal flow: the operator imports the 2017 report's deal table and gets the report's own
headline back (24 events: 15 content, 5 app, 4 service; an estimated total above 8亿 CNY);
the conventions for vague amounts and the dollar rate are explicit and change the figures as
they say; a bad file is refused whole with each line named; only the operator imports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Role
from clearinghouse.analytics.deals.domain import (
    AmountError,
    Conventions,
    canonical_round,
    months_of_quarter,
    parse_amount,
)
from tests.conftest import unavailable
from tests.support.factories import make_actor

REPORT_DEALS = Path(__file__).resolve().parents[3] / "shared" / "data" / "short-video-deals-2017q3.csv"
URL = "/api/v1/analytics/deals"


@pytest.fixture
def report_deals() -> bytes:
    if not REPORT_DEALS.exists():
        unavailable(f"the report's deal table is not beside the project ({REPORT_DEALS})")
    return REPORT_DEALS.read_bytes()


def test_amounts_read_as_the_report_counts_them() -> None:
    c = Conventions()
    assert parse_amount("数百万美元", c).in_cny(c) == Decimal("6600000.0")
    assert parse_amount("1.47亿人民币", c).value == Decimal("147000000")
    assert parse_amount("600万人民币", c).estimated is False
    assert parse_amount("数千万元", c).estimated is True
    assert parse_amount("4000万美元", c).in_cny(c) == Decimal("264000000.0")
    assert parse_amount("未透露", c) is None and parse_amount("", c) is None
    mine = Conventions(several_million=Decimal(3_000_000), usd_cny=Decimal("7.1"))
    assert parse_amount("数百万美元", mine).in_cny(mine) == Decimal("21300000.0")
    for bad in ("lots", "-5万元", "0元", "1e30元", "数万亿元"):
        with pytest.raises(AmountError):
            parse_amount(bad, c)
    assert canonical_round("PRE-A轮") == "Pre-A轮" and canonical_round("Series X") == "Series X"
    assert list(months_of_quarter("2017Q3")) == ["2017-07", "2017-08", "2017-09"]


def _actors(sessions: sessionmaker[Session]) -> tuple[Any, Any]:
    return (make_actor(sessions, "Operator", Role.OPERATOR),
            make_actor(sessions, "Owner", Role.OWNER))


def test_the_report_s_headline_comes_back_from_its_own_table(
        client: Any, sessions: sessionmaker[Session], report_deals: bytes) -> None:
    operator, owner = _actors(sessions)
    csv = {"Content-Type": "text/csv"}
    refused = client.post(URL, params={"label": "2017Q3"}, content=report_deals,
                          headers=owner.headers | csv)
    assert refused.status_code == 403
    assert client.post(URL, params={"label": "2017Q3"}, content=report_deals,
                       headers=csv).status_code == 401
    made = client.post(URL, params={"label": "2017Q3"}, content=report_deals,
                       headers=operator.headers | csv)
    assert made.status_code == 201, made.text
    assert (made.json()["deal_count"], made.json()["first_month"],
            made.json()["last_month"]) == (24, "2017-07", "2017-09")
    again = client.post(URL, params={"label": "again"}, files={"file": ("d.csv", report_deals)},
                        headers=operator.headers)
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]

    summary = client.get(f"{URL}/summary", headers=owner.headers)  # any signed-in party reads
    assert summary.status_code == 200, summary.text
    out = summary.json()
    h = out["headline"]
    assert (h["events"], h["content"], h["app"], h["service"]) == (24, 15, 5, 4)
    assert h["above_hundred_millions_cny"] == 8 and "超8亿元" in h["zh"]
    assert out["total"]["cny"]["minor"] == 821_600_000_00  # 8.216亿, worked out in docs/analytics.md
    assert out["total"]["usd"]["minor"] == 124_484_848_48  # ÷ 6.6, to the cent
    assert [(m["key"], m["events"]) for m in out["by_month"]] == [
        ("2017-07", 8), ("2017-08", 6), ("2017-09", 10)]
    assert [r["key"] for r in out["by_round"]][:3] == ["天使轮", "Pre-A轮", "A轮"]
    assert sum(r["events"] for r in out["by_round"]) == 24

    # The conventions are data: 数百万 at 2M adds 1M to each of the five such deals (one in USD).
    richer = client.get(f"{URL}/summary", headers=owner.headers,
                        params={"several_million": "2000000", "usd_cny": "7"}).json()
    assert richer["conventions"]["usd_cny"] == "7"
    # 821.6M − (1M + 40M) USD deals at 6.6 + the same at 7 + 4 CNY deals × 1M + 1 USD × 1M × 7
    expected = 821_600_000 - 41_000_000 * Decimal("6.6") + 41_000_000 * 7 + 4_000_000 + 7_000_000
    assert Decimal(richer["total"]["cny"]["minor"]) / 100 == expected
    quarter = client.get(f"{URL}/summary", headers=owner.headers, params={"quarter": "2017Q4"})
    assert quarter.status_code == 200 and quarter.json()["total"]["events"] == 0
    assert client.get(f"{URL}/summary", headers=owner.headers,
                      params={"usd_cny": "0"}).status_code == 422


def test_a_bad_file_is_refused_whole_with_each_line_named(
        client: Any, sessions: sessionmaker[Session]) -> None:
    operator, _ = _actors(sessions)
    bad = ("month,company,business,category,round,amount_text,investors\n"
           "2017-07,Good,apps,app,A轮,600万人民币,X\n"
           "2017-13,Bad month,apps,app,A轮,600万人民币,X\n"
           "2017-08,Bad category,x,bank,A轮,600万人民币,X\n"
           "2017-09,Bad amount,x,content,B轮,lots of money,X\n").encode()
    answer = client.post(URL, params={"label": "bad"}, content=bad,
                         headers=operator.headers | {"Content-Type": "text/csv"})
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "validation_failed" and "3 problem" in error["message"]
    assert [d["field"] for d in error["details"]] == ["line 3: month", "line 4: category",
                                                       "line 5: amount_text"]
    assert client.get(URL, headers=operator.headers).json()["total"] == 0  # nothing stored
    missing = client.post(URL, params={"label": "x"}, content=b"month,company\n2017-07,A\n",
                          headers=operator.headers | {"Content-Type": "text/csv"})
    assert missing.status_code == 422 and "missing columns" in missing.json()["error"]["details"][0]["message"]
    huge = b"month,company,business,category,round,amount_text,investors\n" + b"x" * 1_000_001
    too_big = client.post(URL, params={"label": "x"}, content=huge,
                          headers=operator.headers | {"Content-Type": "text/csv"})
    assert too_big.status_code == 413
    not_utf8 = client.post(URL, params={"label": "x"}, content="month\n".encode("utf-16"),
                           headers=operator.headers | {"Content-Type": "text/csv"})
    assert not_utf8.status_code == 422


def test_analytics_deals_from_the_command_line(cli: Any, report_deals: bytes,
                                               tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_bytes(report_deals)
    assert cli("init").exit_code == 0
    out = cli.json("analytics", "deals", "--import", str(path), "--label", "2017Q3")
    assert out["headline"]["events"] == 24 and out["headline"]["above_hundred_millions_cny"] == 8
    printed = cli("analytics", "deals", "--quarter", "2017Q3")
    assert printed.exit_code == 0, printed.output
    assert "投融资事件24起，估算吸金超8亿元" in printed.stdout
    nothing = cli("analytics", "deals", "--import-id", "dim_nothing")
    assert nothing.exit_code == 3
