"""Helpers of the web tests: forms read from pages, sign-up through the real pages."""

from __future__ import annotations

import re

from httpx import Response

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
PASSWORD = "correct horse battery"


def form_token(page: Response) -> str:
    found = TOKEN.search(page.text)
    assert found, page.text[:500]
    return found[1]


def hidden_fields(page: Response) -> dict[str, str]:
    return dict(HIDDEN.findall(page.text))


def sign_up(client, email: str, kind: str = "creator"):  # noqa: ANN001, ANN201
    token = form_token(client.get("/sign-up"))
    return client.post("/sign-up", data={"csrf_token": token, "kind": kind, "email": email,
                                         "password": PASSWORD}, follow_redirects=False)


def sign_in(client, email: str, password: str):  # noqa: ANN001, ANN201
    token = form_token(client.get("/sign-in"))
    return client.post("/sign-in", data={"csrf_token": token, "email": email, "password": password},
                       follow_redirects=False)


def recording_of(client, title: str) -> str:  # noqa: ANN001
    found = client.get("/api/v1/works", params={"q": title, "type": "sound_recording"}).json()
    return str(found["items"][0]["id"])


def buy(client, work_id: str) -> str:  # noqa: ANN001
    """Through the checkout page as a person would; the licence's path."""
    checkout = client.get("/checkout", params={"work_id": work_id, "channel": "douyin", "seconds": "15"})
    assert checkout.status_code == 200, checkout.text[-800:]
    bought = client.post("/checkout", data=hidden_fields(checkout), follow_redirects=False)
    assert bought.status_code == 303, bought.text[-800:]
    return str(bought.headers["location"]).split("?")[0]
