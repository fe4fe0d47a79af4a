"""Endpoint signing secrets, encrypted at rest. HMAC needs the secret itself (a hash would not
do), so the database holds it encrypted with a Fernet key kept beside the certificate signing
keys (`<data_dir>/keys/webhook-secrets.key`, mode 0600): a copy of the database alone reveals no
secret. Losing the key file means every platform must register its endpoint again."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

KEY_FILE = "webhook-secrets.key"


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @classmethod
    def open(cls, keys_dir: Path) -> SecretBox:
        """The box of this key directory; its key is made (atomically) the first time."""
        path = Path(keys_dir) / KEY_FILE
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(Fernet.generate_key())
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(temporary, path)  # fails if another process made it first: theirs wins
            except FileExistsError:
                pass
            finally:
                temporary.unlink()
        return cls(path.read_bytes().strip())

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode("ascii")

    def open_secret(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except InvalidToken as exc:
            raise RuntimeError("a webhook secret cannot be decrypted with this key file") from exc
