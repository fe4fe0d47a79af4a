"""Identification tests: real media decoded once per session (Debian's planetblupi music and
asterisk's spoken prompts), and the owners, works and callers the references and identify tests
need, on both databases."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from bench.identify_audio_edits import MUSIC_DIR, SPEECH_DIR, speech_prompts

from clearinghouse.access.domain import Role
from clearinghouse.identification.audio import SAMPLE_RATE
from clearinghouse.identification.media import decode_audio
from tests.conftest import unavailable
from tests.support.factories import Actor, make_actor, make_work

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

@dataclass
class World:
    owner: Actor
    other_owner: Actor
    licensee: Actor
    work_id: str
    other_work_id: str


@pytest.fixture
def world(sessions) -> World:  # noqa: ANN001
    owner = make_actor(sessions, "星光音乐 Starlight Music", Role.OWNER)
    other = make_actor(sessions, "别家唱片 Other Records", Role.OWNER)
    licensee = make_actor(sessions, "一条 Yitiao", Role.LICENSEE)
    work_id = make_work(sessions, owner, type="sound_recording", title="再见 Goodbye")
    other_work = make_work(sessions, other, type="photograph", title="宇航员 Astronaut")
    return World(owner, other, licensee, work_id, other_work)


@pytest.fixture
def own_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own system temp folder (the machine's is shared), for 'nothing left' checks."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def leftovers(*folders: Path) -> list[str]:
    """Every file under the folders (none once a request is over)."""
    return sorted(str(p) for folder in folders if folder.exists()
                  for p in folder.rglob("*") if p.is_file())
