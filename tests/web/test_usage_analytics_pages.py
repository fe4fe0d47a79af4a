"""The usage-analytics page through the app on SQLite and PostgreSQL with the demo market:
after 抖音 reports an event log, the operator sees its MAU and penetration with a chart and
the audience by gender, with the suppression note; 抖音 sees its own platform; a licensee is
refused; a month without event logs says so."""

from __future__ import annotations

from tests.usage.support import PERIOD
from tests.web.support import sign_in
from tests.web.test_usage_pages import BRAND, EN, OPERATOR

DOUYIN_KEY = {"Authorization": "Bearer chk_de0000000006_demo-platform-douyin"}  # docs/demo.md
DOUYIN = ("douyin@demo.clearinghouse.example", "demo-douyin-password")


def _event_log() -> bytes:
    lines = ["device_id,event_time,event_type,watch_seconds,territory,channel,platform_content_id,gender"]
    for i in range(80):
        gender = "female" if i < 55 else "male"  # 25 men: under k, and so is then the other cell
        lines.append(f"dev-{i:03d},{PERIOD}-04T08:00:00+00:00,launch,0,CN,douyin,,{gender}")
        lines.append(f"dev-{i:03d},{PERIOD}-04T08:02:00+00:00,play,150,CN,douyin,v1,{gender}")
    return ("\n".join(lines) + "\n").encode()


def test_the_operator_and_the_platform_read_usage_analytics(browser_client, second_client):
    sent = browser_client.post("/api/v1/usage/reports", content=_event_log(),
                               headers=DOUYIN_KEY | {"content-type": "text/csv"},
                               params={"format": "events", "period": PERIOD})
    assert sent.status_code == 202, sent.text
    browser_client.app.state.jobs.wait_idle(timeout=120)

    assert browser_client.get("/analytics/usage", follow_redirects=False).status_code == 303
    assert sign_in(browser_client, *OPERATOR).status_code == 303
    page = browser_client.get("/analytics/usage", params={"period": PERIOD}, headers=EN)
    assert page.status_code == 200, page.text[-800:]
    assert "the whole market" in page.text and 'id="suppression"' in page.text
    row = page.text.split('<table id="metrics">')[1].split("</table>")[0]
    assert "douyin" in row and ">80<" in row and ">1.0000<" in row  # MAU, DAU/MAU
    assert ">2.5000<" in row  # 150 s a day = 2.5 minutes per user per day
    audience = page.text.split('<table id="demographics">')[1].split("</table>")[0]
    assert "female" in audience and ">55<" not in audience  # hidden with the small one
    assert audience.count("—") == 4
    assert 'src="data:image/svg+xml;base64,' in page.text  # the penetration chart

    assert sign_in(second_client, *DOUYIN).status_code == 303
    own = second_client.get("/analytics/usage", params={"period": PERIOD}, headers=EN)
    assert own.status_code == 200 and "your platform" in own.text and ">80<" in own.text
    empty = second_client.get("/analytics/usage", params={"period": "2020-01"}, headers=EN)
    assert 'id="no-usage"' in empty.text
    assert sign_in(second_client, *BRAND).status_code == 303  # a licensee
    assert second_client.get("/analytics/usage", headers=EN).status_code == 403
