"""The clearinghouse's Ed25519 signing keys, one PEM file per key id, so keys can rotate.

Layout of the directory: `<kid>.pem` (PKCS8 private key, mode 0600) for every key ever used, and
`active` naming the key that signs new certificates. Old keys stay so old certificates verify.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ACTIVE_FILE = "active"
# Key ids become file names: a strict pattern keeps them from ever naming a path elsewhere.
KID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
SIGNATURE_BYTES = 64


class KeyringError(RuntimeError):
    """The key directory is missing, empty (with create=False) or damaged."""


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict: unpadded base64url only, and only its one canonical spelling.

    The lenient decoder ignores the spare low bits of the last character, so several strings
    decode to the same bytes; insisting on the canonical one means any change to the text fails.
    """
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("not base64url text")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url text") from exc
    if b64url_encode(raw) != text:
        raise ValueError("not canonical base64url")
    return raw


def new_kid(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"ch-{now:%Y-%m}-{secrets.token_hex(4)}"


class Keyring:
    """Signing keys in a directory. Use `Keyring.open(path)`; not safe to rotate concurrently."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._keys: dict[str, Ed25519PrivateKey] = {}
        self._active: str | None = None

    @classmethod
    def open(cls, directory: Path, create: bool = True) -> Keyring:
        ring = cls(directory)
        if create:
            ring.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        elif not ring.directory.is_dir():
            raise KeyringError(f"key directory {ring.directory} does not exist")
        ring.reload()
        if not ring._keys:
            if not create:
                raise KeyringError(f"key directory {ring.directory} holds no signing key")
            ring.rotate()
        elif ring._active is None:
            raise KeyringError(
                f"key directory {ring.directory} has keys but no readable '{ACTIVE_FILE}' file"
            )
        return ring

    def reload(self) -> None:
        """Re-read the directory: another process (or the CLI) may have rotated the keys."""
        keys: dict[str, Ed25519PrivateKey] = {}
        for path in sorted(self.directory.glob("*.pem")):
            kid = path.stem
            if not KID_PATTERN.match(kid):
                continue
            try:
                key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            except (ValueError, TypeError) as exc:
                raise KeyringError(f"key file {path} is not a PEM private key") from exc
            if not isinstance(key, Ed25519PrivateKey):
                raise KeyringError(f"key file {path} is not an Ed25519 key")
            keys[kid] = key
        active_path = self.directory / ACTIVE_FILE
        active = active_path.read_text("ascii").strip() if active_path.is_file() else None
        if active is not None and active not in keys:
            raise KeyringError(f"the active key {active!r} has no file in {self.directory}")
        self._keys, self._active = keys, active

    @property
    def active_kid(self) -> str:
        if self._active is None:
            raise KeyringError("the keyring has no active key")
        return self._active

    @property
    def kids(self) -> list[str]:
        return sorted(self._keys)

    def rotate(self) -> str:
        """Make a new key and make it active; earlier keys stay for verification."""
        kid = new_kid()
        while kid in self._keys:
            kid = new_kid()
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # O_EXCL: never overwrite a key that signed something; the mode is set at creation so the
        # private key is never readable by others, not even for an instant.
        fd = os.open(self.directory / f"{kid}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        os.chmod(self.directory / f"{kid}.pem", 0o600)  # a strict umask may have cut owner bits
        self._write_active(kid)
        self._keys[kid] = key
        self._active = kid
        return kid

    def _write_active(self, kid: str) -> None:
        # Write-then-rename so a reader never sees a half-written kid.
        tmp = self.directory / f".{ACTIVE_FILE}.{secrets.token_hex(4)}.tmp"
        tmp.write_text(kid + "\n", "ascii")
        os.replace(tmp, self.directory / ACTIVE_FILE)

    def public_key(self, kid: str) -> Ed25519PublicKey | None:
        key = self._keys.get(kid) if isinstance(kid, str) else None
        if key is None and isinstance(kid, str) and KID_PATTERN.match(kid):
            # Possibly rotated by another process since we loaded; look once more.
            try:
                self.reload()
            except (KeyringError, OSError):
                return None
            key = self._keys.get(kid)
        return key.public_key() if key is not None else None

    def public_keys(self) -> dict[str, str]:
        """kid -> base64url of the 32-byte raw public key, for a published key listing."""
        return {kid: b64url_encode(raw) for kid, raw in self.raw_public_keys().items()}

    def raw_public_keys(self) -> dict[str, bytes]:
        """kid -> the 32-byte raw public key, every key ever used (rotated ones too)."""
        return {
            kid: key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
            for kid, key in sorted(self._keys.items())
        }

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The public keys as an RFC 8037 JSON Web Key Set."""
        keys = [
            {"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": x, "use": "sig", "alg": "EdDSA"}
            for kid, x in self.public_keys().items()
        ]
        return {"keys": keys}

    def sign(self, data: bytes) -> tuple[str, str]:
        kid = self.active_kid
        return kid, b64url_encode(self._keys[kid].sign(bytes(data)))

    def sign_with(self, kid: str, data: bytes) -> bytes:
        """A raw signature by one named key, active or not. Ed25519 is deterministic, so the same
        data and key always give the same bytes: a credential re-made later is identical."""
        key = self._keys.get(kid)
        if key is None:
            raise KeyringError(f"no signing key {kid!r} in {self.directory}")
        return key.sign(bytes(data))

    def verify_raw(self, kid: str, data: bytes, signature: bytes) -> bool:
        """True only for a genuine raw signature by a known key; never raises on bad input."""
        if not isinstance(signature, bytes) or len(signature) != SIGNATURE_BYTES:
            return False
        public = self.public_key(kid)
        if public is None:
            return False
        try:
            public.verify(signature, bytes(data))
        except InvalidSignature:
            return False
        return True

    def verify(self, kid: str, data: bytes, signature_b64url: str) -> bool:
        """True only for a genuine signature by a known key; never raises on bad input."""
        if not isinstance(data, bytes | bytearray | memoryview):
            return False
        try:
            signature = b64url_decode(signature_b64url)
        except ValueError:
            return False
        return self.verify_raw(kid, bytes(data), signature)

    def knows(self, kid: object) -> bool:
        return isinstance(kid, str) and self.public_key(kid) is not None
