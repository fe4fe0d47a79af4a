"""A folder of files in any fsspec file system, with atomic puts: delivery keeps licensed works'
files here, and identification will read them."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

from fsspec.core import url_to_fs

from clearinghouse.core.errors import PayloadTooLarge, ValidationFailed

CHUNK = 1 << 20


@dataclass(frozen=True)
class StagedFile:
    temp_path: str
    size: int
    sha256: str


class FileStore:
    """A folder in an fsspec file system, with atomic puts."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.fs, root = url_to_fs(url)
        self.root = root.rstrip("/")

    def _path(self, key: str) -> str:
        return f"{self.root}/{key}"

    async def stage(self, chunks: AsyncIterator[bytes], max_bytes: int) -> StagedFile:
        """Write the bytes to a temporary file, hashing as they come; over the limit: 413."""
        temp = self._path(f"tmp/{uuid.uuid4().hex}.part")
        self.fs.makedirs(self._path("tmp"), exist_ok=True)
        digest, size = hashlib.sha256(), 0
        try:
            with self.fs.open(temp, "wb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise PayloadTooLarge(
                            f"the file is over the upload limit of {max_bytes} bytes",
                            details={"limit_bytes": max_bytes},
                        )
                    digest.update(chunk)
                    out.write(chunk)
        except BaseException:
            self.discard_path(temp)
            raise
        if size == 0:
            self.discard_path(temp)
            raise ValidationFailed("the file is empty", field="body")
        return StagedFile(temp, size, digest.hexdigest())

    def commit(self, staged: StagedFile, key: str) -> None:
        """Move the staged file to its final key (a rename on a local disk)."""
        final = self._path(key)
        self.fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
        try:
            self.fs.mv(staged.temp_path, final)
        except BaseException:
            self.discard_path(staged.temp_path)
            raise

    def discard(self, staged: StagedFile) -> None:
        self.discard_path(staged.temp_path)

    def discard_path(self, path: str) -> None:
        if self.fs.exists(path):
            self.fs.rm(path)

    def delete(self, key: str) -> None:
        self.discard_path(self._path(key))

    def exists(self, key: str) -> bool:
        return bool(self.fs.exists(self._path(key)))

    def iter_bytes(self, key: str) -> Iterator[bytes]:
        with self.fs.open(self._path(key), "rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk

    def get_local(self, key: str, local_path: Path) -> None:
        """Copy a stored file to a local path (for tools that need a file on disk)."""
        self.fs.get_file(self._path(key), str(local_path))

    def put_local(self, local_path: Path, key: str) -> None:
        """Store a local file under `key`, whole or not at all (staged, then renamed)."""
        staging = self._path(f"tmp/{uuid.uuid4().hex}.part")
        self.fs.makedirs(self._path("tmp"), exist_ok=True)
        try:
            self.fs.put_file(str(local_path), staging)
            self.fs.makedirs(self._path(key).rsplit("/", 1)[0], exist_ok=True)
            self.fs.mv(staging, self._path(key))
        except BaseException:
            self.discard_path(staging)
            raise

    def head(self, key: str, size: int) -> bytes:
        with self.fs.open(self._path(key), "rb") as f:
            return bytes(f.read(size))

    def sizes_under(self, folder: str) -> dict[str, int]:
        """Key -> size of the files directly in `folder` (none when it does not exist)."""
        path = self._path(folder)
        if not self.fs.exists(path):
            return {}
        start = len(self.root) + 1
        return {str(e["name"])[start:]: int(e["size"])
                for e in self.fs.ls(path, detail=True) if e.get("type") == "file"}

    def leftovers(self) -> list[str]:
        """Temporary files still lying around (none, unless a process died mid-upload)."""
        tmp = self._path("tmp")
        return list(self.fs.ls(tmp, detail=False)) if self.fs.exists(tmp) else []

