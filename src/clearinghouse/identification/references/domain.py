"""What kind of reference a decoded file is, and the formats we take. Pure."""

from __future__ import annotations

from typing import Literal

ReferenceKind = Literal["audio", "video", "image"]
KINDS: tuple[ReferenceKind, ...] = ("audio", "video", "image")

# What owners may register, by kind (told by decoding, never by name or declared type).
FORMATS = {
    "audio": "mp3, aac/m4a, ogg, opus, wav, flac",
    "video": "mp4, mov, webm, mkv",
    "image": "jpeg, png, webp",
}
# The containers PyAV reports for those formats (a comma list such as "mov,mp4,m4a,3gp").
_CONTAINERS = {
    "audio": {"mp3", "aac", "mov", "mp4", "ogg", "wav", "flac", "matroska", "webm"},
    "video": {"mov", "mp4", "matroska", "webm"},
    "image": {"png_pipe", "jpeg_pipe", "webp_pipe"},
}


def classify(*, has_audio: bool, has_video: bool, is_image: bool) -> ReferenceKind:
    """A still picture is an image; moving pictures (with or without sound) a video; else audio."""
    if is_image:
        return "image"
    if has_video:
        return "video"
    return "audio" if has_audio else "image"


def accepted_container(kind: ReferenceKind, container: str) -> bool:
    """Whether PyAV's container name (possibly a comma list) is one of the formats of `kind`."""
    return bool(_CONTAINERS[kind] & {part.strip() for part in container.split(",")})


def reference_key(work_id: str, sha256: str) -> str:
    """The file store key: by content, so the same bytes twice are stored once."""
    return f"references/{work_id}/{sha256}"
