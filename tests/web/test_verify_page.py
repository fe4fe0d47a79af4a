"""The public verify page: anyone (not signed in) drops a certificate JSON or its PDF, or opens
the QR link / types a licence id, and reads whether it is genuine and valid on a day, with the
signed terms; real HTTP through the app on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.web.support import buy, form_token, recording_of, sign_up

OPERATOR = {"Authorization": "Bearer chk_de0000000001_demo-operator"}
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what a browser sends


@pytest.fixture
def bought(browser_client, second_client):  # noqa: ANN001, ANN201
    """A licence bought through the pages by one person; `second_client` is anyone else."""
    sign_up(browser_client, "verify-buyer@example.com")
    path = buy(browser_client, recording_of(browser_client, "夏日的风"))
    licence_id = path.rsplit("/", 1)[-1]
    certificate = browser_client.get(f"/api/v1/licenses/{licence_id}/certificate", headers=OPERATOR)
    assert certificate.status_code == 200, certificate.text
    pdf = browser_client.get(f"{path}/certificate.pdf")
    assert pdf.status_code == 200
    return {"id": licence_id, "document": certificate.json(), "pdf": pdf.content}


def _check(client, name: str, data: bytes, at: str = ""):  # noqa: ANN001, ANN202
    token = form_token(client.get("/verify"))
    return client.post("/verify", data={"csrf_token": token, "at": at},
                       files={"file": (name, data, "application/octet-stream")})


def test_a_genuine_certificate_json_is_valid_today_with_its_signed_terms(bought, second_client):
    answer = _check(second_client, "certificate.json", json.dumps(bought["document"]).encode())
    assert answer.status_code == 200, answer.text[-800:]
    assert 'data-result="valid"' in answer.text
    assert "真实有效" in answer.text  # the visitor's language (Chinese by default) ...
    assert "genuine, and the license is in force" in answer.text  # ... and English beside it
    signed = bought["document"]["certificate"]
    assert f"被许可方：{signed['licensee']['name']}" in answer.text
    assert f"Licensee: {signed['licensee']['name']}" in answer.text
    assert signed["works"][0]["title"] in answer.text
    for right in signed["rights"]:  # every right, one line each, with where it is granted
        assert f"权利人 {right['holder']['name']}" in answer.text
    assert "地域：" in answer.text and "Channels: Douyin" in answer.text
    assert f"Period: {signed['valid_from']}" in answer.text
    assert "CNY" not in answer.text  # the public answer shows no prices


def test_a_changed_certificate_is_not_genuine_and_shows_no_terms(bought, second_client):
    forged = json.loads(json.dumps(bought["document"]))
    forged["certificate"]["licensee"]["name"] = "Someone Else"
    answer = _check(second_client, "certificate.json", json.dumps(forged).encode())
    assert answer.status_code == 200
    assert 'data-result="tampered"' in answer.text and "并非真实" in answer.text
    assert "Someone Else" not in answer.text and "被许可方" not in answer.text


def test_the_signed_pdf_is_checked_with_its_own_signature(bought, second_client):
    answer = _check(second_client, "certificate.pdf", bought["pdf"])
    assert answer.status_code == 200, answer.text[-800:]
    assert 'data-result="valid"' in answer.text
    assert 'id="file-signature"' in answer.text and "完好，由本平台签署" in answer.text


def test_a_day_before_the_licence_starts_is_not_yet_valid(bought, second_client):
    start = date.fromisoformat(bought["document"]["certificate"]["valid_from"])
    before = (start - timedelta(days=1)).isoformat()
    answer = _check(second_client, "certificate.json", json.dumps(bought["document"]).encode(), at=before)
    assert 'data-result="not_yet_valid"' in answer.text and "尚未生效" in answer.text
    by_id = second_client.get("/verify", params={"license_id": bought["id"], "at": before})
    assert 'data-result="not_yet_valid"' in by_id.text


def test_the_qr_link_shows_the_page_to_a_browser_and_json_to_an_api_client(bought, second_client):
    link = "/verify/" + bought["id"]
    assert bought["document"]["certificate"]["verify_url"].endswith(link)
    page = second_client.get(link, headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'data-result="valid"' in page.text and "被许可方" in page.text
    api = second_client.get(link)
    assert api.headers["content-type"] == "application/json"
    assert api.json()["result"] == "valid" and api.json()["license_id"] == bought["id"]
    assert second_client.get(link, headers={"Accept": "application/json"}).json()["valid"] is True


def test_an_unknown_licence_id_says_there_is_no_such_licence(second_client):
    typed = second_client.get("/verify", params={"license_id": "lic_nope"})
    assert typed.status_code == 404
    assert "没有该许可" in typed.text and 'id="verify-error"' in typed.text
    assert second_client.get("/verify/lic_nope", headers=HTML).status_code == 404
    assert second_client.get("/verify/lic_nope").json()["error"]["code"] == "not_found"  # the API's


def test_a_file_that_is_no_certificate_or_no_file_gets_a_clear_error(second_client):
    answer = _check(second_client, "notes.txt", b"hello")
    assert answer.status_code == 422 and "这不是证书" in answer.text
    token = form_token(second_client.get("/verify"))
    empty = second_client.post("/verify", data={"csrf_token": token},
                               files={"file": ("", b"", "application/octet-stream")})
    assert empty.status_code == 422 and "请选择要验证的证书文件" in empty.text


def test_an_oversize_upload_is_refused_with_a_page_that_says_so(second_client):
    token = form_token(second_client.get("/verify"))
    answer = second_client.post("/verify", data={"csrf_token": token}, headers=HTML,
                                files={"file": ("big.mp4", b"\0" * (1_048_576 + 1), "video/mp4")})
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "文件太大" in answer.text and "The limit is 1 MB" in answer.text


def test_the_form_without_its_token_is_refused(bought, second_client):
    second_client.get("/verify")  # has the form cookie, but sends no token
    refused = second_client.post("/verify", files={"file": ("c.json", json.dumps(bought["document"]).encode())})
    assert refused.status_code == 403
    assert 'data-result' not in refused.text


def test_the_layout_links_to_the_verify_page(second_client):
    home = second_client.get("/")
    assert home.text.count('href="/verify"') == 2  # header and footer
