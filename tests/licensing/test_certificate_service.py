"""Certificates: issued at purchase, signed, checked by anyone, and telling the license's state."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearinghouse.licensing import certificates
from tests.licensing.purchase_support import (
    bought_and_paid,
    buy,
    make_market,
    make_quote,
    use_of,
)


def _verify_json(client, doc) -> dict:  # noqa: ANN001
    r = client.post(
        "/api/v1/certificates/verify",
        content=json.dumps(doc, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 200, r.text
    return r.json()


def _certificate(client, m, lic) -> dict:  # noqa: ANN001
    r = client.get(f"/api/v1/licenses/{lic['id']}/certificate", headers=m.licensee.headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_certificate_says_what_was_bought_and_verifies(settings, client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m)
    doc = _certificate(client, m, lic)
    cert = doc["certificate"]
    assert doc["signature"]["alg"] == "Ed25519"
    assert cert["license_id"] == lic["id"] and cert["licensee"]["id"] == m.licensee.party_id
    assert cert["verify_url"] == f"http://127.0.0.1:8000/verify/{lic['id']}"
    assert cert["valid_from"] == lic["valid_from"]
    # The certificate names the last valid day; the API's valid_to is the first day after.
    last_day = date.fromisoformat(lic["valid_to"]) - timedelta(days=1)
    assert cert["valid_until"] == last_day.isoformat()
    assert cert["works"][0]["id"] == m.work_id
    assert [(r["holder"]["id"], r["share"]) for r in cert["rights"]] == [
        (m.publisher.party_id, "60"),
        (m.writer.party_id, "40"),
    ]
    assert cert["price"]["total_minor"] == 105_000 and cert["price"]["currency"] == "CNY"
    assert cert["terms"]["modification"] == "original_only"
    # The same document every time (stored at issue), and the key is in the data directory.
    assert _certificate(client, m, lic) == doc
    assert (settings.keys_dir / "active").is_file()

    result = _verify_json(client, doc)
    assert result["result"] == "valid" and result["valid"] is True and result["status"] == "active"
    assert result["key_id"] == doc["signature"]["kid"]

    # The PDF: bilingual, with the signed JSON embedded; uploading it verifies the same way.
    pdf = client.get(f"/api/v1/licenses/{lic['id']}/certificate.pdf", headers=m.licensee.headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert certificates.load_certificate(pdf.content) == doc
    raw = client.post(
        "/api/v1/certificates/verify",
        content=pdf.content,
        headers={"Content-Type": "application/pdf"},
    )
    assert raw.status_code == 200 and raw.json()["result"] == "valid"
    upload = client.post(
        "/api/v1/certificates/verify", files={"file": ("cert.pdf", pdf.content, "application/pdf")}
    )
    assert upload.status_code == 200 and upload.json()["result"] == "valid"
    # Only the license's parties fetch the certificate; checking it is public.
    from clearinghouse.access.domain import Role
    from tests.support.factories import make_actor

    stranger = make_actor(sessions, "Stranger", Role.LICENSEE)
    assert (
        client.get(
            f"/api/v1/licenses/{lic['id']}/certificate", headers=stranger.headers
        ).status_code
        == 403
    )


def test_changing_one_byte_of_the_price_is_detected(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m)
    text = json.dumps(_certificate(client, m, lic), ensure_ascii=False)
    assert text.count('"total_minor": 105000') == 1
    forged = text.replace('"total_minor": 105000', '"total_minor": 105001')
    r = client.post(
        "/api/v1/certificates/verify",
        content=forged.encode(),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 200
    assert r.json()["result"] == "tampered" and r.json()["valid"] is False
    assert "altered" in r.json()["message"] and r.json()["message_zh"]


def test_a_foreign_key_and_a_damaged_signature(client, sessions, tmp_path: Path) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m)
    doc = _certificate(client, m, lic)
    stranger_keys = certificates.Keyring.open(tmp_path / "someone-else")
    foreign = certificates.sign_certificate(doc["certificate"], stranger_keys)
    assert _verify_json(client, foreign)["result"] == "unknown_key"
    damaged = doc | {"signature": doc["signature"] | {"alg": "none"}}
    assert _verify_json(client, damaged)["result"] == "malformed"


def test_revoked_suspended_pending_and_expired_licenses(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    pending = buy(
        client,
        m.licensee,
        make_quote(sessions, m.licensee, use=use_of(m.work_id)),
    ).json()
    assert _verify_json(client, _certificate(client, m, pending))["result"] == "pending_payment"

    lic = bought_and_paid(client, sessions, m, territories=["HK"])
    doc = _certificate(client, m, lic)
    s = client.post(
        f"/api/v1/licenses/{lic['id']}/suspend",
        json={"reason_code": "rights_dispute", "version": lic["version"]},
        headers=m.operator.headers,
    ).json()
    assert _verify_json(client, doc)["result"] == "suspended"
    client.post(
        f"/api/v1/licenses/{lic['id']}/revoke",
        json={"reason_code": "fraud", "note": "counterfeit", "version": s["version"]},
        headers=m.operator.headers,
    )
    revoked = _verify_json(client, doc)  # the genuine certificate of a revoked license
    assert revoked["result"] == "revoked" and revoked["valid"] is False
    assert revoked["reason_code"] == "fraud" and "reason: fraud" in revoked["message"]
    assert "counterfeit" not in str(revoked)  # the note is private

    old = bought_and_paid(
        client,
        sessions,
        m,
        territories=["MO"],
        days_ago=400,
        term_days=365,
    )
    expired = _verify_json(client, _certificate(client, m, old))
    assert expired["result"] == "expired" and expired["valid_to"] == old["valid_to"]

    page = client.get(f"/verify/{lic['id']}")  # the public page the QR code opens
    assert page.status_code == 200 and page.json()["status"] == "revoked"
    assert "price" not in page.text and "CNY" not in page.text
    assert client.get(f"/verify/{old['id']}").json()["result"] == "expired"
    assert client.get("/verify/lic_nothing").status_code == 404


def test_the_public_sees_the_reason_code_and_only_the_parties_see_the_note(client, sessions) -> None:  # noqa: ANN001
    """Regression: /verify/{id} published the operator's free-text revocation reason."""
    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m)
    doc = _certificate(client, m, lic)
    url = f"/api/v1/licenses/{lic['id']}"
    unknown = client.post(
        f"{url}/suspend",
        json={"reason_code": "licensee is a crook", "version": lic["version"]},
        headers=m.operator.headers,
    )
    assert unknown.status_code == 422 and "reason_code" in unknown.text
    assert "rights_dispute" in unknown.text  # the error lists the codes
    suspend_note = "张三 says the publisher's claim is forged; police case 2026-118"
    s = client.post(
        f"{url}/suspend",
        json={"reason_code": "rights_dispute", "note": suspend_note, "version": lic["version"]},
        headers=m.operator.headers,
    ).json()
    suspended = client.get(f"/verify/{lic['id']}")
    assert suspended.json()["reason_code"] == "rights_dispute"
    assert "rights dispute" in suspended.json()["message"] and "张三" not in suspended.text
    revoke_note = "licensee 李四 paid with a stolen card (bank ref 998877)"
    client.post(
        f"{url}/revoke",
        json={"reason_code": "fraud", "note": revoke_note, "version": s["version"]},
        headers=m.operator.headers,
    )
    for public in (
        client.get(f"/verify/{lic['id']}"),
        client.post("/api/v1/certificates/verify", json=doc),
    ):
        assert public.status_code == 200, public.text
        body = public.json()
        assert (body["result"], body["reason_code"], body["reason_label"]) == (
            "revoked",
            "fraud",
            "fraud",
        )
        assert body["reason_label_zh"] == "欺诈" and "欺诈" in body["message_zh"]
        for private in ("李四", "stolen", "998877", "张三", "police"):
            assert private not in public.text
    for party in (m.licensee, m.operator, m.publisher):  # the license's parties see the note
        seen = client.get(url, headers=party.headers).json()
        assert (seen["status_reason_code"], seen["status_reason"]) == ("fraud", revoke_note)
    events = client.get(f"{url}/events", headers=m.operator.headers).json()
    assert [(e["action"], e["reason_code"], e["reason"]) for e in events[-2:]] == [
        ("suspend", "rights_dispute", suspend_note),
        ("revoke", "fraud", revoke_note),
    ]


