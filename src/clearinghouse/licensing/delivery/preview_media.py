"""A short, low-quality preview of a media file, made with Pillow (images) and PyAV (sound and
video): enough to choose a work, never a usable copy of it.

- an image: a JPEG thumbnail at most THUMB_PIXELS on its longer side;
- sound: the first PREVIEW_SECONDS, mono, AUDIO_RATE Hz, AUDIO_BITRATE bit/s MP3;
- video: the first PREVIEW_SECONDS, at most VIDEO_HEIGHT lines and VIDEO_FPS frames a second,
  H.264 at VIDEO_BITRATE bit/s, with the sound as above in AAC, in MP4.

Pure file-to-file functions: where files live and when previews are made is previews.py's.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

from clearinghouse.core.errors import ValidationFailed
from clearinghouse.core.media_types import SNIFF_BYTES, sniff_media_type

PREVIEW_SECONDS = 20
THUMB_PIXELS = 320
VIDEO_HEIGHT = 240
VIDEO_FPS = 12
VIDEO_BITRATE = 250_000
AUDIO_RATE = 22_050
AUDIO_BITRATE = 48_000
IMAGE, AUDIO, VIDEO = "image", "audio", "video"
MEDIA_TYPES = {IMAGE: "image/jpeg", AUDIO: "audio/mpeg", VIDEO: "video/mp4"}
SUFFIXES = {IMAGE: ".jpg", AUDIO: ".mp3", VIDEO: ".mp4"}


def kind_of(head: bytes) -> str | None:
    """What preview a file starting with `head` gets: image, audio, video, or none (a format we
    do not read). An MP4 may hold only sound; the preview of it is then audio."""
    media_type = sniff_media_type(head[:SNIFF_BYTES]) or ""
    if media_type.startswith("image/"):
        return IMAGE
    if media_type.startswith("audio/"):
        return AUDIO
    if media_type.startswith("video/"):
        return VIDEO
    return None


def make(source: Path, target: Path, kind: str) -> str:
    """Write the preview of `source` to `target`; returns the kind written (a video without a
    picture stream becomes audio)."""
    try:
        if kind == IMAGE:
            _thumbnail(source, target)
            return IMAGE
        with av.open(str(source)) as probe:
            has_video = any(s.type == "video" and not _is_cover(s) for s in probe.streams)
        if kind == VIDEO and has_video:
            _video(source, target)
            return VIDEO
        _audio(source, target)
        return AUDIO
    except (OSError, av.error.FFmpegError, ValueError) as exc:
        target.unlink(missing_ok=True)
        raise ValidationFailed(f"the work's file cannot be previewed: {exc}", field="file") from exc


def _is_cover(stream: av.stream.Stream) -> bool:
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


def _thumbnail(source: Path, target: Path) -> None:
    with Image.open(source) as image:
        image.thumbnail((THUMB_PIXELS, THUMB_PIXELS))
        image.convert("RGB").save(target, "JPEG", quality=70)


def _audio(source: Path, target: Path) -> None:
    with av.open(str(source)) as src, av.open(str(target), "w", format="mp3") as out:
        stream = out.add_stream("libmp3lame", rate=AUDIO_RATE)
        stream.layout, stream.bit_rate = "mono", AUDIO_BITRATE
        _copy_sound(src, out, stream, "s16p")


def _copy_sound(src: av.container.InputContainer, out: av.container.OutputContainer,
                stream: av.audio.stream.AudioStream, sample_format: str) -> None:
    if not src.streams.audio:
        return
    resampler = av.AudioResampler(format=sample_format, layout="mono", rate=AUDIO_RATE)
    fifo = av.AudioFifo()
    size = stream.codec_context.frame_size or 1152
    limit = PREVIEW_SECONDS * AUDIO_RATE
    written = 0
    for frame in src.decode(src.streams.audio[0]):
        for piece in resampler.resample(frame):
            piece.pts = None
            fifo.write(piece)
        while written < limit and (chunk := fifo.read(size)) is not None:
            chunk.pts, written = written, written + chunk.samples
            out.mux(stream.encode(chunk))
        if written >= limit:
            break
    out.mux(stream.encode(None))


def _video(source: Path, target: Path) -> None:
    with av.open(str(source)) as src, av.open(str(target), "w", format="mp4") as out:
        video_in = next(s for s in src.streams.video if not _is_cover(s))
        height = min(VIDEO_HEIGHT, video_in.codec_context.height) // 2 * 2
        width = max(2, round(video_in.codec_context.width * height / video_in.codec_context.height) // 2 * 2)
        stream = out.add_stream("libx264", rate=VIDEO_FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.bit_rate = VIDEO_BITRATE
        stream.options = {"preset": "veryfast", "maxrate": str(VIDEO_BITRATE),
                          "bufsize": str(VIDEO_BITRATE * 2)}
        sound = None
        if src.streams.audio:  # every stream is added before the first packet is written
            sound = out.add_stream("aac", rate=AUDIO_RATE)
            sound.layout, sound.bit_rate = "mono", AUDIO_BITRATE
        next_pts = 0  # frames are kept at VIDEO_FPS: dropped from a faster source, none invented
        for frame in src.decode(video_in):
            if frame.time is None or frame.time >= PREVIEW_SECONDS:
                break
            if frame.time < next_pts / VIDEO_FPS:
                continue
            small = frame.reformat(width=width, height=height, format="yuv420p")
            small.pts, small.time_base = next_pts, Fraction(1, VIDEO_FPS)
            next_pts += 1
            out.mux(stream.encode(small))
        out.mux(stream.encode(None))
        if sound is not None:
            src.seek(0)
            _copy_sound(src, out, sound, "fltp")
