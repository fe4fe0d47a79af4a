"""The on-disk fingerprint indexes of one data directory: one object per process, opened on
first use (memory-mapped by the fingerprint packages), committed after every change.

Adding, removing and searching go through here, so the rest of the feature never needs to know
which packages hold audio and which visual prints.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from clearinghouse.core.media_match import MediaMatch
from clearinghouse.identification.references.prints import Prints, fingerprinter


class ReferenceIndexes:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._audio: Any = None
        self._visual: Any = None
        self._lock = threading.Lock()

    def _index(self, name: str) -> Any:
        """The package's index under <root>/<name>, opened once; None without the package."""
        held = self._audio if name == "audio" else self._visual
        if held is not None:
            return held
        package = fingerprinter(name)
        if package is None:
            return None
        cls = package.AudioIndex if name == "audio" else package.VisualIndex
        opened = cls.open(self.root / name)
        if name == "audio":
            self._audio = opened
        else:
            self._visual = opened
        return opened

    def add(self, reference_id: int, prints: Prints) -> None:
        with self._lock:
            if prints.audio is not None and (audio := self._index("audio")) is not None:
                package = fingerprinter("audio")
                assert package is not None
                audio.add(reference_id, package.AudioPrints.from_bytes(prints.audio))
                audio.commit()
            if prints.visual is not None and (visual := self._index("visual")) is not None:
                package = fingerprinter("visual")
                assert package is not None
                if prints.kind == "image":
                    visual.add_image(reference_id, package.ImagePrints.from_bytes(prints.visual))
                else:
                    visual.add_video(reference_id, package.VideoPrints.from_bytes(prints.visual))
                visual.commit()

    def remove(self, reference_id: int) -> None:
        with self._lock:
            for name in ("audio", "visual"):
                index = self._index(name)
                if index is not None:
                    index.remove(reference_id)
                    index.commit()

    def search(self, prints: Prints, *, max_false_match_rate: float,
               limit: int = 10) -> list[MediaMatch]:
        """The references found in a query's prints, best first."""
        found: list[MediaMatch] = []
        with self._lock:
            if prints.audio is not None and (audio := self._index("audio")) is not None:
                package = fingerprinter("audio")
                assert package is not None
                found += audio.search(package.AudioPrints.from_bytes(prints.audio),
                                      max_false_match_rate=max_false_match_rate, limit=limit)
            if prints.visual is not None and (visual := self._index("visual")) is not None:
                package = fingerprinter("visual")
                assert package is not None
                if prints.kind == "image":
                    found += visual.search_image(package.ImagePrints.from_bytes(prints.visual),
                                                 max_false_match_rate=max_false_match_rate,
                                                 limit=limit)
                else:
                    found += visual.search_video(package.VideoPrints.from_bytes(prints.visual),
                                                 max_false_match_rate=max_false_match_rate,
                                                 limit=limit)
        return sorted(found, key=lambda m: -m.score)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {name: index.stats() for name in ("audio", "visual")
                    if (index := self._index(name)) is not None}


_held: dict[Path, ReferenceIndexes] = {}
_held_lock = threading.Lock()


def indexes_for(data_dir: Path) -> ReferenceIndexes:
    """The process's indexes under <data_dir>/identification."""
    root = (data_dir / "identification").resolve()
    with _held_lock:
        if root not in _held:
            _held[root] = ReferenceIndexes(root)
        return _held[root]
