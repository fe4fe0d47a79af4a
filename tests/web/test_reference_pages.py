"""The owner's reference media page on a work: list, add (the same intake as the API) and remove;
real HTTP through the app with the demo owners' sign-ins on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.identification.media_files import png_header_on_random_bytes, speech
from tests.web.support import form_token, sign_in, sign_up

YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
ERGENG = ("ergeng@demo.clearinghouse.example", "demo-ergeng-password")
WORK_LINK = re.compile(r'href="/owner/works/(wrk_[A-Za-z0-9]+)"')


def _first_work(client) -> str:  # noqa: ANN001
    return sorted(WORK_LINK.findall(client.get("/owner/works").text))[0]


def _add(client, work_id: str, data: bytes, token: str | None = None):  # noqa: ANN001, ANN202
    url = f"/owner/works/{work_id}/references"
    fields = {"csrf_token": token if token is not None else form_token(client.get(url))}
    return client.post(url, data=fields, files={"file": ("goodbye.wav", data, "audio/wav")},
                       follow_redirects=False)


def test_an_owner_adds_a_reference_sees_it_listed_and_removes_it(browser_client) -> None:  # noqa: ANN001
    assert sign_in(browser_client, *YITIAO).status_code == 303
    work_id = _first_work(browser_client)
    assert f"/owner/works/{work_id}/references" in browser_client.get(f"/owner/works/{work_id}").text
    empty = browser_client.get(f"/owner/works/{work_id}/references")
    assert empty.status_code == 200 and 'id="no-references"' in empty.text

    added = _add(browser_client, work_id, speech())
    assert added.status_code == 303, added.text[-600:]
    page = browser_client.get(added.headers["location"])
    assert 'id="added"' in page.text and "goodbye.wav" in page.text
    [ref_id] = re.findall(r'id="reference-(\d+)"', page.text)

    token = form_token(page)
    removed = browser_client.post(f"/owner/works/{work_id}/references/{ref_id}/delete",
                                  data={"csrf_token": token}, follow_redirects=False)
    assert removed.status_code == 303
    assert 'id="no-references"' in browser_client.get(removed.headers["location"]).text


def test_a_bad_file_shows_the_error_and_adds_nothing(browser_client) -> None:  # noqa: ANN001
    assert sign_in(browser_client, *YITIAO).status_code == 303
    work_id = _first_work(browser_client)
    refused = _add(browser_client, work_id, png_header_on_random_bytes())
    assert refused.status_code == 422
    assert 'id="form-error"' in refused.text and 'id="no-references"' in refused.text


def test_a_form_without_its_token_is_refused(browser_client) -> None:  # noqa: ANN001
    assert sign_in(browser_client, *YITIAO).status_code == 303
    work_id = _first_work(browser_client)
    assert _add(browser_client, work_id, speech(), token="").status_code == 403
    assert 'id="no-references"' in browser_client.get(f"/owner/works/{work_id}/references").text


def test_another_owner_or_a_licensee_is_refused(browser_client, second_client) -> None:  # noqa: ANN001
    assert sign_in(second_client, *ERGENG).status_code == 303
    theirs = _first_work(second_client)
    assert second_client.get(f"/owner/works/{theirs}/references").status_code == 200
    assert sign_in(browser_client, *YITIAO).status_code == 303
    assert browser_client.get(f"/owner/works/{theirs}/references").status_code == 403
    token = form_token(browser_client.get("/account"))
    assert _add(browser_client, theirs, speech(), token=token).status_code == 403
    assert browser_client.get("/owner/works/wrk_doesnotexist/references").status_code == 404


def test_a_licensee_cannot_add_references_and_a_visitor_signs_in_first(browser_client,  # noqa: ANN001
                                                                        second_client) -> None:
    assert sign_in(second_client, *ERGENG).status_code == 303
    theirs = _first_work(second_client)
    away = browser_client.get(f"/owner/works/{theirs}/references", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"].startswith("/sign-in?next=")
    sign_up(browser_client, "buyer-of-music@example.com")
    assert browser_client.get(f"/owner/works/{theirs}/references").status_code == 403
    token = form_token(browser_client.get("/account"))
    assert _add(browser_client, theirs, speech(), token=token).status_code == 403
