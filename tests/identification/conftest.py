"""Real media, decoded once per session: Debian's planetblupi music and asterisk's spoken prompts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bench.identify_audio_edits import MUSIC_DIR, SPEECH_DIR, speech_prompts

from clearinghouse.identification.audio import SAMPLE_RATE
from clearinghouse.identification.media import decode_audio
from tests.conftest import unavailable

MUSIC_TRACKS = ("music004.ogg", "music005.ogg", "music006.ogg", "music007.ogg")


@pytest.fixture(scope="session")
def music() -> dict[str, np.ndarray]:
    """Four ten-minute tracks as mono float32 at the audio fingerprint's sample rate."""
    missing = [name for name in MUSIC_TRACKS if not (MUSIC_DIR / name).exists()]
    if missing or not SPEECH_DIR.exists():
        unavailable("the Debian packages planetblupi-music-ogg and asterisk-core-sounds-en-wav "
                    "are not installed (.ci/run installs them)")
    return {Path(name).stem: decode_audio(MUSIC_DIR / name, sample_rate=SAMPLE_RATE)
            for name in MUSIC_TRACKS}


@pytest.fixture(scope="session")
def prompts(music: dict[str, np.ndarray]) -> list[np.ndarray]:
    return speech_prompts(SAMPLE_RATE, count=12)
