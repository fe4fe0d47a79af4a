"""The operator's X.509 signing material: a root CA and a document-signing certificate it issued.

The Ed25519 keyring signs the certificate JSON; PDF readers (PAdES) and C2PA tools need X.509
instead, so `init` (or the first signature that needs it) also makes, beside the keyring:

    keys/operator-ca.crt          the operator's root CA (self-signed; what verifiers trust)
    keys/operator-ca.key          its private key (mode 0600): issues the next signing cert
    keys/document-signing.crt     ECDSA P-256 leaf: PDFs and C2PA manifests are signed with it
    keys/document-signing.key     its private key (mode 0600)

ECDSA P-256 because every PDF reader and the C2PA trust profile accept it. The file names do not
end in `.pem`, so the Ed25519 keyring never reads them. A leaf close to its end is replaced on
first need; the root stays, so everything signed before still chains to it.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

ROOT_CERT, ROOT_KEY = "operator-ca.crt", "operator-ca.key"
LEAF_CERT, LEAF_KEY = "document-signing.crt", "document-signing.key"
FILES = (ROOT_CERT, ROOT_KEY, LEAF_CERT, LEAF_KEY)
ROOT_DAYS = 20 * 365
LEAF_DAYS = 2 * 365
RENEW_BEFORE = timedelta(days=30)  # a leaf with less left than this is replaced on first need
# RFC 9336 id-kp-documentSigning; emailProtection is the EKU the C2PA trust profile accepts.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
ORGANIZATION = "Rights Clearinghouse"


class SigningMaterialError(RuntimeError):
    """The X.509 files are damaged or do not belong together."""


@dataclass(frozen=True)
class SigningMaterial:
    """What a PDF or C2PA signer needs: the leaf, its key, and the chain up to our root."""

    root: x509.Certificate
    leaf: x509.Certificate
    leaf_key: ec.EllipticCurvePrivateKey

    @property
    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    @property
    def chain_pem(self) -> bytes:
        """Leaf first, then the root: the order C2PA signers want."""
        return self.leaf.public_bytes(serialization.Encoding.PEM) + self.root_pem

    @property
    def leaf_key_pem(self) -> bytes:
        return self.leaf_key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption())

    def der(self, cert: x509.Certificate) -> bytes:
        return cert.public_bytes(serialization.Encoding.DER)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION)])


def _usage(*, sign_certs: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=not sign_certs, content_commitment=not sign_certs,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=sign_certs, crl_sign=sign_certs, encipher_only=False,
                         decipher_only=False)


def make_root(now: datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("Rights Clearinghouse operator root CA")
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=ROOT_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign_certs=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def make_leaf(root: x509.Certificate, root_key: ec.EllipticCurvePrivateKey,
              now: datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    # Never outlive the root: a chain is only as valid as its shortest link.
    until = min(now + timedelta(days=LEAF_DAYS), root.not_valid_after_utc)
    cert = (
        x509.CertificateBuilder().subject_name(_name("Rights Clearinghouse document signing"))
        .issuer_name(root.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign_certs=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                              DOCUMENT_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                       critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return cert, key


def _write_private(path: Path, data: bytes) -> None:
    """Write-then-rename, the temporary file created 0600 so the key is never readable by others."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o600)  # a strict umask may have cut owner bits
    os.replace(tmp, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    # Several server workers may need the material at once: one makes it, the others read it.
    # The lock is on the directory itself, so it leaves no file behind to back up or restore.
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _load_cert(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except ValueError as exc:
        raise SigningMaterialError(f"{path} is not a PEM certificate") from exc


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise SigningMaterialError(f"{path} is not a PEM private key") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SigningMaterialError(f"{path} is not an ECDSA key")
    return key


def ensure_signing_material(directory: Path, now: datetime | None = None) -> SigningMaterial:
    """Load the material in `directory`, making what is missing (idempotent, safe to race)."""
    now = now or datetime.now(UTC)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _locked(directory):
        root_path, root_key_path = directory / ROOT_CERT, directory / ROOT_KEY
        if not root_path.is_file():
            root, root_key = make_root(now)
            _write_private(root_key_path, _key_pem(root_key))
            _write_private(root_path, root.public_bytes(serialization.Encoding.PEM))
            (directory / LEAF_CERT).unlink(missing_ok=True)  # a leaf of an older root is useless
        root = _load_cert(root_path)
        leaf_path, leaf_key_path = directory / LEAF_CERT, directory / LEAF_KEY
        if leaf_path.is_file() and leaf_key_path.is_file():
            leaf, leaf_key = _load_cert(leaf_path), _load_key(leaf_key_path)
            if leaf.not_valid_after_utc - now >= RENEW_BEFORE:
                _check_pair(root, leaf, leaf_key)
                return SigningMaterial(root, leaf, leaf_key)
        root_key = _load_key(root_key_path)
        leaf, leaf_key = make_leaf(root, root_key, now)
        _write_private(leaf_key_path, _key_pem(leaf_key))
        _write_private(leaf_path, leaf.public_bytes(serialization.Encoding.PEM))
        return SigningMaterial(root, leaf, leaf_key)


def _check_pair(root: x509.Certificate, leaf: x509.Certificate,
                leaf_key: ec.EllipticCurvePrivateKey) -> None:
    if leaf.public_key() != leaf_key.public_key():
        raise SigningMaterialError("document-signing.key does not match document-signing.crt")
    try:
        leaf.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise SigningMaterialError("document-signing.crt was not issued by operator-ca.crt") from exc


def material_files(directory: Path) -> list[Path]:
    """The files a backup must carry (those that exist)."""
    return [directory / name for name in FILES if (directory / name).is_file()]
