"""Decoding a file and extracting its fingerprints: what runs inside the worker process.

The audio and visual fingerprinters (identification/audio, identification/visual) are separate
packages; until a process has them, a file is still decoded in full (so a broken or hostile file
is refused all the same) and simply yields no prints.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import av

from clearinghouse.identification import media
from clearinghouse.identification.media import UnreadableMedia
from clearinghouse.identification.references.domain import (
    FORMATS,
    ReferenceKind,
    accepted_container,
    classify,
)

PLAIN_AUDIO_RATE = 8000  # decoding only (no audio fingerprinter): enough to measure and check
PLAIN_VIDEO_FPS, PLAIN_MAX_SIDE = 1.0, 64


FINGERPRINTERS = ("audio", "visual")


def fingerprinter_modules() -> tuple[str, ...]:
    """The fingerprint packages this build has, by module name (a worker imports them before its
    memory is capped, so the cap bounds the decoding, not OpenCV's and FAISS's code)."""
    names = (f"clearinghouse.identification.{name}" for name in FINGERPRINTERS)
    return tuple(name for name in names if importlib.util.find_spec(name) is not None)


def fingerprinter(name: str) -> ModuleType | None:
    """identification.audio or identification.visual, when this build has it."""
    try:
        return importlib.import_module(f"clearinghouse.identification.{name}")
    except ImportError:
        return None


@dataclass(frozen=True)
class MediaJob:
    path: str
    max_seconds: float


@dataclass(frozen=True)
class Prints:
    """A decoded file's kind, length and fingerprints (the packages' to_bytes form). Plain data:
    it crosses back from the worker and travels between Spark executors."""

    kind: ReferenceKind
    container: str
    duration: float
    audio: bytes | None = None
    visual: bytes | None = None
    audio_count: int = 0
    visual_count: int = 0


def _container(path: str) -> str:
    try:
        with av.open(path) as container:
            return str(container.format.name)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise UnreadableMedia(f"not a media file we can read: {exc}") from exc


def _count(prints: Any) -> int:
    """How many prints a package's object holds: (visual) the pictures hashed, (audio) the
    spectral peaks."""
    frames = getattr(prints, "frames", None)
    if isinstance(frames, int):
        return frames
    peaks = getattr(prints, "peaks", None)
    return int(getattr(getattr(peaks, "times", None), "size", 1))


def extract(job: MediaJob) -> Prints:
    """Decode `job.path` whole, within the bounds, and fingerprint it. Runs in the worker."""
    path = job.path
    container = _container(path)
    info = media.probe(path)
    kind = classify(has_audio=info.has_audio, has_video=info.has_video, is_image=info.is_image)
    if not accepted_container(kind, container):
        raise UnreadableMedia(f"a {container.split(',')[0]} file is not a format we take; "
                              f"{kind}: {FORMATS[kind]}")
    if info.duration > job.max_seconds:
        raise media.MediaTooLong(f"{info.duration:.0f} s is longer than the "
                                 f"{job.max_seconds:.0f} s allowed")
    audio_pkg, visual_pkg = fingerprinter("audio"), fingerprinter("visual")
    duration, audio, visual, audio_count, visual_count = info.duration, None, None, 0, 0
    if kind != "image" and info.has_audio:
        rate = audio_pkg.SAMPLE_RATE if audio_pkg else PLAIN_AUDIO_RATE
        samples = media.decode_audio(path, sample_rate=rate, max_seconds=job.max_seconds)
        duration = max(duration, samples.size / rate)
        if audio_pkg is not None:
            found = audio_pkg.extract(samples)
            audio, audio_count = found.to_bytes(), _count(found)
    if kind == "video":
        fps = visual_pkg.VIDEO_FPS if visual_pkg else PLAIN_VIDEO_FPS
        side = visual_pkg.MAX_SIDE if visual_pkg else PLAIN_MAX_SIDE
        frames = list(media.iter_video_frames(path, fps=fps, max_side=side,
                                              max_seconds=job.max_seconds))
        if not frames:
            raise UnreadableMedia("the video has no picture that can be decoded")
        duration = max(duration, frames[-1][0])
        if visual_pkg is not None:
            found = visual_pkg.extract_video(frames)
            visual, visual_count = found.to_bytes(), _count(found)
    if kind == "image":
        rgb = media.load_image(path, max_side=visual_pkg.MAX_SIDE if visual_pkg else None)
        if visual_pkg is not None:
            found = visual_pkg.extract_image(rgb)
            visual, visual_count = found.to_bytes(), _count(found)
    return Prints(kind, container, 0.0 if kind == "image" else duration, audio, visual,
                  audio_count, visual_count)


def extract_path(path: Path, max_seconds: float) -> Prints:
    """`extract` in this process: for trusted batch jobs (Spark executors), not uploads."""
    return extract(MediaJob(str(path), max_seconds))
