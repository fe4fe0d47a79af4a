"""A small bilingual catalogue, registered through the real services, for the search tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from clearinghouse.access.domain import Role
from tests.support.factories import Actor, make_actor, make_holding, make_work


@dataclass
class Catalogue:
    summer_records: Actor
    blue_river: Actor
    light: str  # 城市之光, alternative title 夏日 (registered first: oldest id)
    city: str  # 夏日城市 / Summer City
    breeze: str  # Summer Breeze, a short video with an ISRC
    trip: str  # 我们在夏日里旅行的故事
    xia: str  # 夏, a film clip
    winter: str  # Winter Song, registered by Blue River

    @property
    def all(self) -> list[str]:
        return [self.light, self.city, self.breeze, self.trip, self.xia, self.winter]


@pytest.fixture
def catalogue(sessions) -> Catalogue:  # noqa: ANN001
    records = make_actor(sessions, "夏日唱片 Summer Records", Role.OWNER)
    blue = make_actor(sessions, "Blue River Music", Role.OWNER)
    light = make_work(sessions, records, title="城市之光", alt_titles=[{"title": "夏日"}],
                      creators=[{"name": "Summers", "role": "author"}], language="zh")
    city = make_work(sessions, records, title="夏日城市",
                     alt_titles=[{"title": "Summer City", "language": "en"}],
                     creators=[{"name": "王小明", "role": "composer"}], tags=["美食"],
                     language="zh")
    breeze = make_work(sessions, records, type="short_video", title="Summer Breeze",
                       creators=[{"name": "Lily Chen", "role": "director"}],
                       identifiers=[{"scheme": "isrc", "value": "CN-A00-17-00001"}], language="en")
    trip = make_work(sessions, records, type="short_video", title="我们在夏日里旅行的故事",
                     tags=["旅行", "Vlog"], language="zh")
    xia = make_work(sessions, records, type="film_clip", title="夏")
    winter = make_work(sessions, blue, type="sound_recording", title="Winter Song", tags=["VLOG"],
                       language="en")
    make_holding(sessions, records, city, share="50")
    make_holding(sessions, blue, city, share="50")  # a co-holder: Blue River owns part of 夏日城市
    make_holding(sessions, blue, winter)
    return Catalogue(records, blue, light, city, breeze, trip, xia, winter)
