"""The certificates package: Ed25519 keyring, signed JSON document, bilingual PDF with the JSON."""

from __future__ import annotations

import base64
import copy
import io
import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas

from clearinghouse.licensing.certificates import (
    ATTACHMENT_NAME,
    CertificateFormatError,
    Keyring,
    KeyringError,
    canonical_json,
    extract_certificate_from_pdf,
    format_money,
    load_certificate,
    render_certificate_pdf,
    sign_certificate,
    verify_signature,
)

LICENSE_ID = "lic_01JDQ8ZK4N7R2V5XW3Y6T9PB1C"
VERIFY_URL = f"http://127.0.0.1:8000/verify/{LICENSE_ID}"


def sample_payload() -> dict[str, Any]:
    holder_a = {"id": "pty_01JDQ7HA", "name": "星河音乐出版 Galaxy Music Publishing"}
    holder_b = {"id": "pty_01JDQ7HB", "name": "李明 Li Ming"}
    return {
        "type": "clearinghouse.license-certificate",
        "version": 1,
        "license_id": LICENSE_ID,
        "issued_at": "2026-11-23T10:00:00Z",
        "issuer": {"id": "pty_operator", "name": "Rights Clearinghouse", "url": "http://127.0.0.1:8000"},
        "valid_from": "2026-12-01",
        "valid_until": "2027-11-30",
        "licensee": {"id": "pty_01JDQ7AA", "name": "品牌甲 Brand A"},
        "works": [{"id": "wrk_01JDQ6W1", "title": "夏日 Summer Day", "type": "musical_composition",
                   "identifiers": {"iswc": "T0345246801"}}],
        "terms": {"purpose": "advertising", "channels": ["douyin"], "uses": 1,
                  "portion": {"unit": "seconds", "value": 15}, "modification": "original_only",
                  "territories": ["CN"], "exclusive": False, "term_days": 365},
        "rights": [
            {"work_id": "wrk_01JDQ6W1", "right": "synchronisation", "holder": h, "share": "50"}
            for h in (holder_a, holder_b)
        ],
        "price": {"currency": "CNY", "subtotal_minor": 1200000, "licensee_fee_minor": 34500,
                  "total_minor": 1234500, "lines": [
                      {"work_id": "wrk_01JDQ6W1", "work_title": "夏日 Summer Day",
                       "right": "synchronisation", "holder": holder_a, "amount_minor": 600000},
                      {"work_id": "wrk_01JDQ6W1", "work_title": "夏日 Summer Day",
                       "right": "synchronisation", "holder": holder_b, "amount_minor": 600000},
                  ]},
        "verify_url": VERIFY_URL,
    }


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.open(tmp_path / "keys")


@pytest.fixture
def document(keyring: Keyring) -> dict[str, Any]:
    return sign_certificate(sample_payload(), keyring)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Keyring, dict[str, Any], bytes]:
    """One PDF for the read-only PDF checks: rendering is the slow part."""
    ring = Keyring.open(tmp_path_factory.mktemp("pdf") / "keys")
    doc = sign_certificate(sample_payload(), ring)
    return ring, doc, render_certificate_pdf(doc)


# -- the keyring --------------------------------------------------------------------------------


def test_a_new_keyring_has_one_private_active_key(tmp_path: Path) -> None:
    ring = Keyring.open(tmp_path / "keys")
    assert re.fullmatch(r"ch-\d{4}-\d{2}-[0-9a-f]{8}", ring.active_kid)
    assert (tmp_path / "keys" / "active").read_text().strip() == ring.active_kid
    pems = list((tmp_path / "keys").glob("*.pem"))
    assert [p.stem for p in pems] == [ring.active_kid]
    assert stat.S_IMODE(pems[0].stat().st_mode) == 0o600
    assert pems[0].read_text().startswith("-----BEGIN PRIVATE KEY-----")  # PKCS8
    again = Keyring.open(tmp_path / "keys")
    assert again.active_kid == ring.active_kid and again.public_keys() == ring.public_keys()


def test_public_keys_are_raw_ed25519_in_base64url(keyring: Keyring) -> None:
    keys = keyring.public_keys()
    (x,) = keys.values()
    assert "=" not in x and len(base64.urlsafe_b64decode(x + "=")) == 32
    (jwk,) = keyring.jwks()["keys"]
    assert jwk == {"kty": "OKP", "crv": "Ed25519", "kid": keyring.active_kid, "x": x,
                   "use": "sig", "alg": "EdDSA"}


def test_without_create_an_empty_or_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KeyringError):
        Keyring.open(tmp_path / "missing", create=False)
    (tmp_path / "empty").mkdir()
    with pytest.raises(KeyringError):
        Keyring.open(tmp_path / "empty", create=False)


