"""The operator's console over real HTTP on SQLite and PostgreSQL with the demo market: owner
approvals and invitations, parties and keys; and every person's API keys page."""

from __future__ import annotations

import re

from tests.web.support import PASSWORD, form_token, sign_in, sign_up

OPERATOR = ("operator@demo.clearinghouse.example", "demo-operator-password")
YITIAO = ("yitiao@demo.clearinghouse.example", "demo-yitiao-password")
APPROVE = re.compile(r'action="(/operator/owners/app_[A-Za-z0-9]+)/approve"')
LINK = re.compile(r"<code>https?://[^/]+(/invitations/[A-Za-z0-9_-]+)</code>")
NEW_KEY = re.compile(r'id="new-key">.*?<code>(chk_[^<]+)</code>', re.S)
REVOKE = re.compile(r'action="(/(?:account|operator)/keys/key_[A-Za-z0-9]+/revoke)"')


def _signed_in(client, who: tuple[str, str]) -> None:  # noqa: ANN001
    assert sign_in(client, *who).status_code == 303


def _sign_up_owner(client, email: str, name: str = "新歌唱片"):  # noqa: ANN001, ANN201
    token = form_token(client.get("/sign-up/owner"))
    return client.post("/sign-up/owner", data={"csrf_token": token, "name": name, "email": email,
                                               "password": PASSWORD}, follow_redirects=False)


def _post(client, path: str, **data: str):  # noqa: ANN001, ANN201
    token = form_token(client.get("/account"))
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def _api_key(client) -> dict[str, str]:  # noqa: ANN001
    created = _post(client, "/account/keys", name="for the test")
    assert created.status_code == 200, created.text[-500:]
    return {"Authorization": f"Bearer {NEW_KEY.search(created.text)[1]}"}


def test_a_signed_up_owner_acts_as_owner_only_once_the_operator_approves(browser_client, second_client):
    assert _sign_up_owner(browser_client, "label@example.com").status_code == 303
    account = browser_client.get("/account")
    assert 'id="application"' in account.text  # waiting for the operator, and says so
    key = _api_key(browser_client)
    assert browser_client.get("/api/v1/me", headers=key).json()["roles"] == []
    assert browser_client.get("/owner/works/new").status_code == 403  # not an owner yet

    _signed_in(second_client, OPERATOR)
    queue = second_client.get("/operator/owners")
    assert queue.status_code == 200 and "新歌唱片" in queue.text
    approve = APPROVE.search(queue.text)[1] + "/approve"
    assert _post(second_client, approve).status_code == 303
    assert browser_client.get("/api/v1/me", headers=key).json()["roles"] == ["owner"]
    assert browser_client.get("/owner/works/new").status_code == 200
    assert "新歌唱片" not in second_client.get("/operator/owners").text
    assert _post(second_client, approve).status_code == 409  # decided once


def test_a_refused_owner_stays_without_a_role(browser_client, second_client):
    _sign_up_owner(browser_client, "maybe@example.com")
    _signed_in(second_client, OPERATOR)
    refuse = APPROVE.search(second_client.get("/operator/owners").text)[1] + "/refuse"
    assert _post(second_client, refuse).status_code == 303
    assert browser_client.get("/owner/works/new").status_code == 403
    assert "id=\"application\"" in browser_client.get("/account").text


