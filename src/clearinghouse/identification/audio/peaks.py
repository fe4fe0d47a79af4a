"""Spectral peaks on a log-frequency axis: the points every audio fingerprint is built from.

On a log-frequency (constant-Q-like) axis a change of playback speed by a factor s — tempo and
pitch together, as resampling does — moves every peak by the same number of bins,
`BINS_PER_OCTAVE * log2(s)`, and stretches every time difference by 1/s. The triplet hashes in
`triplets.py` are built from quantities that those two changes leave alone.

The spectrum is a short-time Fourier transform whose bins are folded onto log-spaced bands with
triangular weights (a cheap approximation of a constant-Q transform, as Panako's authors also
discuss); peaks are local maxima over a fixed time × frequency neighbourhood, refined to a
fraction of a bin and a frame by parabolic interpolation so that hashes quantise steadily.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import fft as sp_fft
from scipy.ndimage import maximum_filter

SAMPLE_RATE = 8000
FFT_SIZE = 1024  # 128 ms window: fine enough frequency detail for bands down to F_MIN
HOP = 128  # 16 ms between frames
FRAMES_PER_SECOND = SAMPLE_RATE / HOP
F_MIN = 200.0  # Hz; below it speech rumble and poor frequency resolution
F_MAX = 3600.0  # Hz; under the 4 kHz Nyquist of SAMPLE_RATE
BINS_PER_OCTAVE = 24
BANDS = int(np.floor(BINS_PER_OCTAVE * np.log2(F_MAX / F_MIN)))  # 100
PEAK_HALF_TIME = 6  # frames either side a peak must dominate (±96 ms)
PEAK_HALF_BANDS = 4  # bands either side (a sixth of an octave); denser peaks survive voice-over better
DYNAMIC_RANGE = 6.0  # log10 power: peaks more than 60 dB under the loudest are ignored
SILENCE = 1e-9  # mean-square power of a frame below which nothing is picked
_BLOCK_FRAMES = 4096  # frames transformed at a time, to bound memory on long references


@dataclass(frozen=True)
class Peaks:
    """Peaks sorted by time: `times` in frames, `bands` in log-frequency bins (both fractional)."""

    times: np.ndarray  # float32
    bands: np.ndarray  # float32
    strengths: np.ndarray  # float32, log10 power


def _filterbank() -> np.ndarray:
    """(FFT_SIZE // 2 + 1) × BANDS triangular weights from linear FFT bins to log bands."""
    fft_hz = np.arange(FFT_SIZE // 2 + 1) * SAMPLE_RATE / FFT_SIZE
    position = BINS_PER_OCTAVE * np.log2(np.maximum(fft_hz, 1.0) / F_MIN)  # fractional band
    weights = np.maximum(0.0, 1.0 - np.abs(position[:, None] - np.arange(BANDS)[None, :]))
    # Low bands are narrower than an FFT bin: let each take at least its nearest FFT bin.
    nearest = np.argmin(np.abs(position[:, None] - np.arange(BANDS)[None, :]), axis=0)
    weights[nearest, np.arange(BANDS)] = np.maximum(weights[nearest, np.arange(BANDS)], 1.0)
    return (weights / weights.sum(axis=0, keepdims=True)).astype(np.float32)


_FILTERBANK = _filterbank()
_WINDOW = np.hanning(FFT_SIZE).astype(np.float32)


def log_spectrogram(samples: np.ndarray) -> np.ndarray:
    """frames × BANDS log10 power of mono float32 samples at SAMPLE_RATE."""
    samples = np.asarray(samples, dtype=np.float32).reshape(-1)
    if samples.size < FFT_SIZE:
        samples = np.pad(samples, (0, FFT_SIZE - samples.size))
    windows = np.lib.stride_tricks.sliding_window_view(samples, FFT_SIZE)[::HOP]
    out = np.empty((windows.shape[0], BANDS), dtype=np.float32)
    for start in range(0, windows.shape[0], _BLOCK_FRAMES):
        block = windows[start:start + _BLOCK_FRAMES] * _WINDOW
        spectrum = sp_fft.rfft(block, axis=1)
        power = spectrum.real ** 2 + spectrum.imag ** 2
        out[start:start + _BLOCK_FRAMES] = power @ _FILTERBANK
    return np.log10(out + SILENCE * FFT_SIZE, out=out)


def _parabolic(left: np.ndarray, centre: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Offset in (-0.5, 0.5) of the vertex of the parabola through three samples."""
    curve = left - 2.0 * centre + right
    safe = np.where(curve < -1e-9, curve, -1.0)
    return np.clip(0.5 * (left - right) / safe, -0.5, 0.5) * (curve < -1e-9)


def find_peaks(samples: np.ndarray) -> Peaks:
    spectrum = log_spectrogram(samples)
    floor = max(float(spectrum.max()) - DYNAMIC_RANGE, np.log10(SILENCE * FFT_SIZE) + 1.0)
    neighbourhood = maximum_filter(spectrum, size=(2 * PEAK_HALF_TIME + 1, 2 * PEAK_HALF_BANDS + 1),
                                   mode="constant", cval=-np.inf)
    is_peak = (spectrum == neighbourhood) & (spectrum > floor)
    # Interior only: interpolation needs a neighbour on each side.
    is_peak[[0, -1], :] = False
    is_peak[:, [0, -1]] = False
    frame, band = np.nonzero(is_peak)
    centre = spectrum[frame, band]
    d_band = _parabolic(spectrum[frame, band - 1], centre, spectrum[frame, band + 1])
    d_time = _parabolic(spectrum[frame - 1, band], centre, spectrum[frame + 1, band])
    times = (frame + d_time).astype(np.float32)
    order = np.argsort(times, kind="stable")
    return Peaks(times=times[order], bands=(band + d_band).astype(np.float32)[order],
                 strengths=centre.astype(np.float32)[order])
