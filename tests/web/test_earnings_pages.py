"""The earnings, statement, trail and payouts pages over a rated June (tests/royalties/rated.py):
each person sees only the lines the API would show them, the same numbers as the API, and the
operator alone marks a payout sent, once, with the form's token."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tests.royalties.rated import JUNE, browser_of, line_of, rated_june
from tests.web.support import form_token

EN = {"Accept-Language": "en"}


def test_an_owner_sees_its_earnings_statement_and_trail_and_nobody_elses(
        client: Any, sessions: sessionmaker[Session]) -> None:
    scene = rated_june(client, sessions)
    m = scene.market
    writer = browser_of(client, sessions, m.writer, "writer@example.com")
    publisher = browser_of(client, sessions, m.publisher, "publisher@example.com")
    licensee = browser_of(client, sessions, m.licensee, "yitiao@example.com")
    stranger = browser_of(client, sessions, scene.stranger, "stranger@example.com")

    earnings = writer.get("/owner/earnings", headers=EN)
    assert earnings.status_code == 200, earnings.text[-800:]
    totals = re.search(r'<table id="earnings-totals">.*?</table>', earnings.text, re.S)
    assert totals and JUNE in totals[0] and "CN¥449.98" in totals[0]
    assert earnings.text.count('src="data:image/svg+xml;base64,') == 4  # periods + 3 bars
    assert "<caption>Earnings by platform, 2026-06 (CNY)</caption>" in earnings.text
    assert licensee.get("/owner/earnings").status_code == 403  # not an owner

    statement = writer.get(f"/statements/{JUNE}", headers=EN)
    assert statement.status_code == 200
    writer_line = line_of(sessions, m.writer)
    publisher_line = line_of(sessions, m.publisher)
    assert f"/statements/lines/{writer_line}" in statement.text
    assert f"/statements/lines/{publisher_line}" not in statement.text  # another owner's line
    csv_text = writer.get(f"/statements/{JUNE}/download", params={"format": "csv"}).text
    assert len(csv_text.splitlines()) == 2 and "44998" in csv_text  # header + the writer's line
    pdf = writer.get(f"/statements/{JUNE}/download", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert [r["id"] for r in writer.get(f"/statements/{JUNE}/download",
                                        params={"format": "json"}).json()] == [writer_line]

    trail = writer.get(f"/statements/lines/{writer_line}", headers=EN)
    assert trail.status_code == 200
    assert "15001 × 3333 / 1000" in trail.text and scene.licence["id"] in trail.text
    usage = re.search(r'<table id="trail-usage">.*?</table>', trail.text, re.S)
    assert usage and usage[0].count("<tr>") == 3  # the header and the two reported lines
    assert publisher.get(f"/statements/lines/{writer_line}").status_code == 404
    assert stranger.get(f"/statements/lines/{writer_line}").status_code == 404
    assert stranger.get(f"/statements/{JUNE}", headers=EN).text.count("/statements/lines/") == 0
    # The licensee paid for both holders' lines: it sees both, and their trails.
    paid = licensee.get(f"/statements/{JUNE}").text
    assert f"/statements/lines/{writer_line}" in paid and f"/statements/lines/{publisher_line}" in paid
    assert licensee.get(f"/statements/lines/{writer_line}").status_code == 200
    index = licensee.get("/statements", headers=EN)
    assert f'href="/statements/{JUNE}"' in index.text and "Paid" in index.text

    visitor = client.__class__(client.app, raise_server_exceptions=False)
    away = visitor.get("/owner/earnings", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"].startswith("/sign-in?next=")


def test_only_the_operator_marks_a_payout_sent_once_and_the_owner_sees_it(
        client: Any, sessions: sessionmaker[Session]) -> None:
    m = rated_june(client, sessions).market
    assert client.post("/api/v1/payouts", headers=m.operator.headers,
                       params={"period": JUNE}).status_code == 200
    operator = browser_of(client, sessions, m.operator, "operator@example.com")
    writer = browser_of(client, sessions, m.writer, "writer@example.com")
    assert writer.get("/operator/payouts").status_code == 403

    due = operator.get("/operator/payouts", headers=EN)
    assert due.status_code == 200 and "CN¥809.98" in due.text  # 360.00 sale + 449.98 June
    payout_id = re.findall(r'action="/operator/payouts/(pyo_[^/"]+)/sent"', due.text)
    writer_payout = next(p for p in payout_id if f'<tr id="{p}"><td>{JUNE}</td><td>李雷' in due.text)
    form = {"reference": "BOC-778", "sent_on": "2026-07-02"}
    url = f"/operator/payouts/{writer_payout}/sent"
    assert operator.post(url, data=form).status_code == 403  # no form token
    assert operator.get("/operator/payouts", params={"status": "sent"}).text.count("BOC-778") == 0
    token = form_token(due)
    sent = operator.post(url, data=form | {"csrf_token": token}, follow_redirects=False)
    assert sent.status_code == 303, sent.text[-800:]
    assert "BOC-778" in operator.get("/operator/payouts", params={"status": "sent"}).text
    again = operator.post(url, data={"reference": "X-2", "sent_on": "2026-07-03",
                                     "csrf_token": token})
    assert again.status_code == 409
    assert writer.post(url, data=form | {"csrf_token": form_token(writer.get("/account"))}
                       ).status_code == 403

    payouts = re.search(r'<table id="payouts">.*?</table>',
                        writer.get("/owner/earnings", headers=EN).text, re.S)
    assert payouts and "sent" in payouts[0] and "BOC-778" in payouts[0] and "2026-07-02" in payouts[0]
