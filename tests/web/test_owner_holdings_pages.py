"""The owner's holdings and conflicts on pages: a holding on its own work is accepted, one on
another's work is only a claim (a conflict, granting nothing) until the work's manager accepts it
on its conflicts page; real HTTP on SQLite and PostgreSQL with the demo owners."""

from __future__ import annotations

import re

from tests.web.support import form_token, sign_in, sign_up

YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
ERGENG = ("ergeng@demo.clearinghouse.example", "demo-ergeng-password")
WORK_LINK = re.compile(r'href="/owner/works/(wrk_[A-Za-z0-9]+)"')
DECIDE = re.compile(r'action="/owner/claims/(hld_[A-Za-z0-9]+)/accept">.*?name="version" value="(\d+)"', re.S)


def _works(client, who: tuple[str, str]) -> list[str]:  # noqa: ANN001
    assert sign_in(client, *who).status_code == 303
    return sorted(WORK_LINK.findall(client.get("/owner/works").text))


def _register(client, work: str, **fields: str):  # noqa: ANN001, ANN202
    token = form_token(client.get("/account"))
    data = {"csrf_token": token, "work_id": work, "rights": ["distribute"], "share": "10",
            "territories": "CN, HK", "warranty": "yes", **fields}
    return client.post("/owner/holdings/new", data=data, follow_redirects=False)


def _holdings(client, work_id: str) -> list[dict]:  # noqa: ANN001
    return client.get(f"/api/v1/works/{work_id}/holdings").json()["items"]


def test_an_owner_sees_its_holdings_with_its_pending_claim(browser_client):
    _works(browser_client, YITIAO)
    page = browser_client.get("/owner/holdings")
    assert page.status_code == 200
    assert 'class="holding-active"' in page.text and "100%" in page.text
    assert 'class="holding-pending"' in page.text  # the demo's claim on one of 二更's videos


def test_a_holding_on_its_own_work_is_accepted_at_once(browser_client):
    work_id = _works(browser_client, YITIAO)[0]
    sent = _register(browser_client, work_id, share="0.5")
    assert sent.status_code == 303 and sent.headers["location"] == "/owner/holdings?created=active"
    assert 'id="created"' in browser_client.get(sent.headers["location"]).text
    assert any(h["share"] == "0.5" and h["territories"] == ["CN", "HK"] for h in _holdings(browser_client, work_id))


def test_a_claim_on_anothers_work_grants_nothing_until_its_manager_accepts_it(browser_client, second_client):
    ergeng_work = _works(second_client, ERGENG)[0]
    _works(browser_client, YITIAO)
    sent = _register(browser_client, ergeng_work)
    assert sent.headers["location"] == "/owner/holdings?created=pending"
    assert not any(h["holder_name"].startswith("一条") for h in _holdings(browser_client, ergeng_work))
    mine = browser_client.get("/owner/conflicts").text
    assert ergeng_work in mine and "/owner/claims/" not in mine  # a claimant never decides its own claim
    theirs = second_client.get("/owner/conflicts")
    own_claim = _claim_on(second_client, theirs.text, ergeng_work)
    token = form_token(theirs)
    by_claimant = browser_client.post(f"/owner/claims/{own_claim[0]}/accept",
                                      data={"csrf_token": form_token(browser_client.get("/account")),
                                            "version": own_claim[1]})
    assert by_claimant.status_code == 403
    accepted = second_client.post(f"/owner/claims/{own_claim[0]}/accept",
                                  data={"csrf_token": token, "version": own_claim[1]}, follow_redirects=False)
    assert accepted.status_code == 303 and accepted.headers["location"] == "/owner/conflicts?decided=accepted"
    assert any(h["holder_name"].startswith("一条") and h["rights"] == ["distribute"]
               for h in _holdings(browser_client, ergeng_work))
    again = second_client.post(f"/owner/claims/{own_claim[0]}/accept",
                               data={"csrf_token": token, "version": own_claim[1]})
    assert again.status_code in (412, 422)  # decided already: nothing changes twice


def _claim_on(client, html: str, work_id: str) -> tuple[str, str]:  # noqa: ANN001
    card = re.search(rf'<li class="card conflict"[^>]*>\s*<h2><a href="/works/{work_id}">.*?</li>', html, re.S)
    assert card, html[-2000:]
    found = DECIDE.search(card[0])
    assert found
    return found[1], found[2]


def test_a_stale_or_tokenless_decision_is_refused_and_refusing_grants_nothing(browser_client, second_client):
    ergeng_work = _works(second_client, ERGENG)[1]
    _works(browser_client, YITIAO)
    assert _register(browser_client, ergeng_work).status_code == 303
    page = second_client.get("/owner/conflicts")
    claim_id, version = _claim_on(second_client, page.text, ergeng_work)
    assert second_client.post(f"/owner/claims/{claim_id}/reject", data={"version": version}).status_code == 403
    stale = second_client.post(f"/owner/claims/{claim_id}/reject",
                               data={"csrf_token": form_token(page), "version": str(int(version) + 1)})
    assert stale.status_code == 412
    refused = second_client.post(f"/owner/claims/{claim_id}/reject",
                                 data={"csrf_token": form_token(page), "version": version}, follow_redirects=False)
    assert refused.headers["location"] == "/owner/conflicts?decided=rejected"
    assert not any(h["holder_name"].startswith("一条") for h in _holdings(browser_client, ergeng_work))
    assert 'class="holding-rejected"' in browser_client.get("/owner/holdings").text


def test_a_wrong_holding_form_shows_the_error_keeps_the_form_and_registers_nothing(browser_client):
    work_id = _works(browser_client, YITIAO)[0]
    before = _holdings(browser_client, work_id)
    for fields, problem in (({"share": "150"}, "share"), ({"warranty": ""}, "warrant"),
                            ({"territories": "XX"}, "territor"), ({"work_id": "wrk_doesnotexist"}, "work")):
        answer = _register(browser_client, work_id, **fields)
        assert answer.status_code in (404, 422), (fields, answer.status_code)
        assert 'id="form-error"' in answer.text and problem in answer.text.lower(), fields
        assert 'name="share" value="' + fields.get("share", "10") + '"' in answer.text
    assert _holdings(browser_client, work_id) == before


def test_the_holdings_pages_need_an_owner_and_a_form_token(browser_client, second_client):
    work_id = _works(second_client, YITIAO)[0]
    tokenless = second_client.post("/owner/holdings/new", data={"work_id": work_id, "rights": ["distribute"],
                                                               "share": "1", "territories": "CN", "warranty": "yes"})
    assert tokenless.status_code == 403
    sign_up(browser_client, "licensee-no-holdings@example.com")
    for path in ("/owner/holdings", "/owner/holdings/new", "/owner/conflicts"):
        assert browser_client.get(path).status_code == 403, path
    assert _register(browser_client, work_id).status_code == 403
    assert browser_client.get("/owner/conflicts", follow_redirects=False).status_code == 403
    assert second_client.get("/owner/holdings").status_code == 200
