"""Small media files made on the fly (no media is committed): JPEG and PNG with Pillow, MP4 (H.264)
and MP3 with PyAV, WAV with the standard library."""

from __future__ import annotations

import io
import math
import struct
import wave

import av
from PIL import Image


def _pcm(samples: int, rate: int) -> bytes:
    return b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                    for i in range(samples))


def jpeg(size: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(out, "JPEG", quality=90)
    return out.getvalue()


def png(size: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), (30, 30, 200)).save(out, "PNG")
    return out.getvalue()


def wav(seconds: float = 0.25, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(_pcm(int(rate * seconds), rate))
    return out.getvalue()


def mp4(frames: int = 12, size: int = 64, noise: bool = False) -> bytes:
    """H.264 in MP4; `noise` makes frames that barely compress (to reach a target size)."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = size, size, "yuv420p"
        for i in range(frames):
            image = (Image.effect_noise((size, size), 120).convert("RGB") if noise
                     else Image.new("RGB", (size, size), (i * 20 % 256, 80, 160)))
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def mp3(seconds: float = 0.5, rate: int = 44100) -> bytes:
    out = io.BytesIO()
    with av.open(out, "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=rate)
        stream.layout = "mono"
        size = stream.codec_context.frame_size or 1152
        for k in range(int(rate * seconds) // size):
            frame = av.AudioFrame(format="s16", layout="mono", samples=size)
            frame.sample_rate, frame.pts = rate, k * size
            frame.planes[0].update(_pcm(size, rate))
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


SAMPLES = {"image/jpeg": jpeg, "image/png": png, "video/mp4": mp4, "audio/mpeg": mp3,
           "audio/wav": wav}
