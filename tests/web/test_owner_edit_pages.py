"""The owner edits a work on a page: the API's rules (who manages it, identifiers, relations) and
its version check, so a form opened before someone else's change is refused and saves nothing."""

from __future__ import annotations

import re

from tests.web.support import form_token, hidden_fields, sign_in, sign_up

YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
ERGENG = ("ergeng@demo.clearinghouse.example", "demo-ergeng-password")
WORK_LINK = re.compile(r'href="/owner/works/(wrk_[A-Za-z0-9]+)"')
TEXTAREA = re.compile(r'<textarea name="([^"]+)"[^>]*>([^<]*)</textarea>')
TITLE = re.compile(r'name="title" value="([^"]*)"')


def _first_work(client, who: tuple[str, str]) -> str:  # noqa: ANN001
    assert sign_in(client, *who).status_code == 303
    return sorted(WORK_LINK.findall(client.get("/owner/works").text))[0]


def _form(client, work_id: str) -> dict[str, str]:  # noqa: ANN001
    page = client.get(f"/owner/works/{work_id}/edit")
    assert page.status_code == 200, page.text[-600:]
    found = TITLE.search(page.text)
    assert found
    return {**hidden_fields(page), "title": found[1], "length": "", **dict(TEXTAREA.findall(page.text))}


def test_an_owner_renames_its_work_and_adds_an_identifier(browser_client):
    work_id = _first_work(browser_client, YITIAO)
    form = _form(browser_client, work_id)
    form["title"] = "改过的标题"
    form["identifiers"] += "\nISRC CNZ992600001"
    saved = browser_client.post(f"/owner/works/{work_id}/edit", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text[-800:]
    page = browser_client.get(saved.headers["location"])
    assert 'id="saved"' in page.text and "改过的标题" in page.text and "CNZ992600001" in page.text
    api = browser_client.get(f"/api/v1/works/{work_id}").json()
    assert api["title"] == "改过的标题"
    assert {"scheme": "isrc", "value": "CNZ992600001"} in api["identifiers"]


def test_a_stale_edit_form_is_refused_with_a_clear_message_and_saves_nothing(browser_client, second_client):
    work_id = _first_work(browser_client, YITIAO)
    assert sign_in(second_client, *YITIAO).status_code == 303  # the same owner on another device
    stale = _form(browser_client, work_id)
    fresh = _form(second_client, work_id)
    fresh["title"] = "先保存的标题"
    assert second_client.post(f"/owner/works/{work_id}/edit", data=fresh,
                              follow_redirects=False).status_code == 303
    stale["title"] = "后保存的标题"
    refused = browser_client.post(f"/owner/works/{work_id}/edit", data=stale)
    assert refused.status_code == 412
    assert 'id="form-error"' in refused.text and 'id="reload"' in refused.text
    assert 'value="后保存的标题"' in refused.text  # what was typed is kept
    assert browser_client.get(f"/api/v1/works/{work_id}").json()["title"] == "先保存的标题"


def test_a_wrong_identifier_or_relation_shows_the_error_and_saves_nothing(browser_client):
    work_id = _first_work(browser_client, YITIAO)
    before = browser_client.get(f"/api/v1/works/{work_id}").json()
    for field, wrong in (("identifiers", "ISRC not-a-code"), ("relations", "embodies wrk_doesnotexist")):
        form = _form(browser_client, work_id)
        form["title"] = "不该保存"
        form[field] = wrong
        answer = browser_client.post(f"/owner/works/{work_id}/edit", data=form)
        assert answer.status_code == 422, (field, answer.status_code)
        assert 'id="form-error"' in answer.text and wrong in answer.text
    assert browser_client.get(f"/api/v1/works/{work_id}").json() == before


def test_another_owner_cannot_edit_a_work_by_url_and_a_form_needs_its_token(browser_client, second_client):
    ergeng_work = _first_work(second_client, ERGENG)
    form = _form(second_client, ergeng_work)
    assert sign_in(browser_client, *YITIAO).status_code == 303
    assert browser_client.get(f"/owner/works/{ergeng_work}/edit").status_code == 403
    form["csrf_token"] = form_token(browser_client.get("/account"))
    form["title"] = "抢来的作品"
    assert browser_client.post(f"/owner/works/{ergeng_work}/edit", data=form).status_code == 403
    no_token = {k: v for k, v in _form(second_client, ergeng_work).items() if k != "csrf_token"}
    assert second_client.post(f"/owner/works/{ergeng_work}/edit", data=no_token).status_code == 403
    assert second_client.get(f"/api/v1/works/{ergeng_work}").json()["title"] != "抢来的作品"


def test_a_licensee_cannot_open_an_edit_form(browser_client, second_client):
    work_id = _first_work(second_client, YITIAO)
    sign_up(browser_client, "curious-licensee@example.com")
    assert browser_client.get(f"/owner/works/{work_id}/edit").status_code == 403
