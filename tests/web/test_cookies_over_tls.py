"""Session and form cookies are HttpOnly and SameSite=Lax always, and Secure (with HSTS on the
answer) when the page came over https: directly, or through a trusted TLS proxy that says so in
X-Forwarded-Proto. The same header from anyone else changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.support import PASSWORD, form_token

PROXY = ("10.0.0.7", 40000)  # the TLS proxy's address, as CLEARINGHOUSE_TRUSTED_PROXIES names it


@pytest.fixture
def proxied_app(demo_db_url: str, tmp_path: Path):  # noqa: ANN201
    from clearinghouse.api.app import create_app
    from clearinghouse.core.settings import Settings

    (tmp_path / "data").mkdir()
    return create_app(Settings(data_dir=tmp_path / "data", database_url=demo_db_url,
                               trusted_proxies="10.0.0.0/24"))


def _client(app, peer: tuple[str, int], base_url: str = "http://testserver") -> TestClient:  # noqa: ANN001
    return TestClient(app, base_url=base_url, client=peer, raise_server_exceptions=False)


@pytest.fixture
def started(proxied_app) -> Iterator[object]:  # noqa: ANN001
    with _client(proxied_app, PROXY):
        yield proxied_app


def _sign_up(client: TestClient, headers: dict[str, str], email: str):  # noqa: ANN202
    form = client.get("/sign-up", headers=headers)
    assert form.status_code == 200
    # As a browser that talks https to the proxy would: a Secure cookie goes back to this site.
    sent = {**headers, "cookie": form.headers["set-cookie"].split(";")[0]}
    signed_up = client.post("/sign-up", headers=sent, follow_redirects=False, data={
        "csrf_token": form_token(form), "kind": "creator", "email": email, "password": PASSWORD})
    assert signed_up.status_code == 303, signed_up.text[-500:]
    return form, signed_up


def _attributes(set_cookie: str) -> set[str]:
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


def test_behind_a_trusted_tls_proxy_the_cookies_are_secure_and_hsts_is_sent(started):
    client = _client(started, PROXY)
    form, signed_up = _sign_up(client, {"X-Forwarded-Proto": "https"}, "tls@example.com")
    for answer, name in ((form, "ch_form"), (signed_up, "ch_session")):
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith(f"{name}=")
        assert {"secure", "httponly", "samesite=lax"} <= _attributes(cookie)
    assert form.headers["strict-transport-security"].startswith("max-age=")
    api = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" in api.headers  # every answer over https, not only pages


def test_over_https_directly_the_cookies_are_secure(started):
    client = _client(started, ("203.0.113.9", 5000), base_url="https://testserver")
    form, signed_up = _sign_up(client, {}, "direct-tls@example.com")
    assert "secure" in _attributes(signed_up.headers["set-cookie"])
    assert "strict-transport-security" in form.headers


def test_plain_http_cookies_are_httponly_and_lax_but_not_secure(started):
    client = _client(started, PROXY)
    form, signed_up = _sign_up(client, {}, "plain@example.com")
    cookie = _attributes(signed_up.headers["set-cookie"])
    assert {"httponly", "samesite=lax"} <= cookie and "secure" not in cookie
    assert "strict-transport-security" not in form.headers
    assert client.get("/account").status_code == 200  # a plain-http session works


def test_a_spoofed_forwarded_proto_from_an_untrusted_client_changes_nothing(started):
    client = _client(started, ("203.0.113.9", 5000))
    form, signed_up = _sign_up(client, {"X-Forwarded-Proto": "https"}, "spoof@example.com")
    assert "secure" not in _attributes(signed_up.headers["set-cookie"])
    assert "secure" not in _attributes(form.headers["set-cookie"])
    assert "strict-transport-security" not in form.headers
    assert client.get("/account").status_code == 200  # and the session still works over http


def test_a_proxy_saying_http_is_believed_too(started):
    client = _client(started, PROXY)
    form = client.get("/sign-in", headers={"X-Forwarded-Proto": "http"})
    assert "secure" not in _attributes(form.headers["set-cookie"])
    assert "strict-transport-security" not in form.headers
