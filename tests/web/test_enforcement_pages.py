"""Content claims on pages, with the demo market: one of 一条's works is found in the demo
creator's upload on 抖音. 一条 sets its policy, the creator disputes the claim, 一条 upholds it,
the creator escalates and the operator decides on its own page. Forms without their token are
refused; another owner, another platform and a licensee outside the claim are refused its page;
the owner cannot decide."""

from __future__ import annotations

import re

from tests.web.enforcement_support import demo_claim
from tests.web.support import form_token, sign_in
from tests.web.test_usage_pages import BRAND, CREATOR, EN, ERGENG, OPERATOR, YITIAO, a_work_of

KUAISHOU = ("kuaishou@demo.clearinghouse.example", "demo-kuaishou-password")


def _post(client, url: str, page_url: str, data: dict) -> object:  # noqa: ANN001
    """Post with the signed-in session's form token, as read from `page_url`'s forms (or, where
    the page offers this visitor none, from the last page that did: one token per session)."""
    page = client.get(page_url, headers=EN)
    if 'name="csrf_token"' in page.text:
        client.token = form_token(page)
    return client.post(url, data=data | {"csrf_token": client.token}, follow_redirects=False)


def test_policy_dispute_answer_escalate_decide_on_pages(browser_client, second_client,
                                                        demo_db_url):  # noqa: ANN001
    owner, uploader = second_client, browser_client
    assert sign_in(owner, *YITIAO).status_code == 303
    work_id = a_work_of(owner)
    policies = owner.get("/owner/enforcement", headers=EN)
    assert policies.status_code == 200 and "tracked" in policies.text
    assert owner.post("/owner/enforcement", data={"work_id": work_id, "policy": "warn"},
                      follow_redirects=False).status_code == 403  # no form token
    saved = _post(owner, "/owner/enforcement", "/owner/enforcement",
                  {"work_id": work_id, "territory": "", "policy": "warn"})
    assert saved.status_code == 303, saved.text[-600:]
    claim_id = demo_claim(demo_db_url, work_id)
    where = f"/claims/{claim_id}"

    listed = owner.get("/claims", headers=EN)
    assert claim_id in listed.text and "Warn" in listed.text
    assert sign_in(uploader, *CREATOR).status_code == 303
    page = uploader.get(where, headers=EN)
    assert page.status_code == 200 and 'id="dispute-form"' in page.text
    assert 'id="answer-form"' not in page.text
    assert uploader.post(f"{where}/dispute", data={"reason": "fair_use", "evidence": "x"},
                         follow_redirects=False).status_code == 403  # no form token
    disputed = _post(uploader, f"{where}/dispute", where,
                     {"reason": "fair_use", "evidence": "评论 commentary, 12 seconds"})
    assert disputed.status_code == 303, disputed.text[-600:]
    # The uploader's side does not answer its own dispute.
    assert _post(uploader, f"{where}/answer", where,
                 {"decision": "release"}).status_code == 403

    answer_page = owner.get(where, headers=EN)
    assert 'id="answer-form"' in answer_page.text and "commentary" in answer_page.text
    upheld = _post(owner, f"{where}/answer", where,
                   {"decision": "uphold", "note": "the chorus, used whole"})
    assert upheld.status_code == 303, upheld.text[-600:]
    escalated = _post(uploader, f"{where}/escalate", where, {"note": "please decide"})
    assert escalated.status_code == 303
    assert _post(owner, f"{where}/decide", where,
                 {"winner": "owner", "note": "mine"}).status_code == 403

    operator = owner
    assert sign_in(operator, *OPERATOR).status_code == 303
    queue = operator.get("/operator/disputes", headers=EN)
    assert queue.status_code == 200 and where in queue.text
    decided = _post(operator, f"{where}/decide", where,
                    {"winner": "uploader", "note": "commentary, short excerpt"})
    assert decided.status_code == 303, decided.text[-600:]
    final = uploader.get(where, headers=EN).text
    assert re.search(r'id="status">released<', final) and "decided for the uploader" in final
    assert "dispute_decided_for_uploader" in final  # the history both sides read

    for outsider in (ERGENG, KUAISHOU, BRAND):
        assert sign_in(uploader, *outsider).status_code == 303
        assert uploader.get(where, headers=EN).status_code == 404
    assert uploader.get("/operator/disputes", headers=EN).status_code == 403
