"""Sign-in for people and the guards of every page: CSRF, lockout, other parties' objects,
sign-out everywhere, security headers; real HTTP through the app on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.web.support import PASSWORD, buy, form_token, hidden_fields, recording_of, sign_in, sign_up


def test_a_creator_signs_up_and_acts_as_a_licensee_with_a_session_cookie(browser_client):
    signed_up = sign_up(browser_client, "mei@example.com")
    assert signed_up.status_code == 303
    cookie = signed_up.headers["set-cookie"]
    assert "ch_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    account = browser_client.get("/account")
    assert account.status_code == 200 and "mei@example.com" in account.text


def test_a_form_post_without_its_token_is_refused_and_creates_nothing(browser_client):
    browser_client.get("/sign-up")  # has the form cookie, but sends no token
    refused = browser_client.post("/sign-up", data={"kind": "creator", "email": "no@example.com",
                                                     "password": PASSWORD}, follow_redirects=False)
    assert refused.status_code == 403
    forged = browser_client.post("/sign-up", data={"csrf_token": "x" * 43, "kind": "creator",
                                                    "email": "no@example.com", "password": PASSWORD})
    assert forged.status_code == 403
    assert sign_in(browser_client, "no@example.com", PASSWORD).status_code == 401  # never created


def test_signed_in_forms_need_the_sessions_own_token(browser_client):
    sign_up(browser_client, "tok@example.com")
    anonymous_token = browser_client.cookies.get("ch_form")
    refused = browser_client.post("/sign-out", data={"csrf_token": anonymous_token or "none"})
    assert refused.status_code == 403
    assert browser_client.get("/account").status_code == 200  # still signed in


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(browser_client):
    sign_up(browser_client, "lock@example.com")
    browser_client.cookies.clear()
    for _ in range(5):
        wrong = sign_in(browser_client, "lock@example.com", "not the password")
        assert wrong.status_code == 401
    locked = sign_in(browser_client, "lock@example.com", PASSWORD)
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert "ch_session" not in locked.headers.get("set-cookie", "")


def test_an_unknown_email_gets_the_same_answers_as_a_wrong_password(browser_client):
    sign_up(browser_client, "known@example.com")
    browser_client.cookies.clear()
    known = sign_in(browser_client, "known@example.com", "not the password")
    unknown = sign_in(browser_client, "nobody@example.com", "not the password")
    assert known.status_code == unknown.status_code == 401
    for _ in range(4):
        sign_in(browser_client, "nobody@example.com", "not the password")
    assert sign_in(browser_client, "nobody@example.com", "x").status_code == 429  # locks alike


def test_another_partys_licence_is_refused_by_url(browser_client, second_client):
    sign_up(browser_client, "buyer@example.com")
    licence = buy(browser_client, recording_of(browser_client, "夏日的风"))
    assert browser_client.get(licence).status_code == 200
    sign_up(second_client, "other@example.com", kind="brand")
    assert second_client.get(licence).status_code == 403
    assert second_client.get(f"{licence}/certificate.pdf").status_code == 403
    assert second_client.get(f"{licence}/file").status_code == 403


def test_not_signed_in_a_private_page_goes_to_sign_in_and_comes_back(browser_client):
    answer = browser_client.get("/licences", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=%2Flicences"


def test_sign_in_never_redirects_off_the_site(browser_client):
    sign_up(browser_client, "redirect@example.com")
    browser_client.cookies.clear()
    token = form_token(browser_client.get("/sign-in"))
    answer = browser_client.post("/sign-in", data={"csrf_token": token, "email": "redirect@example.com",
                                                   "password": PASSWORD, "next": "//evil.example/x"},
                                 follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/search"


def test_sign_out_everywhere_ends_the_sessions_on_every_device(browser_client, second_client):
    sign_up(browser_client, "phone@example.com")
    assert sign_in(second_client, "phone@example.com", PASSWORD).status_code == 303
    assert second_client.get("/account").status_code == 200
    token = form_token(browser_client.get("/account"))
    assert browser_client.post("/sign-out-everywhere", data={"csrf_token": token},
                               follow_redirects=False).status_code == 303
    assert second_client.get("/account", follow_redirects=False).status_code == 303  # to sign-in


def test_every_page_carries_the_security_headers_and_none_is_in_the_api_document(browser_client):
    for path in ("/", "/search?q=夏日", "/sign-in", "/sign-up", "/works/wrk_nope"):
        answer = browser_client.get(path)
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
    assert browser_client.get("/works/wrk_nope").status_code == 404
    paths = browser_client.get("/openapi.json").json()["paths"]
    pages = {"/", "/search", "/sign-in", "/sign-up", "/account", "/checkout", "/quote-preview",
             "/works/{work_id}", "/licences", "/licences/{license_id}", "/language/{code}"}
    assert not pages & set(paths)


def test_the_language_follows_the_browser_then_the_choice(browser_client):
    assert 'lang="zh-CN"' in browser_client.get("/").text  # nothing stated: Chinese
    english = browser_client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in english.text and "Search" in english.text
    assert 'lang="zh-CN"' in browser_client.get("/", headers={"Accept-Language": "zh-TW"}).text
    browser_client.get("/language/en?next=/search")
    chosen = browser_client.get("/", headers={"Accept-Language": "zh-CN"})
    assert 'lang="en"' in chosen.text  # the remembered choice wins


def test_the_demo_sign_ins_act_in_their_partys_roles(browser_client):
    from clearinghouse.demo.loader import DEMO_SIGN_INS

    brand = next(s for s in DEMO_SIGN_INS if s.party == "brand")
    assert sign_in(browser_client, brand.email, brand.password).status_code == 303
    assert "晨光饮品" in browser_client.get("/account").text
    licence = buy(browser_client, recording_of(browser_client, "夏日的风"))  # as the brand
    assert browser_client.get(licence).status_code == 200
    platform = next(s for s in DEMO_SIGN_INS if s.party == "douyin")
    browser_client.cookies.clear()
    sign_in(browser_client, platform.email, platform.password)
    assert browser_client.get(licence).status_code == 403  # a platform buys nothing of the brand's


def test_a_newcomers_mistake_at_checkout_is_shown_on_the_form_and_buys_nothing(browser_client):
    work = recording_of(browser_client, "夏日的风")
    checkout = browser_client.get("/checkout", params={"work_id": work, "channel": "douyin"})
    fields = hidden_fields(checkout) | {"email": "short@example.com", "password": "short"}
    answer = browser_client.post("/checkout", data=fields, follow_redirects=False)
    assert answer.status_code == 303 and "problem=password" in answer.headers["location"]
    again = browser_client.get(answer.headers["location"])
    assert 'id="form-error"' in again.text and 'name="email"' in again.text
    assert sign_in(browser_client, "short@example.com", "short").status_code == 401  # no account
    assert sign_up(browser_client, "taken@example.com").status_code == 303
    browser_client.cookies.clear()
    fields = hidden_fields(browser_client.get("/checkout", params={"work_id": work})) | {
        "email": "taken@example.com", "password": PASSWORD}
    answer = browser_client.post("/checkout", data=fields, follow_redirects=False)
    assert "problem=taken" in answer.headers["location"]


def test_buy_sent_twice_from_one_checkout_page_buys_once_and_shows_the_same_licence(browser_client):
    sign_up(browser_client, "twice@example.com")
    work = recording_of(browser_client, "夏日的风")
    checkout = browser_client.get("/checkout", params={"work_id": work, "channel": "douyin",
                                                      "seconds": "15"})
    fields = hidden_fields(checkout)
    first = browser_client.post("/checkout", data=fields, follow_redirects=False)
    second = browser_client.post("/checkout", data=fields, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    licence = first.headers["location"].split("?")[0]
    assert second.headers["location"].split("?")[0] == licence
    listed = browser_client.get("/licences")
    assert listed.text.count(licence) == 1
