"""Usage claims on pages, through the app on SQLite and PostgreSQL with the demo market: an
owner finds an unknown ISRC in the unmatched report, claims it with evidence and sees its status;
the operator accepts it from the queue. Forms need their token, the pages their roles, and one
owner never sees or withdraws another's claim."""

from __future__ import annotations

import html
import re

from tests.web.support import form_token, sign_in
from tests.web.test_usage_pages import BRAND, EN, ERGENG, OPERATOR, YITIAO, _match, landed, last_month

UNKNOWN_ISRC = "CNA019900009"


def _unmatched_period(client) -> str:  # noqa: ANN001
    assert sign_in(client, *BRAND).status_code == 303
    period = last_month()
    landed(client, f"isrc,territory,plays\n{UNKNOWN_ISRC},CN,70000\n", period)
    _match(client, period)
    return period


def _claim_form(client, period: str):  # noqa: ANN001, ANN202
    found = client.get("/owner/usage-claims", params={"q": "cna0199"}, headers=EN)
    assert found.status_code == 200, found.text[-800:]
    table = re.search(r'<table id="unmatched-items">(.*?)</table>', found.text, re.S)
    assert table, found.text[-1500:]
    assert f"isrc:{UNKNOWN_ISRC}" in table[1] and "70,000" in table[1]
    assert "rep_" not in table[1]  # nothing of the reporter's
    link = re.search(r'class="claim-link" href="([^"]+)"', table[1])
    assert link
    form = client.get(html.unescape(link[1]), headers=EN)
    assert form.status_code == 200 and period in form.text
    work_id = re.search(r'<option value="(wrk_[A-Za-z0-9]+)"', form.text)
    assert work_id, form.text[-1500:]
    return form, work_id[1]


def _fields(period: str, work_id: str, token: str | None) -> dict[str, str]:
    fields = {"period": period, "reason": "unknown_identifier", "identifier": f"isrc:{UNKNOWN_ISRC}",
              "title": "", "work_id": work_id, "evidence": "我们的厂牌为这首作品分配了此 ISRC。"}
    return fields | ({"csrf_token": token} if token else {})


def test_an_owner_claims_unmatched_usage_and_the_operator_accepts(browser_client, second_client):
    period = _unmatched_period(browser_client)
    assert sign_in(browser_client, *YITIAO).status_code == 303
    form, work_id = _claim_form(browser_client, period)
    no_token = browser_client.post("/owner/usage-claims/new", data=_fields(period, work_id, None))
    assert no_token.status_code == 403
    token = form_token(form)
    sent = browser_client.post("/owner/usage-claims/new", data=_fields(period, work_id, token),
                               follow_redirects=False)
    assert sent.status_code == 303, sent.text[-800:]
    mine = browser_client.get(sent.headers["location"], headers=EN).text
    assert 'id="claim-created"' in mine and "awaiting the operator" in mine
    claim_id = re.search(r"/owner/usage-claims/(ucl_[A-Za-z0-9]+)/withdraw", mine)
    assert claim_id
    again = browser_client.post("/owner/usage-claims/new", data=_fields(period, work_id, token))
    assert again.status_code == 409 and 'id="form-error"' in again.text
    no_evidence = browser_client.post("/owner/usage-claims/new",
                                      data=_fields(period, work_id, token) | {"evidence": ""})
    assert no_evidence.status_code == 422 and 'id="form-error"' in no_evidence.text

    # Another owner neither sees nor withdraws it.
    assert sign_in(second_client, *ERGENG).status_code == 303
    theirs = second_client.get("/owner/usage-claims").text
    assert claim_id[1] not in theirs and 'id="no-claims"' in theirs
    withdraw = second_client.post(f"/owner/usage-claims/{claim_id[1]}/withdraw",
                                  data={"csrf_token": form_token(second_client.get("/owner/holdings/new"))})
    assert withdraw.status_code == 404
    assert second_client.get("/operator/usage-claims").status_code == 403  # not the operator

    assert sign_in(second_client, *OPERATOR).status_code == 303
    queue = second_client.get("/operator/usage-claims", headers=EN)
    assert f'id="claim-{claim_id[1]}"' in queue.text and "我们的厂牌" in queue.text
    url = f"/operator/usage-claims/{claim_id[1]}/decision"
    assert second_client.post(url, data={"decision": "accept"}).status_code == 403  # no token
    decided = second_client.post(url, data={"decision": "accept", "csrf_token": form_token(queue)},
                                 follow_redirects=False)
    assert decided.status_code == 303, decided.text[-800:]
    after = second_client.get(decided.headers["location"], headers=EN).text
    assert f"{period} is being run again" in after and 'id="no-claims"' in after
    assert "accepted" in browser_client.get("/owner/usage-claims", headers=EN).text
    # The run accepting started matches the item: it leaves the unmatched report, unrun by hand.
    second_client.app.state.jobs.wait_idle(timeout=120)
    left = browser_client.get("/owner/usage-claims", params={"q": "cna0199"}, headers=EN).text
    unmatched = re.search(r'<table id="unmatched-items">(.*?)</table>', left, re.S)
    assert unmatched is None or f"isrc:{UNKNOWN_ISRC}" not in unmatched[1]


def test_claim_pages_need_an_owner_or_the_operator(browser_client):
    assert sign_in(browser_client, *BRAND).status_code == 303  # a licensee
    assert browser_client.get("/owner/usage-claims").status_code == 403
    assert browser_client.get("/owner/usage-claims/new").status_code == 403
    assert browser_client.get("/operator/usage-claims").status_code == 403
    browser_client.cookies.clear()
    anonymous = browser_client.get("/owner/usage-claims", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/sign-in?next=")
