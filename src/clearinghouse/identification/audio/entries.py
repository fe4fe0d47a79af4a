"""A stored index entry: a triplet's code, and its first peak's frame and band packed in 32 bits."""

from __future__ import annotations

import numpy as np

from clearinghouse.identification.audio.prints import AudioPrints
from clearinghouse.identification.audio.triplets import REFERENCE_FANOUT, reference_codes, triplets

_BAND_SCALE = 4  # the stored band is quantised to a quarter of a band
_BAND_BITS = 9
MAX_FRAMES = (1 << (32 - _BAND_BITS)) - 1  # 8.4 M frames: 37 hours per reference


def encode_entries(prints: AudioPrints) -> tuple[np.ndarray, np.ndarray]:
    """(codes, info) of a reference's triplets, as stored in a segment."""
    tr = triplets(prints.peaks, REFERENCE_FANOUT)
    frame = np.clip(np.rint(tr.t1), 0, MAX_FRAMES).astype(np.uint32)
    band = np.clip(np.rint(tr.f1 * _BAND_SCALE), 0, (1 << _BAND_BITS) - 1).astype(np.uint32)
    return reference_codes(tr), (frame << np.uint32(_BAND_BITS)) | band


def decode_info(info: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(frame, band) of stored entries."""
    info = info.astype(np.uint32, copy=False)
    return ((info >> np.uint32(_BAND_BITS)).astype(np.float32),
            (info & np.uint32((1 << _BAND_BITS) - 1)).astype(np.float32) / _BAND_SCALE)
