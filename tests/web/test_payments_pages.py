"""Paying by bank transfer on the web pages: the transfer instructions after checkout, the
pro-forma invoice PDF, and the operator's reconciliation from a bank statement; real HTTP through
the app on the demo market, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from clearinghouse.core.money import Money
from tests.web.support import buy, form_token, recording_of, sign_in, sign_up

OPERATOR_KEY = {"Authorization": "Bearer chk_de0000000001_demo-operator"}  # docs/demo.md
OPERATOR = ("operator@demo.clearinghouse.example", "demo-operator-password")
ACCOUNT_NUMBER = "6222 9999 8888 7777"
BANK = "Test Bank Hangzhou"
REFERENCE = re.compile(r'id="transfer-reference"><strong>(CH[A-Z0-9]{10})</strong>')
AMOUNT = re.compile(r'id="transfer-amount">([^<]+)<')
STATEMENT_FIELD = re.compile(r'name="statement" value="([^"]*)"')


@pytest.fixture
def bank_app(demo_db_url: str, tmp_path: Path):  # noqa: ANN201
    """The app as a real deployment runs it: no demo settling, its own clearing account."""
    from clearinghouse.api.app import create_app
    from clearinghouse.core.settings import Settings

    (tmp_path / "data").mkdir()
    return create_app(Settings(data_dir=tmp_path / "data", database_url=demo_db_url,
                               demo_settles_payments=False, bank_account_number=ACCOUNT_NUMBER,
                               bank_name=BANK))


@pytest.fixture
def licensee(bank_app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(bank_app, raise_server_exceptions=False) as client:
        assert sign_up(client, "payer@example.com", kind="brand").status_code == 303
        yield client


@pytest.fixture
def operator(bank_app, licensee) -> TestClient:  # noqa: ANN001
    client = TestClient(bank_app, raise_server_exceptions=False)
    assert sign_in(client, *OPERATOR).status_code == 303
    return client


def _licence_api(client: TestClient, licence_path: str) -> dict:  # type: ignore[type-arg]
    answer = client.get(f"/api/v1/licenses/{licence_path.rsplit('/', 1)[1]}", headers=OPERATOR_KEY)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _ledger_entries(client: TestClient, licence_path: str) -> int:
    answer = client.get("/api/v1/ledger/entries", headers=OPERATOR_KEY,
                        params={"license_id": licence_path.rsplit("/", 1)[1]})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["total"])


def _row(payment: dict, extra_minor: int = 0, remark: str | None = None) -> str:  # type: ignore[type-arg]
    amount = Money(payment["amount"]["currency"], payment["amount"]["minor"] + extra_minor).to_decimal()
    remark = remark or f"licence {payment['reference']}"
    return f"2026-11-02,{amount},{payment['amount']['currency']},{remark},Payer Ltd"


def _check(client: TestClient, statement: str, encoding: str = "utf-8"):  # noqa: ANN202
    token = form_token(client.get("/operator/payments"))
    return client.post("/operator/payments/check", data={"csrf_token": token},
                       files={"statement": ("statement.csv", statement.encode(encoding), "text/csv")})


def _confirm(client: TestClient, checked) -> object:  # noqa: ANN001
    found = STATEMENT_FIELD.search(checked.text)
    assert found, checked.text[-1500:]
    return client.post("/operator/payments/confirm",
                       data={"csrf_token": form_token(checked), "statement": found[1]})


def test_without_demo_settling_the_licence_waits_for_the_transfer_and_says_how_to_pay(licensee):
    licence = buy(licensee, recording_of(licensee, "夏日的风"))
    page = licensee.get(licence)
    assert page.status_code == 200
    assert 'id="demo-note"' not in page.text
    reference = REFERENCE.search(page.text)
    assert reference, page.text[-2000:]
    bought = _licence_api(licensee, licence)
    assert bought["status"] == "pending_payment"
    assert bought["payment"]["reference"] == reference[1]
    shown = AMOUNT.search(page.text)
    assert shown and shown[1] == Money(bought["total"]["currency"], bought["total"]["minor"]).format("zh_CN")
    assert ACCOUNT_NUMBER in page.text and BANK in page.text  # our account, from the settings
    english = licensee.get(licence, headers={"Accept-Language": "en"})
    assert "Waiting for your transfer" in english.text
    assert re.search(r'id="status"[^>]*>Status: waiting for payment<', english.text)  # not the code
    assert Money(bought["total"]["currency"], bought["total"]["minor"]).format("en") in english.text


def test_when_the_demo_settles_the_licence_page_says_so_whenever_it_is_opened(browser_client):
    sign_up(browser_client, "demo-buyer@example.com")
    licence = buy(browser_client, recording_of(browser_client, "夏日的风"))
    page = browser_client.get(licence)  # opened later, without the checkout's ?settled=demo
    assert 'id="demo-note"' in page.text and 'id="transfer"' not in page.text


def test_the_pro_forma_invoice_shows_seller_buyer_lines_totals_and_how_to_pay(licensee, operator):
    licence = buy(licensee, recording_of(licensee, "夏日的风"))
    bought = _licence_api(licensee, licence)
    answer = licensee.get(f"{licence}/invoice.pdf")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
    flat = " ".join(text.split())
    assert "PRO-FORMA INVOICE" in flat and "not a tax invoice" in flat
    assert bought["payment"]["reference"] in flat
    assert ACCOUNT_NUMBER in flat and BANK in flat
    assert f"PF-{bought['id']}" in flat
    total = Money(bought["total"]["currency"], bought["total"]["minor"]).format("zh_CN")
    assert total.replace("\xa0", " ") in flat.replace("\xa0", " ")
    assert sum(line["price"]["minor"] for line in bought["lines"]) + bought["licensee_fee"]["minor"] \
        == bought["total"]["minor"]  # the invoice's lines and fee are the licence's, which add up
    assert operator.get(f"{licence}/invoice.pdf").status_code == 200


def test_the_invoice_is_refused_to_anyone_but_the_licensee_and_the_operator(licensee, bank_app):
    licence = buy(licensee, recording_of(licensee, "夏日的风"))
    with TestClient(bank_app, raise_server_exceptions=False) as stranger:
        signed_out = stranger.get(f"{licence}/invoice.pdf", follow_redirects=False)
        assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/sign-in")
        sign_up(stranger, "stranger@example.com")
        assert stranger.get(f"{licence}/invoice.pdf").status_code == 403
        assert stranger.get("/licences/lic_doesnotexist/invoice.pdf").status_code == 404


def test_a_statement_confirms_the_matching_payment_once_and_lists_the_rest_with_reasons(
        licensee, operator):
    work = recording_of(licensee, "夏日的风")
    first, second = buy(licensee, work), buy(licensee, recording_of(licensee, "夏日的梦"))
    pay_first = _licence_api(licensee, first)["payment"]
    pay_second = _licence_api(licensee, second)["payment"]
    waiting = operator.get("/operator/payments")
    assert waiting.status_code == 200
    assert pay_first["reference"] in waiting.text and pay_second["reference"] in waiting.text
    statement = "\n".join(["date,amount,currency,remark,payer", _row(pay_first),
                           _row(pay_second, extra_minor=1), _row(pay_first, remark="office rent")])

    checked = _check(operator, statement)
    assert checked.status_code == 200, checked.text[-1500:]
    matched = checked.text.split('id="matched"')[1].split("</table>")[0]
    assert pay_first["reference"] in matched and pay_second["reference"] not in matched
    others = checked.text.split('id="not-matched"')[1].split("</table>")[0]
    assert 'data-result="amount_mismatch"' in others and 'data-result="unmatched"' in others
    assert _licence_api(licensee, first)["status"] == "pending_payment"  # checking writes nothing
    assert _ledger_entries(licensee, first) == 0

    confirmed = _confirm(operator, checked)
    assert confirmed.status_code == 200 and 'data-confirmed="yes"' in confirmed.text
    assert _licence_api(licensee, first)["status"] == "active"
    assert _licence_api(licensee, first)["payment"]["status"] == "paid"
    assert _licence_api(licensee, second)["status"] == "pending_payment"
    entries = _ledger_entries(licensee, first)
    assert entries > 0  # the sale is in the ledger

    again = _confirm(operator, checked)  # the same statement sent twice
    assert again.status_code == 200 and 'data-result="already_paid"' in again.text
    assert _ledger_entries(licensee, first) == entries
    rechecked = _check(operator, statement)
    assert 'id="matched"' not in rechecked.text and 'data-result="already_paid"' in rechecked.text
    assert pay_first["reference"] not in rechecked.text.split('id="pending"')[1]


def test_a_chinese_bank_export_is_read(licensee, operator):
    licence = buy(licensee, recording_of(licensee, "夏日的风"))
    payment = _licence_api(licensee, licence)["payment"]
    amount = Money(payment["amount"]["currency"], payment["amount"]["minor"]).to_decimal()
    currency, reference = payment["amount"]["currency"], payment["reference"]
    statement = f"交易日期,金额,币种,摘要,付款人\n2026/11/02,{amount},{currency},许可费{reference},晨光\n"
    confirmed = _confirm(operator, _check(operator, statement, encoding="gb18030"))
    assert confirmed.status_code == 200
    assert _licence_api(licensee, licence)["status"] == "active"


def test_a_wrong_statement_is_refused_whole_and_confirms_nothing(licensee, operator):
    licence = buy(licensee, recording_of(licensee, "夏日的风"))
    payment = _licence_api(licensee, licence)["payment"]
    statement = "\n".join(["date,amount,currency,remark", _row(payment).rsplit(",", 1)[0],
                           "2026-11-02,twelve,CNY,CH2222222222"])
    refused = _check(operator, statement)
    assert refused.status_code == 422 and "line 3" in refused.text
    forged = operator.post("/operator/payments/confirm", data={
        "csrf_token": form_token(operator.get("/operator/payments")),
        "statement": __import__("base64").b64encode(statement.encode()).decode()})
    assert forged.status_code == 422
    assert _licence_api(licensee, licence)["status"] == "pending_payment"
    missing = _check(operator, "date,currency,remark\n2026-11-02,CNY,x\n")
    assert missing.status_code == 422 and "amount" in missing.text


def test_only_the_operator_reconciles_and_every_form_needs_its_token(licensee, operator, bank_app):
    assert licensee.get("/operator/payments").status_code == 403
    token = form_token(licensee.get("/account"))
    assert licensee.post("/operator/payments/confirm", data={"csrf_token": token,
                                                              "statement": ""}).status_code == 403
    assert licensee.post("/operator/payments/check", data={"csrf_token": token},
                         files={"statement": ("s.csv", b"x", "text/csv")}).status_code == 403
    assert operator.post("/operator/payments/confirm", data={"statement": ""}).status_code == 403
    with TestClient(bank_app, raise_server_exceptions=False) as stranger:
        answer = stranger.get("/operator/payments", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/sign-in?next=%2Foperator%2Fpayments"
