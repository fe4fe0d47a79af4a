"""Verifying an uploaded certificate is bounded: a small PDF that expands, or one with very
many objects or pages, is refused quickly with a 413 naming the bound; genuine ones still verify."""

from __future__ import annotations

import json

import pytest

from clearinghouse.licensing.certificates import CertificateFormatError, load_certificate, pdf_reading
from clearinghouse.licensing.certificates.pdf_reading import DocumentTooLarge
from tests.licensing.pdf_bombs import MiB, attachment_bomb, pdf, with_attachment
from tests.licensing.purchase_support import bought_and_paid, make_market

VERIFY = "/api/v1/certificates/verify"


def _verify_pdf(client, data: bytes):  # noqa: ANN001, ANN202
    return client.post(VERIFY, content=data, headers={"Content-Type": "application/pdf"})


def test_a_genuine_certificate_padded_to_60_mb_is_refused_and_the_real_one_verifies(
    client, sessions
) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m)
    genuine = client.get(f"/api/v1/licenses/{lic['id']}/certificate.pdf", headers=m.licensee.headers)
    assert _verify_pdf(client, genuine.content).json()["result"] == "valid"

    # The same signed JSON, embedded followed by 60 MB of spaces (still valid JSON): a 2 KB file.
    # Before the bounds it was inflated in the server and reported "valid".
    doc = client.get(f"/api/v1/licenses/{lic['id']}/certificate", headers=m.licensee.headers).json()
    bomb = attachment_bomb(json.dumps(doc).encode(), b" ", 60 * MiB)
    assert len(bomb) < 10_000
    resp = _verify_pdf(client, bomb)
    assert resp.status_code == 413, resp.text
    error = resp.json()["error"]
    assert error["code"] == "payload_too_large"
    assert error["details"]["limit"] == "stream_bytes"
    assert error["details"]["maximum"] == pdf_reading.MAX_STREAM_BYTES
    assert "expands beyond" in error["message"]
    # As a multipart upload too; and the genuine PDF still verifies after the refusals.
    upload = client.post(VERIFY, files={"file": ("cert.pdf", bomb, "application/pdf")})
    assert upload.status_code == 413
    assert _verify_pdf(client, genuine.content).json()["result"] == "valid"


def test_100_mb_of_zeros_in_a_small_pdf_is_a_413(client) -> None:  # noqa: ANN001
    resp = _verify_pdf(client, attachment_bomb(b"", b"\0", 100 * MiB))
    assert resp.status_code == 413, resp.text
    assert resp.json()["error"]["details"]["limit"] == "stream_bytes"


def test_a_pdf_with_more_objects_than_a_certificate_is_refused() -> None:
    filler = [b"null"] * (pdf_reading.MAX_OBJECTS + 1)
    data = with_attachment(b"{}", filters=0, extra=filler)
    with pytest.raises(DocumentTooLarge) as caught:
        load_certificate(data)
    assert caught.value.limit == "objects"


def test_a_pdf_with_more_pages_than_a_certificate_is_refused() -> None:
    data = with_attachment(b"{}", filters=0, pages=pdf_reading.MAX_PAGES + 1)
    with pytest.raises(DocumentTooLarge) as caught:
        load_certificate(data)
    assert caught.value.limit == "pages"


def test_a_file_larger_than_any_certificate_is_refused_before_parsing() -> None:
    data = b"%PDF-1.7\n" + b"%" * pdf_reading.MAX_FILE_BYTES
    with pytest.raises(DocumentTooLarge) as caught:
        load_certificate(data)
    assert caught.value.limit == "file_bytes"
    with pytest.raises(DocumentTooLarge):
        load_certificate(b"{" + b" " * pdf_reading.MAX_FILE_BYTES + b"}")


def test_a_damaged_pdf_is_still_a_plain_422_not_a_413(client) -> None:  # noqa: ANN001
    broken = pdf([b"<< /Type /Catalog /Pages 9 0 R >>"])
    with pytest.raises(CertificateFormatError) as caught:
        load_certificate(broken)
    assert not isinstance(caught.value, DocumentTooLarge)
    resp = _verify_pdf(client, broken)
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "validation_failed"


def test_the_cli_refuses_a_bomb_like_the_api(cli, sessions, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "bomb.pdf"
    path.write_bytes(attachment_bomb(b"", b" ", 20 * MiB))
    result = cli("license", "verify", str(path))
    assert result.exit_code == 4, result.output  # "not a certificate at all", as documented
    assert "expands beyond" in result.output
