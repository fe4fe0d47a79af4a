"""Unlicensed use turned into action on pages, with the demo market: 抖音 reports plays of one of
一条's works that no licence covers; 一条 opens the use, offers 抖音 a licence and records a
claim; 抖音 sees both and disputes the claim. Forms without their token are refused, another
owner cannot act on the work, and nobody else sees the offer or the claim."""

from __future__ import annotations

import re

from tests.web.support import form_token, sign_in
from tests.web.test_usage_pages import (
    BRAND,
    DOUYIN,
    EN,
    ERGENG,
    YITIAO,
    _match,
    a_work_of,
    landed,
    last_month,
)

USE_LINK = re.compile(r'<a class="act" href="([^"]+)"')


def _reported(browser_client, second_client) -> tuple[str, str]:  # noqa: ANN001
    """一条 (signed in on `second_client`) has unlicensed use by 抖音 in the period returned."""
    assert sign_in(second_client, *YITIAO).status_code == 303
    work_id = a_work_of(second_client)
    assert sign_in(browser_client, *DOUYIN).status_code == 303
    period = last_month()
    landed(browser_client, f"work_id,territory,channel,plays\n{work_id},CN,douyin,1500\n", period)
    _match(browser_client, period)
    return work_id, period


def test_an_owner_offers_a_licence_and_claims_and_the_platform_answers(browser_client, second_client):  # noqa: ANN001
    work_id, period = _reported(browser_client, second_client)
    listing = second_client.get(f"/owner/unlicensed/uses?period={period}", headers=EN)
    assert listing.status_code == 200, listing.text[-800:]
    link = USE_LINK.search(listing.text)
    assert link and work_id in link[1], listing.text[-1500:]
    use = second_client.get(link[1].replace("&amp;", "&"), headers=EN)
    assert use.status_code == 200 and "1,500" in use.text and "never licensed" in use.text
    offer_form = use.text[use.text.index('id="offer-form"'):use.text.index('id="claim-form"')]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', offer_form))
    fields.pop("csrf_token")
    refused = second_client.post("/owner/unlicensed/offers", data=fields | {"seconds": ""},
                                 follow_redirects=False)
    assert refused.status_code == 403  # no form token
    token = form_token(use)
    offered = second_client.post("/owner/unlicensed/offers", follow_redirects=False,
                                 data=fields | {"csrf_token": token, "seconds": "", "price": "300"})
    if offered.status_code == 422:  # a routine offer covers it: its price applies
        offered = second_client.post("/owner/unlicensed/offers", follow_redirects=False,
                                     data=fields | {"csrf_token": token, "seconds": ""})
    assert offered.status_code == 303, offered.text[-800:]
    claimed = second_client.post("/owner/unlicensed/claims", follow_redirects=False,
                                 data=fields | {"csrf_token": token, "seconds": "", "amount": "500"})
    if claimed.status_code == 422:
        claimed = second_client.post("/owner/unlicensed/claims", follow_redirects=False,
                                     data=fields | {"csrf_token": token, "seconds": ""})
    assert claimed.status_code == 303, claimed.text[-800:]
    mine = second_client.get(f"/owner/unlicensed/uses?period={period}", headers=EN).text
    assert mine.count('class="status-open"') == 2

    assert 'href="/reported-use"' in browser_client.get("/usage/reports").text
    reported = browser_client.get("/reported-use", headers=EN)
    assert reported.status_code == 200 and "Accept and buy" in reported.text
    dispute = re.search(r'action="(/reported-use/ula_[A-Za-z0-9]+/dispute)"', reported.text)
    assert dispute, reported.text[-1500:]
    assert browser_client.post(dispute[1], data={"note": "licensed elsewhere"},
                               follow_redirects=False).status_code == 403  # no form token
    answered = browser_client.post(dispute[1], follow_redirects=False, data={
        "csrf_token": form_token(reported), "note": "licensed elsewhere"})
    assert answered.status_code == 303, answered.text[-800:]
    assert 'class="status-disputed"' in browser_client.get("/reported-use", headers=EN).text

    assert sign_in(browser_client, *BRAND).status_code == 303  # nobody else sees them
    assert 'id="addressed"' not in browser_client.get("/reported-use").text
    action_id = dispute[1].split("/")[2]
    assert browser_client.post(f"/reported-use/{action_id}/dispute", follow_redirects=False, data={
        "csrf_token": form_token(browser_client.get("/account")), "note": "x"}
    ).status_code == 404


def test_another_owner_cannot_open_or_act_on_the_use(browser_client, second_client):  # noqa: ANN001
    work_id, period = _reported(browser_client, second_client)
    use = second_client.get(f"/owner/unlicensed/uses?period={period}")
    link = USE_LINK.search(use.text)
    assert link
    assert sign_in(second_client, *ERGENG).status_code == 303
    assert second_client.get(link[1].replace("&amp;", "&")).status_code == 403
    query = dict(part.split("=", 1) for part in link[1].split("?", 1)[1].split("&amp;"))
    fields = query | {"csrf_token": form_token(second_client.get("/account")),
                      "seconds": "", "amount": "500"}
    assert second_client.post("/owner/unlicensed/claims", data=fields,
                              follow_redirects=False).status_code == 403
    assert work_id not in second_client.get(f"/owner/unlicensed/uses?period={period}").text
    assert sign_in(second_client, *BRAND).status_code == 303
    assert second_client.get("/owner/unlicensed/uses").status_code == 403  # not an owner
