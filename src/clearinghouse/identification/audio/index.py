"""The inverted audio index on disk: code → (reference, time, band), in immutable sorted segments.

Layout of the index directory:

- `seg-NNNNNN.codes.npy` (uint32, sorted), `.refs.npy` (uint32), `.info.npy` (uint32: first-peak
  frame << 9 | first-peak band × 4): one segment per commit, opened memory-mapped;
- `manifest.json`: the live segments, each reference's duration, and tombstones.

`commit` writes the new segment's files under temporary names, renames them into place, and only
then replaces the manifest (`os.replace`, after fsync): a crash at any point leaves the previous
manifest naming only complete segments. Small segments are merged (each merge at least halves
the count, as in a log-structured merge tree), so the number of segments stays logarithmic in
the number of commits; merges drop removed references' entries.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from clearinghouse.core.media_match import MediaMatch
from clearinghouse.identification.audio.entries import encode_entries
from clearinghouse.identification.audio.matching import search_index
from clearinghouse.identification.audio.prints import AudioPrints

MANIFEST = "manifest.json"
_FORMAT = 1
@dataclass(frozen=True)
class Segment:
    seq: int
    codes: np.ndarray
    refs: np.ndarray
    info: np.ndarray


class AudioIndex:
    """Reference recordings' fingerprints, searchable by a query's (see `search`)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._segments: list[Segment] = []
        self._seconds: dict[int, float] = {}
        self._removed: dict[int, int] = {}  # reference → last segment seq whose entries are dead
        self._next_seq = 1
        self._pending: dict[int, tuple[float, np.ndarray, np.ndarray]] = {}
        self._pending_removals: set[int] = set()

    # -- opening and committing ---------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path) -> AudioIndex:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        index = cls(directory)
        manifest = directory / MANIFEST
        if manifest.exists():
            state = json.loads(manifest.read_text())
            if state.get("format") != _FORMAT:
                raise ValueError(f"{manifest}: unknown audio index format {state.get('format')!r}")
            index._next_seq = int(state["next_seq"])
            index._seconds = {int(k): float(v) for k, v in state["references"].items()}
            index._removed = {int(k): int(v) for k, v in state["removed"].items()}
            index._segments = [index._load(int(seq)) for seq in state["segments"]]
        return index

    def _path(self, seq: int, part: str) -> Path:
        return self.directory / f"seg-{seq:06d}.{part}.npy"

    def _load(self, seq: int) -> Segment:
        codes, refs, info = (np.load(self._path(seq, part), mmap_mode="r")
                             for part in ("codes", "refs", "info"))
        return Segment(seq=seq, codes=codes, refs=refs, info=info)

    def add(self, reference_id: int, prints: AudioPrints) -> None:
        """Buffer a reference (replacing any earlier prints of it) until `commit`."""
        codes, info = encode_entries(prints)
        self.add_entries(reference_id, prints.seconds, codes, info)

    def add_entries(self, reference_id: int, seconds: float, codes: np.ndarray,
                    info: np.ndarray) -> None:
        """Buffer already-encoded entries (`encode_entries`): for batch jobs and the benchmark."""
        self._pending_removals.add(reference_id)  # its earlier entries, if any, stop counting
        self._pending[reference_id] = (seconds, np.asarray(codes, np.uint32),
                                       np.asarray(info, np.uint32))

    def remove(self, reference_id: int) -> None:
        self._pending.pop(reference_id, None)
        self._pending_removals.add(reference_id)

    def commit(self) -> None:
        if not self._pending and not self._pending_removals:
            return
        last_seq = self._next_seq - 1
        removed = dict(self._removed)
        seconds = dict(self._seconds)
        for reference_id in self._pending_removals:
            if reference_id in seconds or reference_id in removed:
                removed[reference_id] = last_seq
            seconds.pop(reference_id, None)
        segments = list(self._segments)
        next_seq = self._next_seq
        written: list[int] = []
        if self._pending:
            ids = list(self._pending)
            codes = np.concatenate([self._pending[i][1] for i in ids])
            info = np.concatenate([self._pending[i][2] for i in ids])
            refs = np.repeat(np.array(ids, dtype=np.uint32),
                             [self._pending[i][1].size for i in ids])
            segments.append(self._write(next_seq, codes, refs, info))
            written.append(next_seq)
            next_seq += 1
            seconds.update({i: self._pending[i][0] for i in ids})
            while len(segments) >= 2 and segments[-2].codes.size <= 2 * segments[-1].codes.size:
                merged = self._merge(next_seq, segments[-2], segments[-1], removed)
                segments[-2:] = [merged]
                written.append(next_seq)
                next_seq += 1
        oldest = min((s.seq for s in segments), default=next_seq)
        removed = {r: seq for r, seq in removed.items() if seq >= oldest}
        self._write_manifest(next_seq, segments, seconds, removed)
        for stale in {s.seq for s in self._segments} | set(written):
            if stale not in {s.seq for s in segments}:
                for part in ("codes", "refs", "info"):
                    self._path(stale, part).unlink(missing_ok=True)
        self._segments, self._seconds, self._removed, self._next_seq = (
            segments, seconds, removed, next_seq)
        self._pending.clear()
        self._pending_removals.clear()

    def _write(self, seq: int, codes: np.ndarray, refs: np.ndarray, info: np.ndarray) -> Segment:
        order = np.argsort(codes, kind="stable")
        for part, array in (("codes", codes[order]), ("refs", refs[order]), ("info", info[order])):
            final = self._path(seq, part)
            temporary = final.with_suffix(".tmp")
            with open(temporary, "wb") as out:
                np.save(out, np.ascontiguousarray(array, dtype=np.uint32))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, final)
        return self._load(seq)

    def _merge(self, seq: int, older: Segment, newer: Segment, removed: dict[int, int]) -> Segment:
        parts = []
        for segment in (older, newer):
            live = self._live_mask(segment, removed)
            parts.append((segment.codes[live], segment.refs[live], segment.info[live]))
        codes, refs, info = (np.concatenate(p) for p in zip(*parts, strict=True))
        return self._write(seq, codes, refs, info)

    def _write_manifest(self, next_seq: int, segments: list[Segment], seconds: dict[int, float],
                        removed: dict[int, int]) -> None:
        state = {"format": _FORMAT, "next_seq": next_seq, "segments": [s.seq for s in segments],
                 "references": {str(k): v for k, v in sorted(seconds.items())},
                 "removed": {str(k): v for k, v in sorted(removed.items())}}
        temporary = self.directory / (MANIFEST + ".tmp")
        with open(temporary, "w") as out:
            json.dump(state, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.directory / MANIFEST)
        directory = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    # -- reading ------------------------------------------------------------------------------

    def _live_mask(self, segment: Segment, removed: dict[int, int]) -> np.ndarray:
        dead = np.fromiter((r for r, seq in removed.items() if seq >= segment.seq), dtype=np.uint32)
        if dead.size == 0:
            return np.ones(segment.refs.shape, dtype=bool)
        return ~np.isin(segment.refs, dead)

    def lookup(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each stored entry whose code is among `codes`: (position in codes, ref, info)."""
        positions, refs, infos = [], [], []
        codes = np.asarray(codes, dtype=np.uint32)
        for segment in self._segments:
            low = np.searchsorted(segment.codes, codes, side="left")
            high = np.searchsorted(segment.codes, codes, side="right")
            counts = high - low
            total = int(counts.sum())
            if total == 0:
                continue
            which = np.repeat(np.arange(codes.size), counts)
            entry = np.repeat(low - (np.cumsum(counts) - counts), counts) + np.arange(total)
            ref, info = segment.refs[entry], segment.info[entry]
            dead = [r for r, seq in self._removed.items() if seq >= segment.seq]
            if dead:
                live = ~np.isin(ref, np.array(dead, dtype=np.uint32))
                which, ref, info = which[live], ref[live], info[live]
            positions.append(which)
            refs.append(np.asarray(ref))
            infos.append(np.asarray(info))
        if not positions:
            empty = np.zeros(0, dtype=np.uint32)
            return np.zeros(0, dtype=np.int64), empty, empty
        return np.concatenate(positions), np.concatenate(refs), np.concatenate(infos)

    def search(self, prints: AudioPrints, *, max_false_match_rate: float = 1e-3,
               limit: int = 10) -> list[MediaMatch]:
        """References heard in the query, best first, each at most once (see matching.py)."""
        return search_index(self, prints, max_false_match_rate=max_false_match_rate, limit=limit)

    @property
    def total_seconds(self) -> float:
        return float(sum(self._seconds.values()))

    def stats(self) -> dict:
        size = sum(self._path(s.seq, part).stat().st_size
                   for s in self._segments for part in ("codes", "refs", "info"))
        size += (self.directory / MANIFEST).stat().st_size if self._segments else 0
        hours = self.total_seconds / 3600
        return {"references": len(self._seconds), "seconds": round(self.total_seconds, 3),
                "entries": int(sum(s.codes.size for s in self._segments)),
                "segments": len(self._segments), "bytes": size,
                "bytes_per_hour": round(size / hours) if hours else 0}

    def seconds_of(self, reference_id: int) -> float | None:
        return self._seconds.get(reference_id)
