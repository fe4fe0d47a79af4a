"""Decoding reference and upload media with PyAV, within bounds.

Everything the fingerprinters read comes through here, so every limit lives in one place: a
duration ceiling, a pixel ceiling and one error type for files that cannot be read. Callers that
decode untrusted uploads run these functions in a worker process (core/isolation.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from clearinghouse.core.errors import ValidationFailed

MAX_SECONDS = 2 * 60 * 60  # a reference or an upload longer than two hours is refused
MAX_PIXELS = 40_000_000  # an image (or a frame) larger than 40 megapixels is refused


class UnreadableMedia(ValidationFailed):
    code = "unreadable_media"


class MediaTooLong(ValidationFailed):
    code = "media_too_long"


@dataclass(frozen=True)
class MediaInfo:
    duration: float  # seconds; 0.0 for a still image
    has_audio: bool
    has_video: bool
    is_image: bool


def _open(source: Path | str):  # noqa: ANN202 - PyAV's container type
    try:
        return av.open(str(source))
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise UnreadableMedia(f"not a media file we can read: {exc}") from exc


def probe(source: Path | str) -> MediaInfo:
    with _open(source) as container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        if video is None and audio is None:
            raise UnreadableMedia("the file has neither sound nor picture")
        duration = float(container.duration / av.time_base) if container.duration else 0.0
        frames = video.frames if video is not None else 0
        # Image formats decode as a one-frame video with no duration (png, jpeg, webp).
        is_image = audio is None and video is not None and duration <= 0.05 and frames <= 1
        if duration > MAX_SECONDS:
            raise MediaTooLong(f"{duration:.0f} s is longer than the {MAX_SECONDS} s allowed")
        return MediaInfo(duration=0.0 if is_image else duration, has_audio=audio is not None,
                         has_video=video is not None and not is_image, is_image=is_image)


def decode_audio(source: Path | str, *, sample_rate: int,
                 max_seconds: float = MAX_SECONDS) -> np.ndarray:
    """The first sound track as mono float32 samples (about [-1, 1]) at `sample_rate`."""
    limit = int(max_seconds * sample_rate)
    chunks: list[np.ndarray] = []
    total = 0
    with _open(source) as container:
        if not container.streams.audio:
            raise UnreadableMedia("the file has no sound")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    total += chunk.size
                if total > limit:
                    raise MediaTooLong(f"the sound is longer than the {max_seconds:.0f} s allowed")
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except av.FFmpegError as exc:
            raise UnreadableMedia(f"the sound could not be decoded: {exc}") from exc
    if not chunks:
        raise UnreadableMedia("the sound track is empty")
    return np.concatenate(chunks).astype(np.float32, copy=False)


def iter_video_frames(source: Path | str, *, fps: float, max_side: int = 512,
                      max_seconds: float = MAX_SECONDS) -> Iterator[tuple[float, np.ndarray]]:
    """(time in seconds, RGB uint8 frame) about `fps` times a second, longest side <= max_side."""
    step = 1.0 / fps
    next_time = 0.0
    with _open(source) as container:
        if not container.streams.video:
            raise UnreadableMedia("the file has no picture")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        try:
            for frame in container.decode(stream):
                if frame.time is None:
                    continue
                if frame.time > max_seconds:
                    raise MediaTooLong(f"the video is longer than the {max_seconds:.0f} s allowed")
                if frame.time + 1e-6 < next_time:
                    continue
                next_time = frame.time + step
                yield frame.time, _rgb(frame, max_side)
        except av.FFmpegError as exc:
            raise UnreadableMedia(f"the video could not be decoded: {exc}") from exc


def load_image(source: Path | str, *, max_side: int | None = None) -> np.ndarray:
    """A still image (jpeg, png, webp) as an RGB uint8 array."""
    with _open(source) as container:
        if not container.streams.video:
            raise UnreadableMedia("the file is not an image")
        try:
            for frame in container.decode(container.streams.video[0]):
                return _rgb(frame, max_side)
        except av.FFmpegError as exc:
            raise UnreadableMedia(f"the image could not be decoded: {exc}") from exc
    raise UnreadableMedia("the image has no picture")


def _rgb(frame: av.VideoFrame, max_side: int | None) -> np.ndarray:
    if frame.width * frame.height > MAX_PIXELS:
        raise UnreadableMedia(f"{frame.width}×{frame.height} is larger than {MAX_PIXELS} pixels")
    if max_side and max(frame.width, frame.height) > max_side:
        scale = max_side / max(frame.width, frame.height)
        width = max(2, int(round(frame.width * scale)))
        height = max(2, int(round(frame.height * scale)))
        return frame.to_ndarray(format="rgb24", width=width, height=height)
    return frame.to_ndarray(format="rgb24")
