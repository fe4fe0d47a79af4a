"""What short-video editing does to a soundtrack, applied to decoded samples (bench and tests).

Every function takes and returns mono float32 samples; none of them knows about fingerprints.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from scipy.signal import resample_poly

from clearinghouse.identification.media import decode_audio

MUSIC_DIR = Path("/usr/share/planetblupi/music")  # Debian planetblupi-music-ogg
SPEECH_DIR = Path("/usr/share/asterisk/sounds/en_US_f_Allison")  # asterisk-core-sounds-en-wav


def excerpt(samples: np.ndarray, sample_rate: int, start: float, seconds: float) -> np.ndarray:
    first = int(round(start * sample_rate))
    return samples[first:first + int(round(seconds * sample_rate))]


def change_speed(samples: np.ndarray, factor: float) -> np.ndarray:
    """Play `factor` times faster, tempo and pitch together, as resampling does (1.1 = +10 %)."""
    ratio = Fraction(1 / factor).limit_denominator(200)
    return resample_poly(samples, ratio.numerator, ratio.denominator).astype(np.float32)


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    ratio = Fraction(to_rate, from_rate)
    return resample_poly(samples, ratio.numerator, ratio.denominator).astype(np.float32)


def aac_round_trip(samples: np.ndarray, sample_rate: int, path: Path,
                   bit_rate: int = 64_000) -> np.ndarray:
    """Encode to AAC in an .m4a file at `bit_rate` with PyAV, and decode it back."""
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=sample_rate)
        stream.bit_rate = bit_rate
        stream.layout = "mono"
        pcm = np.clip(samples, -1.0, 1.0).astype(np.float32).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="flt", layout="mono")
        frame.sample_rate = sample_rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return decode_audio(path, sample_rate=sample_rate)


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) + 1e-12


def speech(prompts: list[np.ndarray], seconds: float, sample_rate: int,
           rng: np.random.Generator) -> np.ndarray:
    """`seconds` of continuous talk: random prompts one after another, 0.1 s apart."""
    needed = int(seconds * sample_rate)
    parts, total = [], 0
    gap = np.zeros(int(0.1 * sample_rate), dtype=np.float32)
    while total < needed:
        prompt = prompts[int(rng.integers(len(prompts)))]
        parts += [prompt, gap]
        total += prompt.size + gap.size
    return np.concatenate(parts)[:needed]


def voice_over(music: np.ndarray, voice: np.ndarray, *, music_under_db: float,
               noise_under_db: float, rng: np.random.Generator) -> np.ndarray:
    """Voice on top, the music `music_under_db` under it (RMS), white noise `noise_under_db`
    under the voice; the mix is normalised to a peak of 0.9."""
    voice = voice[:music.size]
    if voice.size < music.size:
        voice = np.pad(voice, (0, music.size - voice.size))
    level = _rms(voice)
    mix = (voice + music * (level / _rms(music)) * 10 ** (-music_under_db / 20)
           + rng.standard_normal(music.size).astype(np.float32) * level * 10 ** (-noise_under_db / 20))
    return (mix * (0.9 / max(float(np.abs(mix).max()), 1e-9))).astype(np.float32)


def speech_prompts(sample_rate: int, count: int = 40) -> list[np.ndarray]:
    """The first `count` spoken prompts (sorted by name) that last at least a second."""
    prompts = []
    for path in sorted(SPEECH_DIR.glob("*.wav")):
        samples = decode_audio(path, sample_rate=sample_rate)
        if samples.size >= sample_rate:
            prompts.append(samples)
        if len(prompts) >= count:
            break
    return prompts