@pytest.mark.parametrize(
    "garbage", [b"", b"hello", b"%PDF-1.4 broken", b'{"certificate": 1', b"[1, 2]", b'{"a": 1}']
)
def test_garbage_is_refused_with_a_reason(client, garbage: bytes) -> None:  # noqa: ANN001
    r = client.post(
        "/api/v1/certificates/verify", content=garbage, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422
    assert r.json()["error"]["message"]


def test_cli_verify_exit_codes(settings, client, sessions, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from clearinghouse.cli.main import app
    from clearinghouse.core.settings import get_settings

    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m)
    monkeypatch.setenv("CLEARINGHOUSE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CLEARINGHOUSE_DATABASE_URL", settings.resolved_database_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        pdf_path = tmp_path / "cert.pdf"
        r = runner.invoke(app, ["license", "certificate", lic["id"], "--pdf", str(pdf_path)])
        assert r.exit_code == 0, r.output
        good = runner.invoke(app, ["license", "verify", str(pdf_path)])
        assert good.exit_code == 0 and "valid" in good.output
        json_path = tmp_path / "cert.json"
        json_path.write_text(runner.invoke(app, ["license", "certificate", lic["id"]]).stdout)
        assert runner.invoke(app, ["license", "verify", str(json_path)]).exit_code == 0
        json_path.write_text(
            json_path.read_text().replace('"total_minor": 105000', '"total_minor": 5000')
        )
        bad = runner.invoke(app, ["license", "verify", str(json_path)])
        assert bad.exit_code == 1 and "tampered" in bad.output
        junk = tmp_path / "junk.txt"
        junk.write_text("not a certificate")
        refused = runner.invoke(app, ["license", "verify", str(junk)])
        assert refused.exit_code != 0 and "not a certificate" in refused.output
        revoked = runner.invoke(
            app, ["license", "revoke", lic["id"], "--reason", "fraud", "--note", "card stolen"]
        )
        assert revoked.exit_code == 0, revoked.output
        after = runner.invoke(app, ["license", "verify", str(pdf_path), "--json"])
        assert after.exit_code == 1 and json.loads(after.stdout)["result"] == "revoked"
        assert json.loads(after.stdout)["reason_code"] == "fraud" and "stolen" not in after.stdout
    finally:
        get_settings.cache_clear()
