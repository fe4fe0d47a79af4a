"""Previews of works' files for the search and work pages: made lazily from the stored file on
first request, kept on disk under `<data_dir>/previews/` named by the file's SHA-256 (a new file
gets a new preview), and served in place of the file. The original bytes are only ever delivered
through a paid licence (service.py); a preview is short and low quality (preview_media.py).
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from clearinghouse.core.errors import NotFound
from clearinghouse.core.media_types import SNIFF_BYTES
from clearinghouse.core.settings import Settings
from clearinghouse.licensing.delivery import preview_media
from clearinghouse.licensing.delivery import repository as delivery_repository
from clearinghouse.licensing.delivery.service import store_for

FOLDER = "previews"
VERSION = "v1"  # bump when preview_media's output changes, so old previews are made again
_kinds: dict[str, str | None] = {}  # sha256 -> kind; a file's content never changes under it
KINDS_KEPT = 10_000  # then the memo starts again: a few bytes read per file are cheap
_making = threading.Lock()  # one preview made at a time: a burst of requests must not fork ffmpeg jobs


@dataclass(frozen=True)
class Preview:
    path: Path
    media_type: str


def kinds(session: Session, settings: Settings, work_ids: list[str]) -> dict[str, str]:
    """work id -> the kind of preview it has (image, audio, video), for the works with a file
    in a format we preview."""
    files = delivery_repository.stored_files(session, work_ids)
    out: dict[str, str] = {}
    for work_id, (key, sha) in files.items():
        if sha not in _kinds:
            if len(_kinds) >= KINDS_KEPT:
                _kinds.clear()
            _kinds[sha] = preview_media.kind_of(store_for(settings).head(key, SNIFF_BYTES))
        kind = _kinds[sha]
        if kind is not None:
            out[work_id] = kind
    return out


def _cached(folder: Path, sha: str) -> Preview | None:
    for kind, suffix in preview_media.SUFFIXES.items():
        path = folder / f"{sha}-{VERSION}{suffix}"
        if path.is_file():
            return Preview(path, preview_media.MEDIA_TYPES[kind])
    return None


def preview_of(session: Session, settings: Settings, work_id: str) -> Preview:
    """The work's preview, made now if it was not yet. 404 when the work has no file we
    preview (an unknown work alike: previews are public, so say no more)."""
    files = delivery_repository.stored_files(session, [work_id])
    kind = kinds(session, settings, [work_id]).get(work_id)
    if work_id not in files or kind is None:
        raise NotFound("this work has no preview", field="work_id")
    key, sha = files[work_id]
    folder = settings.data_dir / FOLDER
    found = _cached(folder, sha)
    if found is not None:
        return found
    with _making:
        found = _cached(folder, sha)
        if found is not None:
            return found
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder) as work_dir:
            source = Path(work_dir) / "source"
            store_for(settings).get_local(key, source)
            made = Path(work_dir) / "preview"
            written = preview_media.make(source, made, kind)
            final = folder / f"{sha}-{VERSION}{preview_media.SUFFIXES[written]}"
            os.replace(made, final)  # whole or not at all
        return Preview(final, preview_media.MEDIA_TYPES[written])
