"""Posting usage reports through the real API and waiting for their landing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.support.factories import Actor

_LAST_MONTH = date.today().replace(day=1) - timedelta(days=1)
# Reports are for a month that has begun: last month is always one, whatever today is.
PERIOD = _LAST_MONTH.strftime("%Y-%m")
EARLIER = (_LAST_MONTH.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")

URL = "/api/v1/usage/reports"
HEADER = "date,platform_content_id,license_id,territory,channel,plays,revenue,currency"


def csv_report(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def post_report(client: Any, actor: Actor, body: bytes, period: str = PERIOD,
                content_type: str = "text/csv", **params: Any) -> Any:
    return client.post(URL, content=body, headers=actor.headers | {"content-type": content_type},
                       params={"format": "csv", "period": period} | params)


def landed(client: Any, actor: Actor, resp: Any) -> dict[str, Any]:
    """The report a POST made, once its landing job has run (waited for, not polled)."""
    assert resp.status_code in (200, 202), resp.text
    client.app.state.jobs.wait_idle(timeout=120)
    report = client.get(f"{URL}/{resp.json()['id']}", headers=actor.headers)
    assert report.status_code == 200, report.text
    return dict(report.json())


def rejections(client: Any, actor: Actor, report_id: str, **params: Any) -> dict[str, Any]:
    resp = client.get(f"{URL}/{report_id}/rejections", headers=actor.headers, params=params)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())