def test_rotation_keeps_old_certificates_verifiable(tmp_path: Path) -> None:
    ring = Keyring.open(tmp_path / "keys")
    old_kid = ring.active_kid
    old = sign_certificate(sample_payload(), ring)
    new_kid = ring.rotate()
    assert new_kid != old_kid and ring.active_kid == new_kid
    new = sign_certificate(sample_payload(), ring)
    assert old["signature"]["kid"] == old_kid and new["signature"]["kid"] == new_kid
    assert set(ring.public_keys()) == {old_kid, new_kid}
    for path in (tmp_path / "keys").glob("*.pem"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    reopened = Keyring.open(tmp_path / "keys", create=False)
    assert reopened.active_kid == new_kid
    for doc in (old, new):
        assert verify_signature(doc, ring).valid and verify_signature(doc, reopened).valid


def test_a_key_rotated_by_another_process_is_picked_up(tmp_path: Path) -> None:
    web = Keyring.open(tmp_path / "keys")
    cli = Keyring.open(tmp_path / "keys")
    cli.rotate()
    assert verify_signature(sign_certificate(sample_payload(), cli), web).valid


@pytest.mark.parametrize(
    ("kid", "data", "signature"),
    [(None, b"x", "AA"), ("../../etc/passwd", b"x", "AA"), ("", b"", ""), ("k", "text", "AA"),
     ("k", b"x", None), ("k", b"x", 12), ("k", b"x", "***"), ("k", b"x", "Zm9v"),
     ("k", b"x", "é" * 86), ("k", None, "AA")],
)
def test_keyring_verify_says_false_to_garbage(keyring: Keyring, kid: Any, data: Any,
                                              signature: Any) -> None:
    assert keyring.verify(kid, data, signature) is False
    _, good = keyring.sign(b"x")
    assert keyring.verify(kid if kid else "nope", b"x", good) is False


def test_keyring_sign_and_verify(keyring: Keyring) -> None:
    kid, sig = keyring.sign(b"payload")
    assert kid == keyring.active_kid and keyring.verify(kid, b"payload", sig)
    assert not keyring.verify(kid, b"payload!", sig)


# -- canonical JSON and the signed document -----------------------------------------------------


def test_canonical_json_is_sorted_compact_utf8() -> None:
    expected = '{"a":["夏",true,null],"b":1}'.encode()
    assert canonical_json({"b": 1, "a": ["夏", True, None]}) == expected


@pytest.mark.parametrize(
    "value",
    [1.5, {"price": {"total": 12.0}}, [1, [2.0]], {1: "x"}, {"d": b"x"}, {"n": float("nan")}],
)
def test_canonical_json_rejects_floats_and_non_json(value: Any) -> None:
    with pytest.raises(TypeError):
        canonical_json(value)


def test_signing_a_float_is_refused(keyring: Keyring) -> None:
    payload = sample_payload()
    payload["price"]["total_minor"] = 12345.0
    with pytest.raises(TypeError):
        sign_certificate(payload, keyring)


def test_sign_then_verify(document: dict[str, Any], keyring: Keyring) -> None:
    assert set(document) == {"certificate", "signature"}
    assert document["certificate"] == sample_payload()
    assert document["signature"]["alg"] == "Ed25519"
    assert document["signature"]["kid"] == keyring.active_kid
    check = verify_signature(document, keyring)
    assert (check.valid, check.reason, check.kid) == (True, "ok", keyring.active_kid)
    # A JSON round trip (what a licensee downloads and uploads again) still verifies.
    assert verify_signature(json.loads(json.dumps(document)), keyring).valid


def _flip(text: str) -> str:
    return ("B" if text[0] == "A" else "A") + text[1:]


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _respell(value: str) -> str:
    """The same bytes under a lenient decoder: the last character's spare low bits changed."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    respelled = value[:-1] + alphabet[alphabet.index(value[-1]) ^ 1]
    assert _b64(respelled) == _b64(value)
    return respelled


TAMPERING = {
    "price": lambda d: d["certificate"]["price"].__setitem__("total_minor", 1234501),
    "price line": lambda d: d["certificate"]["price"]["lines"][0].__setitem__("amount_minor", 1),
    "share": lambda d: d["certificate"]["rights"][0].__setitem__("share", "60"),
    "licensee name": lambda d: d["certificate"]["licensee"].__setitem__("name", "品牌乙 Brand B"),
    "end date": lambda d: d["certificate"].__setitem__("valid_until", "2099-11-30"),
    "removed field": lambda d: d["certificate"].pop("verify_url"),
    "added field": lambda d: d["certificate"].__setitem__("note", "also for TV"),
    "added territory": lambda d: d["certificate"]["terms"]["territories"].append("HK"),
    "signature": lambda d: d["signature"].__setitem__("value", _flip(d["signature"]["value"])),
    "signature spelling": lambda d: d["signature"].__setitem__(
        "value", _respell(d["signature"]["value"])),
}


@pytest.mark.parametrize("change", TAMPERING.values(), ids=TAMPERING.keys())
def test_any_tampering_is_a_bad_signature(document: dict[str, Any], keyring: Keyring,
                                          change: Any) -> None:
    forged = copy.deepcopy(document)
    change(forged)
    assert forged != document
    assert verify_signature(forged, keyring).reason == "bad_signature"
    assert not verify_signature(forged, keyring).valid


def test_another_kid_of_ours_is_a_bad_signature(document: dict[str, Any], keyring: Keyring) -> None:
    other = keyring.rotate()
    forged = copy.deepcopy(document)
    forged["signature"]["kid"] = other
    check = verify_signature(forged, keyring)
    assert (check.valid, check.reason, check.kid) == (False, "bad_signature", other)


def test_an_unknown_kid(document: dict[str, Any], keyring: Keyring, tmp_path: Path) -> None:
    renamed = copy.deepcopy(document)
    renamed["signature"]["kid"] = "ch-2020-01-deadbeef"
    assert verify_signature(renamed, keyring).reason == "unknown_key"
    foreign = sign_certificate(sample_payload(), Keyring.open(tmp_path / "someone-else"))
    assert verify_signature(foreign, keyring).reason == "unknown_key"


GARBAGE = [
    None, 0, 1.5, "text", [], [1, 2], {}, {"certificate": {}}, {"signature": {}},
    {"certificate": [], "signature": {}},
    {"certificate": {}, "signature": "sig"},
    {"certificate": {}, "signature": {"alg": "Ed25519", "kid": "k"}},
    {"certificate": {}, "signature": {"alg": "none", "kid": "k", "value": "AA"}},
    {"certificate": {}, "signature": {"alg": "Ed25519", "kid": 7, "value": "AA"}},
    {"certificate": {}, "signature": {"alg": "Ed25519", "kid": "k", "value": None}},
    {"certificate": {}, "signature": {"alg": ["Ed25519"], "kid": {}, "value": []}},
    {"certificate": {"x": 1.0}, "signature": {"alg": "Ed25519", "kid": "k", "value": "AA"}},
    {"certificate": {"x": "\ud800"}, "signature": {"alg": "Ed25519", "kid": "k", "value": "AA"}},
    {"certificate": {}, "signature": {"alg": "Ed25519", "kid": "k", "value": "AA", "x": 1}},
]


@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_is_malformed_and_never_raises(garbage: Any, keyring: Keyring) -> None:
    check = verify_signature(garbage, keyring)
    assert check.valid is False and check.reason == "malformed"


def test_deep_nesting_and_garbage_keys_never_raise(keyring: Keyring) -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = {"a": deep}
    doc = {"certificate": deep, "signature": {"alg": "Ed25519", "kid": "../x", "value": "=="}}
    assert verify_signature(doc, keyring).reason == "malformed"
    odd = {"certificate": {}, "signature": {"alg": "Ed25519", "kid": "../../x", "value": "AA"}}
    assert verify_signature(odd, keyring).reason == "unknown_key"


def test_a_missing_or_extra_top_level_part_is_malformed(document: dict[str, Any],
                                                        keyring: Keyring) -> None:
    assert verify_signature({"certificate": document["certificate"]}, keyring).reason == "malformed"
    extra = document | {"note": "genuine, trust me"}
    assert verify_signature(extra, keyring).reason == "malformed"


# -- the PDF ------------------------------------------------------------------------------------


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_is_a_one_page_bilingual_a4_certificate(rendered: tuple) -> None:
    _, doc, pdf = rendered
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = _text(pdf)
    # CID font text extracts through its Unicode CMap; these are the stable parts.
    for expected in ("许可证书", "LICENSE CERTIFICATE", "Licensee", "被许可人", "品牌甲 Brand A",
                     "夏日 Summer Day", "ISWC T0345246801", LICENSE_ID, "¥12,345.00", "¥6,000.00",
                     "50%", doc["signature"]["kid"], "365", "2026-12-01", "2027-11-30"):
        assert expected in text, expected
    flat = re.sub(r"\s+", "", text)
    assert VERIFY_URL in flat  # printed under the QR code (wrapped across lines)
    assert doc["signature"]["value"] in flat  # the signature, wrapped


def test_the_pdf_draws_a_qr_code(rendered: tuple) -> None:
    _, _, pdf = rendered
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    # reportlab draws QR modules as filled rectangles; a QR of this URL has hundreds of them.
    assert content.count(" re") > 200


def test_the_embedded_json_is_the_signed_document(rendered: tuple) -> None:
    ring, doc, pdf = rendered
    assert list(PdfReader(io.BytesIO(pdf)).attachments) == [ATTACHMENT_NAME]
    extracted = extract_certificate_from_pdf(pdf)
    assert extracted == doc
    assert load_certificate(pdf) == doc
    assert verify_signature(extracted, ring).valid


def test_a_forged_pdf_fails_verification(document: dict[str, Any], keyring: Keyring) -> None:
    forged = copy.deepcopy(document)
    forged["certificate"]["price"]["total_minor"] = 100
    pdf = render_certificate_pdf(forged)
    assert "¥1.00" in _text(pdf)
    assert verify_signature(load_certificate(pdf), keyring).reason == "bad_signature"


def test_the_pdf_renders_with_optional_fields_missing(keyring: Keyring) -> None:
    for payload in ({}, {"license_id": "lic_x", "valid_until": None, "price": {"currency": "JPY"}},
                    {"works": "nonsense", "terms": [], "rights": [None, 3], "licensee": "x"},
                    {"works": [{"id": [1]}], "rights": [{"work_id": {"a": 1}, "share": 7}],
                     "price": {"lines": [{"work_id": [2], "amount_minor": "5"}]}}):
        doc = sign_certificate(payload, keyring)
        pdf = render_certificate_pdf(doc)
        assert pdf.startswith(b"%PDF-") and load_certificate(pdf) == doc


def test_rendering_refuses_what_is_not_a_document() -> None:
    with pytest.raises(CertificateFormatError):
        render_certificate_pdf({"payload": {}})


def test_money_is_shown_from_integer_minor_units() -> None:
    assert format_money(1234500, "CNY") == "¥12,345.00"
    assert format_money(1999, "USD") == "US$19.99"
    assert format_money(500, "JPY") == "JP¥500"
    assert format_money(100000, "KRW") == "KRW\xa0100,000"  # ₩ is in neither PDF font
    assert format_money(12.5, "CNY") == "—"


# -- loading a certificate file -----------------------------------------------------------------


def test_load_accepts_the_json_file(document: dict[str, Any]) -> None:
    raw = json.dumps(document, ensure_ascii=False, indent=2).encode()
    assert load_certificate(raw) == document
    assert load_certificate(b"\xef\xbb\xbf\n  " + raw) == document  # BOM and whitespace


def _pdf_with_attachment(data: bytes | None) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 700, "not a certificate")
    canvas.save()
    if data is None:
        return buffer.getvalue()
    writer = PdfWriter(clone_from=io.BytesIO(buffer.getvalue()))
    writer.add_attachment(ATTACHMENT_NAME, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BAD_FILES = {
    "empty": b"",
    "text": b"hello",
    "binary": bytes(range(256)),
    "broken pdf": b"%PDF-1.7\n garbage garbage",
    "pdf without attachment": _pdf_with_attachment(None),
    "pdf with invalid json": _pdf_with_attachment(b"{not json"),
    "pdf with a json array": _pdf_with_attachment(b"[1, 2]"),
    "bad json": b'{"certificate": ',
    "json without signature": b'{"certificate": {}}',
    "duplicate keys": b'{"certificate": {}, "signature": {}, "certificate": {"a": 1}}',
    "nan": b'{"certificate": {"x": NaN}, "signature": {}}',
    "not utf-8": b'{"certificate": "\xff", "signature": {}}',
    "deep json": b'{"certificate":' + b"[" * 100_000 + b"]" * 100_000 + b', "signature": {}}',
}


@pytest.mark.parametrize("data", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_load_refuses_what_is_not_a_certificate(data: bytes) -> None:
    with pytest.raises(CertificateFormatError) as info:
        load_certificate(data)
    assert str(info.value)


def test_load_refuses_what_is_not_bytes() -> None:
    with pytest.raises(CertificateFormatError):
        load_certificate("{}")  # type: ignore[arg-type]
    with pytest.raises(CertificateFormatError, match="not a PDF"):
        extract_certificate_from_pdf(b'{"certificate": {}}')


def test_error_messages_say_what_is_wrong() -> None:
    with pytest.raises(CertificateFormatError, match="no embedded certificate.json"):
        load_certificate(BAD_FILES["pdf without attachment"])
    with pytest.raises(CertificateFormatError, match="not valid JSON"):
        load_certificate(BAD_FILES["pdf with invalid json"])
    with pytest.raises(CertificateFormatError, match="expected the certificate JSON or"):
        load_certificate(b"hello")