def test_an_invited_owner_sets_a_password_once_and_the_link_is_spent(browser_client, second_client):
    _signed_in(second_client, OPERATOR)
    invited = _post(second_client, "/operator/owners/invite", name="星河出版", email="Star@Example.com")
    assert invited.status_code == 200, invited.text[-500:]
    link = LINK.search(invited.text)[1]
    assert link not in second_client.get("/operator/owners").text  # shown once
    form = browser_client.get(link)
    assert form.status_code == 200 and "star@example.com" in form.text
    too_short = browser_client.post(link, data={"csrf_token": form_token(form), "password": "short"})
    assert too_short.status_code == 422
    done = browser_client.post(link, data={"csrf_token": form_token(form), "password": PASSWORD},
                               follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/owner/works"
    assert browser_client.get("/owner/works").status_code == 200  # an owner at once
    assert browser_client.get(link).status_code == 410
    assert browser_client.get("/invitations/not-a-real-token").status_code == 404
    again = _post(second_client, "/operator/owners/invite", name="星河", email="star@example.com")
    assert again.status_code == 409  # that email has an account now


def test_the_console_is_the_operators_alone(browser_client):
    assert browser_client.get("/operator/owners", follow_redirects=False).status_code == 303  # sign in
    _signed_in(browser_client, YITIAO)
    for path in ("/operator", "/operator/owners", "/operator/parties"):
        assert browser_client.get(path).status_code == 403, path
    assert _post(browser_client, "/operator/owners/invite", name="x", email="x@example.com").status_code == 403


def test_console_forms_need_their_token(browser_client):
    _signed_in(browser_client, OPERATOR)
    sent = browser_client.post("/operator/owners/invite", data={"name": "x", "email": "x@example.com"})
    assert sent.status_code == 403
    assert "x@example.com" not in browser_client.get("/operator/owners").text


def test_the_operator_finds_a_party_with_its_accounts_and_revokes_its_key(browser_client, second_client):
    _signed_in(browser_client, YITIAO)
    key = _api_key(browser_client)
    _signed_in(second_client, OPERATOR)
    found = second_client.get("/operator/parties", params={"q": "一条"})
    assert found.status_code == 200
    party_path = re.search(r'href="(/operator/parties/pty_[A-Za-z0-9]+)"', found.text)[1]
    assert 'id="parties"' not in second_client.get("/operator/parties", params={"q": "%"}).text  # no wildcard
    owners = second_client.get("/operator/parties", params={"role": "owner"})
    assert party_path in owners.text and "licensee@" not in owners.text
    party = second_client.get(party_path)
    assert "yitiao@demo.clearinghouse.example" in party.text and "for the test" in party.text
    assert "chk_" not in party.text  # no secret, ever
    revoke = [p for p in REVOKE.findall(party.text)]
    assert revoke
    for path in revoke:
        assert _post(second_client, path).status_code == 303
    assert browser_client.get("/api/v1/me", headers=key).status_code == 401


def test_every_person_creates_lists_and_revokes_its_own_keys(browser_client, second_client):
    assert sign_up(browser_client, "creator@example.com").status_code == 303
    key = _api_key(browser_client)
    assert browser_client.get("/api/v1/me", headers=key).status_code == 200
    page = browser_client.get("/account/keys")
    assert "for the test" in page.text and "chk_" not in page.text  # the secret only once
    revoke = REVOKE.search(page.text)[1]
    _signed_in(second_client, YITIAO)
    assert _post(second_client, revoke).status_code == 403  # another party's key by URL
    assert browser_client.get("/api/v1/me", headers=key).status_code == 200
    assert _post(browser_client, revoke).status_code == 303
    assert browser_client.get("/api/v1/me", headers=key).status_code == 401
    assert _post(browser_client, "/account/keys", name="").status_code == 422


CLAIM_FORM = re.compile(r'action="(/operator/claims/hld_[A-Za-z0-9]+)/accept">.*?name="version" value="(\d+)"', re.S)
OPERATOR_KEY = {"Authorization": "Bearer chk_de0000000001_demo-operator"}


def test_the_operator_accepts_a_claim_from_the_conflicts_queue_and_the_audit_log_shows_it(browser_client):
    _signed_in(browser_client, OPERATOR)
    queue = browser_client.get("/operator/conflicts")
    assert queue.status_code == 200
    claim, version = CLAIM_FORM.search(queue.text).groups()  # the demo's 一条 claims 二更's video
    holding_id = claim.rsplit("/", 1)[1]
    stale = _post(browser_client, f"{claim}/accept", version=str(int(version) + 1))
    assert stale.status_code == 412  # someone changed it meanwhile: nothing decided
    assert _post(browser_client, f"{claim}/accept", version=version, note="contract seen").status_code == 303
    holding = browser_client.get(f"/api/v1/holdings/{holding_id}", headers=OPERATOR_KEY).json()
    assert holding["status"] == "active"
    assert holding_id not in browser_client.get("/operator/conflicts").text
    log = browser_client.get("/operator/audit", params={"action": "holding.accept"})
    assert log.status_code == 200 and holding_id in log.text and "contract seen" in log.text
    by_object = browser_client.get("/operator/audit", params={"entity_type": "holding", "entity_id": holding_id})
    assert "holding.accept" in by_object.text
    assert "holding.accept" not in browser_client.get(
        "/operator/audit", params={"action": "party.create"}).text


def test_a_refused_claim_grants_nothing(browser_client):
    _signed_in(browser_client, OPERATOR)
    claim, version = CLAIM_FORM.search(browser_client.get("/operator/conflicts").text).groups()
    assert _post(browser_client, f"{claim}/refuse", version=version).status_code == 303
    holding = browser_client.get(f"/api/v1/holdings/{claim.rsplit('/', 1)[1]}", headers=OPERATOR_KEY).json()
    assert holding["status"] == "rejected"


def test_an_owner_cannot_decide_claims_or_read_the_log_through_the_console(browser_client, second_client):
    _signed_in(second_client, OPERATOR)
    claim, version = CLAIM_FORM.search(second_client.get("/operator/conflicts").text).groups()
    _signed_in(browser_client, ("ergeng@demo.clearinghouse.example", "demo-ergeng-password"))
    assert browser_client.get("/operator/conflicts").status_code == 403
    assert browser_client.get("/operator/audit").status_code == 403
    assert _post(browser_client, f"{claim}/accept", version=version).status_code == 403
    assert second_client.post(f"{claim}/accept", data={"version": version}).status_code == 403  # no token


TEMPLATE_FORM = re.compile(r'action="(/operator/templates/tpl_[A-Za-z0-9]+)">.*?name="version" value="(\d+)"'
                           r'.*?name="name_en" value="([^"]*)".*?name="name_zh" value="([^"]*)"', re.S)


def test_the_operator_sets_fees_and_rates_that_quotes_then_use(browser_client):
    _signed_in(browser_client, OPERATOR)
    page = browser_client.get("/operator/catalogue")
    assert page.status_code == 200 and 'id="license-templates"' in page.text
    fees = _post(browser_client, "/operator/fees", licensee_pct="7.5", owner_pct="12", effective="2026-01-02")
    assert fees.status_code == 303, fees.text[-600:]
    current = browser_client.get("/api/v1/fee-schedules/current").json()
    assert (current["licensee_pct"], current["owner_pct"]) == ("7.5", "12")  # decimals, never floats
    again = _post(browser_client, "/operator/fees", licensee_pct="8", owner_pct="12", effective="2026-01-02")
    assert again.status_code == 409  # one schedule per day; nothing changed
    assert browser_client.get("/api/v1/fee-schedules/current").json()["licensee_pct"] == "7.5"
    assert _post(browser_client, "/operator/fees", licensee_pct="100", owner_pct="1",
                 effective="2026-01-03").status_code == 422
    rate = _post(browser_client, "/operator/rates", base="usd", quote="CNY", rate="7.0123",
                 effective="2026-01-02", source="test bank")
    assert rate.status_code == 303, rate.text[-600:]
    listed = browser_client.get("/api/v1/exchange-rates", params={"base": "USD", "quote": "CNY"}).json()["items"]
    assert any(r["rate"] == "7.0123" and r["source"] == "test bank" for r in listed)
    assert _post(browser_client, "/operator/rates", base="USD", quote="CNY", rate="seven",
                 effective="2026-01-03").status_code == 422


def test_the_operator_takes_a_template_off_sale_and_a_stale_form_changes_nothing(browser_client):
    _signed_in(browser_client, OPERATOR)
    path, version, name_en, name_zh = TEMPLATE_FORM.search(browser_client.get("/operator/catalogue").text).groups()
    template_id = path.rsplit("/", 1)[1]
    off = _post(browser_client, path, version=version, name_en=name_en, name_zh=name_zh)  # box unticked
    assert off.status_code == 303, off.text[-600:]
    assert browser_client.get(f"/api/v1/templates/{template_id}").json()["active"] is False
    stale = _post(browser_client, path, version=version, name_en="Changed", name_zh=name_zh, active="on")
    assert stale.status_code == 412
    assert browser_client.get(f"/api/v1/templates/{template_id}").json()["active"] is False


def test_only_the_operator_edits_the_catalogue(browser_client):
    _signed_in(browser_client, YITIAO)
    assert browser_client.get("/operator/catalogue").status_code == 403
    assert _post(browser_client, "/operator/fees", licensee_pct="1", owner_pct="1",
                 effective="2026-01-02").status_code == 403
    _signed_in(browser_client, OPERATOR)
    no_token = browser_client.post("/operator/rates", data={"base": "USD", "quote": "EUR", "rate": "1",
                                                            "effective": "2026-01-02"})
    assert no_token.status_code == 403
