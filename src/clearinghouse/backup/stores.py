"""The data directory's secrets and the file store, as a backup sees them.

Stored files are read and written through fsspec, like the delivery feature's FileStore (same
URL, same root, same `tmp/` folder for uploads in progress, which a backup leaves out).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from fsspec.core import url_to_fs
from fsspec.implementations.local import LocalFileSystem

from clearinghouse.backup.domain import LINK_SECRET
from clearinghouse.licensing.certificates.keys import ACTIVE_FILE, KID_PATTERN
from clearinghouse.licensing.certificates.x509 import material_files

UPLOADS_IN_PROGRESS = "tmp/"  # FileStore stages uploads here; they are not files yet
# Licensees' signed copies (delivery/provenance.py): a cache, made again on the next download.
DELIVERED_COPIES = "licensed/"


def signing_key_files(keys_dir: Path) -> list[Path]:
    """The key files a keyring reads (`<kid>.pem` for each key and `active`), and the operator's
    X.509 root CA and document-signing certificate with their keys (PDF and C2PA signatures)."""
    if not keys_dir.is_dir():
        return []
    found = [p for p in keys_dir.glob("*.pem") if p.is_file() and KID_PATTERN.match(p.stem)]
    active = keys_dir / ACTIVE_FILE
    return sorted(found) + ([active] if active.is_file() else []) + material_files(keys_dir)


def link_secret_file(data_dir: Path) -> Path | None:
    path = data_dir / LINK_SECRET
    return path if path.is_file() else None


class StoredFiles:
    """The file store under `url`: list, read and write files by key."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.fs: Any
        self.fs, root = url_to_fs(url)
        self.root = root.rstrip("/")

    def path(self, key: str) -> str:
        return f"{self.root}/{key}"

    def file_keys(self) -> list[str]:
        if not self.fs.exists(self.root):
            return []
        prefix = self.root + "/"
        keys = (str(p)[len(prefix):] for p in self.fs.find(self.root) if str(p).startswith(prefix))
        return sorted(k for k in keys if not k.startswith((UPLOADS_IN_PROGRESS, DELIVERED_COPIES)))

    def size(self, key: str) -> int:
        return int(self.fs.info(self.path(key))["size"])

    def exists(self, key: str) -> bool:
        return bool(self.fs.exists(self.path(key)))

    def open_read(self, key: str) -> IO[bytes]:
        return self.fs.open(self.path(key), "rb")  # type: ignore[no-any-return]

    def open_write(self, key: str) -> IO[bytes]:
        self.fs.makedirs(self.path(key).rsplit("/", 1)[0], exist_ok=True)
        return self.fs.open(self.path(key), "wb")  # type: ignore[no-any-return]

    def delete(self, key: str) -> None:
        if self.fs.exists(self.path(key)):
            self.fs.rm(self.path(key))

    def folder_within(self, data_dir: Path) -> Path | None:
        """The store's folder relative to `data_dir` when it is a local folder inside it (the
        default, `<data dir>/files`); None when it lives elsewhere."""
        if not isinstance(self.fs, LocalFileSystem):
            return None
        try:
            return Path(self.root).resolve().relative_to(data_dir.resolve())
        except ValueError:
            return None

    def iter_with_sizes(self) -> Iterator[tuple[str, int]]:
        for key in self.file_keys():
            yield key, self.size(key)
