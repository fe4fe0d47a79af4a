"""Identification tests: the owners, works and callers they need, on both databases."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from clearinghouse.access.domain import Role
from tests.support.factories import Actor, make_actor, make_work


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
