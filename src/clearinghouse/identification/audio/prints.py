"""An audio recording's fingerprint material: its spectral peaks, and their byte form."""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from clearinghouse.identification.audio.peaks import SAMPLE_RATE, Peaks, find_peaks

_MAGIC = b"CHAUDIO1"
_HEADER = struct.Struct("<8sdI")  # magic, seconds, number of peaks


class BadAudioPrints(ValueError):
    """Bytes that are not audio prints written by `AudioPrints.to_bytes`."""


@dataclass(frozen=True)
class AudioPrints:
    """Peaks of one recording. Triplet hashes are derived from them when indexed or searched,
    because a reference and a query pair their peaks differently (see triplets.py)."""

    seconds: float
    peaks: Peaks

    def to_bytes(self) -> bytes:
        count = self.peaks.times.size
        return b"".join([
            _HEADER.pack(_MAGIC, self.seconds, count),
            self.peaks.times.astype("<f4").tobytes(),
            self.peaks.bands.astype("<f4").tobytes(),
            self.peaks.strengths.astype("<f4").tobytes(),
        ])

    @classmethod
    def from_bytes(cls, data: bytes) -> AudioPrints:
        if len(data) < _HEADER.size:
            raise BadAudioPrints("too short to be audio prints")
        magic, seconds, count = _HEADER.unpack_from(data)
        if magic != _MAGIC or len(data) != _HEADER.size + 12 * count:
            raise BadAudioPrints("not audio prints, or truncated")
        arrays = np.frombuffer(data, dtype="<f4", offset=_HEADER.size).reshape(3, count)
        if not (np.isfinite(seconds) and np.isfinite(arrays).all()):
            raise BadAudioPrints("audio prints hold a value that is not a number")
        times, bands, strengths = (a.astype(np.float32) for a in arrays)
        return cls(seconds=float(seconds), peaks=Peaks(times=times, bands=bands, strengths=strengths))


def extract(samples: np.ndarray) -> AudioPrints:
    """Prints of mono float32 samples at SAMPLE_RATE (as `media.decode_audio` returns them)."""
    samples = np.asarray(samples, dtype=np.float32).reshape(-1)
    return AudioPrints(seconds=samples.size / SAMPLE_RATE, peaks=find_peaks(samples))
