"""The certificate PDF is signed itself (PAdES): a standard validator accepts the genuine file, any
PDF reader would flag a changed one, and our verification refuses a doctored PDF even though the
JSON embedded in it is still genuine (issue 11, defect 5)."""

from __future__ import annotations

import io
import stat
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStamp, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter

from clearinghouse.licensing.certificates import load_certificate, render_certificate_pdf
from clearinghouse.licensing.certificates import x509 as signing
from clearinghouse.licensing.certificates.keys import Keyring
from tests.licensing.purchase_support import bought_and_paid, make_market

VERIFY = "/api/v1/certificates/verify"


def _certificate_pdf(client, sessions):  # noqa: ANN001, ANN202
    m = make_market(sessions)
    lic = bought_and_paid(client, sessions, m)
    resp = client.get(f"/api/v1/licenses/{lic['id']}/certificate.pdf", headers=m.licensee.headers)
    assert resp.status_code == 200
    return lic, resp.content


def _verify(client, data: bytes) -> dict:  # noqa: ANN001
    resp = client.post(VERIFY, content=data, headers={"Content-Type": "application/pdf"})
    assert resp.status_code == 200, resp.text
    return resp.json()


def _pyhanko_status(data: bytes, root_pem: bytes):  # noqa: ANN202
    """pyHanko's own validator, trusting only the operator's root: what a PDF reader decides."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    _, _, der = pem.unarmor(root_pem)
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)],
                                allow_fetching=False)
    [signature] = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    return validate_pdf_signature(signature, context)


def _root_pem(client) -> bytes:  # noqa: ANN001
    return (client.app.state.settings.keys_dir / signing.ROOT_CERT).read_bytes()


def test_the_downloaded_pdf_validates_with_pyhanko_against_the_operator_root(client, sessions):  # noqa: ANN001
    lic, data = _certificate_pdf(client, sessions)
    status = _pyhanko_status(data, _root_pem(client))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.docmdp_ok
    assert "document signing" in status.signing_cert.subject.human_friendly
    answer = _verify(client, data)
    assert answer["result"] == "valid" and answer["license_id"] == lic["id"]
    assert answer["file_signature"]["kind"] == "pdf"
    assert answer["file_signature"]["intact"] and answer["file_signature"]["trusted"]


def test_new_terms_stamped_on_the_page_are_refused_naming_what_still_verified(client, sessions):  # noqa: ANN001
    lic, data = _certificate_pdf(client, sessions)
    # Stamp new terms on the visible page, as an incremental update: the embedded JSON is intact.
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    TextStamp(writer, TextStampStyle(stamp_text="Territories: WORLDWIDE")).apply(0, 60, 400)
    doctored = io.BytesIO()
    writer.write(doctored)
    doctored_bytes = doctored.getvalue()
    assert load_certificate(doctored_bytes) == load_certificate(data)  # JSON untouched

    status = _pyhanko_status(doctored_bytes, _root_pem(client))
    assert status.coverage != SignatureCoverageLevel.ENTIRE_FILE and not status.bottom_line

    answer = _verify(client, doctored_bytes)
    assert answer["result"] == "tampered" and answer["valid"] is False
    assert "modified after it was signed" in answer["message"]
    # It still says what did verify: the certificate inside, and which licence that is.
    assert f"genuine (license {lic['id']}" in answer["message"]
    assert answer["license_id"] == lic["id"]
    assert answer["file_signature"]["modified_after_signing"] is True
    assert answer["file_signature"]["intact"] is True  # the signed revision itself is untouched


def test_a_pdf_rewritten_with_the_json_intact_is_refused(client, sessions):  # noqa: ANN001
    _, data = _certificate_pdf(client, sessions)
    rewritten = io.BytesIO()
    PdfWriter(clone_from=PdfReader(io.BytesIO(data))).write(rewritten)
    assert load_certificate(rewritten.getvalue()) == load_certificate(data)
    answer = _verify(client, rewritten.getvalue())
    assert answer["result"] == "tampered" and not answer["valid"]
    assert not answer["file_signature"]["intact"]
    assert "signature no longer matches" in answer["message"]


def test_an_unsigned_pdf_with_a_genuine_json_is_refused_as_not_signed(client, sessions):  # noqa: ANN001
    _, data = _certificate_pdf(client, sessions)
    unsigned = render_certificate_pdf(load_certificate(data))  # the PDF as it was made before
    answer = _verify(client, unsigned)
    assert answer["result"] == "tampered"
    assert answer["file_signature"]["signed"] is False
    assert "not signed by this clearinghouse" in answer["message"]


def test_a_pdf_signed_by_another_operator_is_not_trusted(client, sessions, tmp_path: Path):  # noqa: ANN001
    from clearinghouse.licensing.certificates.pdf_signature import sign_pdf

    _, data = _certificate_pdf(client, sessions)
    stranger = signing.ensure_signing_material(tmp_path / "stranger-keys")
    resigned = sign_pdf(render_certificate_pdf(load_certificate(data)), stranger)
    answer = _verify(client, resigned)
    assert answer["result"] == "tampered" and answer["file_signature"]["trusted"] is False


def test_init_makes_a_private_chain_once_beside_the_keyring(cli, tmp_path: Path) -> None:  # noqa: ANN001
    first = cli.json("init")
    keys = tmp_path / "data" / "keys"
    assert first["signing_ca"] == str((keys / signing.ROOT_CERT).resolve())
    for name in (signing.ROOT_KEY, signing.LEAF_KEY):
        assert stat.S_IMODE((keys / name).stat().st_mode) == 0o600
    root = x509.load_pem_x509_certificate((keys / signing.ROOT_CERT).read_bytes())
    leaf = x509.load_pem_x509_certificate((keys / signing.LEAF_CERT).read_bytes())
    leaf.verify_directly_issued_by(root)
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert root.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    usages = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in usages and signing.DOCUMENT_SIGNING in usages
    assert leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    assert leaf.not_valid_after_utc <= root.not_valid_after_utc

    before = {name: (keys / name).read_bytes() for name in signing.FILES}
    cli.json("init")  # idempotent: the same chain, never a second root
    assert {name: (keys / name).read_bytes() for name in signing.FILES} == before
    assert len(Keyring.open(keys).kids) == 1  # the Ed25519 keyring reads its files, not these


def test_a_leaf_near_its_end_is_replaced_under_the_same_root(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    first = signing.ensure_signing_material(tmp_path)
    later = datetime.now(UTC) + timedelta(days=signing.LEAF_DAYS - 10)
    renewed = signing.ensure_signing_material(tmp_path, now=later)
    assert renewed.root == first.root and renewed.leaf != first.leaf
    renewed.leaf.verify_directly_issued_by(first.root)
