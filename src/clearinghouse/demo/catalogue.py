"""The demo catalogue, generated from a seed: songs, recordings, short videos and photos.

Pure: `build_catalogue(seed)` returns the same specs every time for the same seed; the loader
turns them into works and holdings through the registry services. Parties are named by keys
(`yitiao`, `pub_a`, `mcn`, …) that the loader maps to party ids.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clearinghouse.core.identifiers import iswc_check_digit
from clearinghouse.demo import names

SEED = 2017
SONGS, RECORDINGS, VIDEOS_PER_STUDIO, PHOTOS = 60, 50, 20, 30
# Each holding carries what licensing asks of its category (see licensing.quotes.engine), so
# the demo's routine uses can be quoted: sync for songs, master use for recordings, etc.
PUBLISHING = ("synchronisation", "mechanical", "reproduce", "distribute", "modify")
MASTER = ("master_use", "reproduce", "distribute", "modify")
VIDEO_RIGHTS = ("reproduce", "distribute", "perform_public", "display_public", "modify")
PHOTO_RIGHTS = ("reproduce", "distribute", "display_public", "modify")
# How songs are published, in turn: (holder, share) lists; co-published shares add up to 100.
SPLITS = (
    (("pub_a", "100"),),
    (("pub_b", "100"),),
    (("pub_a", "50"), ("pub_b", "50")),
    (("pub_a", "100"),),
    (("pub_a", "60"), ("pub_b", "40")),
    (("pub_b", "100"),),
    (("pub_a", "33.3333"), ("pub_b", "33.3333"), ("songwriter", "33.3334")),
)
TERRITORIES = (("GREATER_CHINA",), ("CN",), ("WORLD",), ("CN", "HK", "MO"))


@dataclass(frozen=True)
class HoldingSpec:
    holder: str
    rights: tuple[str, ...]
    share: str
    territories: tuple[str, ...]
    valid_from: date
    valid_to: date | None = None
    administrator: str | None = None
    collective: bool = False
    by: str | None = None  # who registers it (default: the holder)
    disputed: bool = False  # a claim the work's registrant leaves pending (the conflicts queue)


@dataclass
class WorkSpec:
    key: str
    registrant: str
    fields: dict[str, Any]  # WorkCreate fields except relations and on_behalf_of
    on_behalf_of: str | None = None
    relations: list[tuple[str, str]] = field(default_factory=list)  # (kind, work key)
    holdings: list[HoldingSpec] = field(default_factory=list)


@dataclass(frozen=True)
class OfferSpec:
    """A rate card: one owner's price for a routine license template, over its catalogue."""

    holder: str
    template: str  # template code (seeded by migration 0003)
    rights: tuple[str, ...]
    currency: str = "CNY"
    fixed_fee_minor: int | None = None
    per_1000_plays_minor: int | None = None
    declined: bool = False
    by: str | None = None  # an agent pricing under its mandate (default: the holder)


def demo_offers() -> list[OfferSpec]:
    """Prices are the owners' own (invented here); the clearinghouse never sets them."""
    sync, master = ("synchronisation", "modify"), ("master_use", "modify")
    video = ("reproduce", "perform_public", "modify")
    photo = ("reproduce", "display_public", "modify")
    offers = [
        OfferSpec("pub_a", "creator-short-video-30s", sync, fixed_fee_minor=30_000),
        OfferSpec("pub_a", "branded-short-video-ad", sync, fixed_fee_minor=300_000,
                  per_1000_plays_minor=50),
        OfferSpec("pub_b", "creator-short-video-30s", sync, fixed_fee_minor=25_000),
        # Priced in dollars, so the worked example in docs/licensing.md shows a conversion.
        OfferSpec("pub_b", "branded-short-video-ad", sync, "USD", fixed_fee_minor=29_999),
        OfferSpec("pub_b", "exclusive-brand-campaign", ("synchronisation",), declined=True),
        OfferSpec("songwriter", "creator-short-video-30s", sync, fixed_fee_minor=20_000),
        OfferSpec("label", "creator-short-video-30s", master, "USD", fixed_fee_minor=3_000),
        OfferSpec("label", "branded-short-video-ad", master, fixed_fee_minor=200_000),
        OfferSpec("yitiao", "photo-in-video", photo, fixed_fee_minor=10_000),
        OfferSpec("ergeng", "photo-in-video", photo, fixed_fee_minor=8_000),
    ]
    for key, _, _, _ in names.STUDIOS:
        by = "mcn" if key in names.MCN_STUDIOS else None
        offers.append(OfferSpec(key, "creator-short-video-30s", video, fixed_fee_minor=50_000,
                                by=by))
    return offers


def iswc(number: int) -> str:
    body = f"{number:09d}"
    return f"T-{body[:3]}.{body[3:6]}.{body[6:]}-{iswc_check_digit(body)}"


def _person(rng: random.Random) -> str:
    return rng.choice(names.SURNAMES) + rng.choice(names.GIVEN_NAMES)


def _day(rng: random.Random, start: date, end: date) -> date:
    return date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def _term(rng: random.Random, start: date) -> date | None:
    # Long terms: a demo loaded years from now should still find its rights in force.
    return None if rng.random() < 0.6 else start.replace(year=start.year + rng.choice((20, 25, 30)))


def _songs(rng: random.Random) -> list[WorkSpec]:
    pairs = [(a, b) for a in names.SONG_FIRST for b in names.SONG_SECOND]
    rng.shuffle(pairs)
    first = (names.SONG_FIRST[0], names.SONG_SECOND[0])  # 夏日的风, the README's search example
    pairs.remove(first)
    specs = []
    for i, ((a_zh, a_en), (b_zh, b_en)) in enumerate([first, *pairs[: SONGS - 1]]):
        zh, en = f"{a_zh}的{b_zh}", f"{a_en} {b_en}"
        english = i % 10 == 7  # some songs are released under their English title
        genre = rng.choice(names.GENRES)
        published = _day(rng, date(2016, 1, 1), date(2017, 9, 30))
        start = date(published.year, published.month, 1)
        territories = rng.choice(TERRITORIES)
        spec = WorkSpec(f"song-{i:03d}", "", {
            "type": "musical_composition", "title": en if english else zh,
            "alt_titles": [{"title": zh, "language": "zh"} if english else
                           {"title": en, "language": "en"}],
            "creators": [{"name": _person(rng), "role": "lyricist"},
                         {"name": _person(rng), "role": "composer"}],
            "length": rng.randint(150, 300), "language": "en" if english else "zh",
            "tags": [genre[0], genre[1], "歌曲", "song"], "publication_date": published,
            "identifiers": [{"scheme": "iswc", "value": iswc(917_000_000 + i * 1_379)}],
            "moral_rights": rng.choice(("approval_required", "consents_to_modification")),
        })
        split = SPLITS[i % len(SPLITS)]
        spec.registrant = split[0][0]
        end = _term(rng, start)
        spec.holdings = [HoldingSpec(holder, PUBLISHING, share, territories, start, end)
                         for holder, share in split]
        if i % 5 == 1:  # public performance left to the (fictional) collecting society
            spec.holdings.append(HoldingSpec(split[0][0], ("perform_public",), "100", ("CN",),
                                             start, None, "society", True))
        specs.append(spec)
    return specs


def _recordings(rng: random.Random, songs: list[WorkSpec]) -> list[WorkSpec]:
    specs = []
    for i, song in enumerate(songs[:RECORDINGS]):
        released = song.fields["publication_date"]
        start = date(released.year, released.month, 1)
        specs.append(WorkSpec(f"rec-{i:03d}", "label", {
            "type": "sound_recording", "title": song.fields["title"],
            "alt_titles": song.fields["alt_titles"],
            "creators": [{"name": _person(rng), "role": "performer"},
                         {"name": _person(rng), "role": "producer"}],
            "length": song.fields["length"], "language": song.fields["language"],
            "tags": song.fields["tags"][:2] + ["录音", "recording"], "publication_date": released,
            "identifiers": [{"scheme": "isrc", "value": f"CN-E01-{released:%y}-{i + 1:05d}"}],
        }, relations=[("embodies", song.key)],
            holdings=[HoldingSpec("label", MASTER, "100", ("WORLD",), start)]))
    return specs


def _fill(rng: random.Random, template: tuple[str, str]) -> tuple[str, str, list[str]]:
    picks = {
        "city": rng.choice(names.CITIES), "dish": rng.choice(names.DISHES),
        "craft": rng.choice(names.CRAFTS), "person": rng.choice(names.PEOPLE),
        "thing": rng.choice(names.SITUATIONS), "machine": rng.choice(names.MACHINES),
        "film": rng.choice(names.FILMS),
    }
    values = {k: zh for k, (zh, _) in picks.items()}
    values |= {f"{k}_en": en for k, (_, en) in picks.items()}
    values["n"] = values["n_en"] = str(rng.choice((3, 5, 7, 10)))
    zh, en = template[0].format(**values), template[1].format(**values)
    used = [picks[k][0] for k in ("city", "dish", "craft", "machine")
            if "{" + k + "}" in template[0]]
    return zh, en[0].upper() + en[1:], used


def _videos(rng: random.Random, recordings: list[WorkSpec]) -> list[WorkSpec]:
    specs: list[WorkSpec] = []
    titles: set[str] = set()
    for key, name_zh, _, kind in names.STUDIOS:
        managed = key in names.MCN_STUDIOS
        for n in range(VIDEOS_PER_STUDIO):
            zh, en, used = _fill(rng, rng.choice(names.VIDEO_TITLES[kind]))
            if zh in titles:  # a series: number the repeat
                zh, en = f"{zh}（第{n + 1}集）", f"{en} (ep. {n + 1})"
            titles.add(zh)
            published = _day(rng, date(2017, 7, 1), date(2017, 9, 30))  # the report's quarter
            platforms = rng.sample(names.PLATFORMS, rng.randint(1, 2))
            seq = len(specs)
            spec = WorkSpec(f"video-{seq:03d}", "mcn" if managed else key, {
                "type": "short_video", "title": zh, "alt_titles": [{"title": en, "language": "en"}],
                "creators": [{"name": _person(rng), "role": "director"}],
                "length": rng.randint(45, 600), "language": "zh",
                "tags": [*names.VIDEO_TAGS[kind], *used, *(p[1] for p in platforms)],
                "description": f"{name_zh}出品的短视频。A short video by {name_zh}.",
                "publication_date": published,
                "identifiers": [{"scheme": f"platform:{p[3]}",
                                 "value": f"64{seq:05d}{rng.randrange(10**12):012d}"}
                                for p in platforms],
                "moral_rights": "approval_required",
            }, on_behalf_of=key if managed else None)
            if rng.random() < 0.4:
                spec.relations.append(("contains", rng.choice(recordings).key))
            territories = ("WORLD",) if key == "yitiao" else rng.choice(TERRITORIES)
            spec.holdings.append(HoldingSpec(key, VIDEO_RIGHTS, "100", territories, published,
                                             administrator="mcn" if managed else None,
                                             by="mcn" if managed else None))
            specs.append(spec)
    return specs


def _photos(rng: random.Random) -> list[WorkSpec]:
    specs = []
    for i in range(PHOTOS):
        (city, city_en), (scene, scene_en) = rng.choice(names.CITIES), rng.choice(names.SCENES)
        owner = ("yitiao", "ergeng")[i % 2]
        taken = _day(rng, date(2017, 1, 1), date(2017, 9, 30))
        width, height = rng.choice(((6000, 4000), (4000, 3000), (5472, 3648)))
        specs.append(WorkSpec(f"photo-{i:03d}", owner, {
            "type": "photograph", "title": f"{city}·{scene}（{i + 1}）",
            "alt_titles": [{"title": f"{city_en} {scene_en} ({i + 1})", "language": "en"}],
            "creators": [{"name": _person(rng), "role": "photographer"}],
            "length": width * height, "tags": ["摄影", "photo", city, scene],
            "publication_date": taken,
        }, holdings=[HoldingSpec(owner, PHOTO_RIGHTS, "100", ("WORLD",), taken)]))
    return specs


def _conflicting_claims(songs: list[WorkSpec], recordings: list[WorkSpec],
                        videos: list[WorkSpec]) -> None:
    """Claims of 100% of a right someone already holds fully, left pending: the conflicts queue."""
    song = songs[3]  # published by pub_a alone (SPLITS[3])
    song.holdings.append(HoldingSpec("pub_b", ("synchronisation",), "100", ("CN",),
                                     song.holdings[0].valid_from, disputed=True))
    recording = recordings[10]
    recording.holdings.append(HoldingSpec("songwriter", ("master_use",), "100", ("CN",),
                                          date(2017, 9, 1), disputed=True))
    video = next(v for v in videos if v.registrant == "ergeng")
    video.holdings.append(HoldingSpec("yitiao", ("reproduce",), "100", ("WORLD",),
                                      video.holdings[0].valid_from, disputed=True))


# The worked example's song (docs/royalties-worked-example.md): co-owned 50/30/20 in China, so
# each holder's royalties round on their own; licensed to 抖音 and 快手 on running terms.
EXAMPLE_SONG_KEY = "song-example"
EXAMPLE_SONG_ISWC = iswc(917_200_000)
EXAMPLE_SPLIT = (("pub_a", "50"), ("pub_b", "30"), ("songwriter", "20"))


def example_song() -> WorkSpec:
    start = date(2017, 1, 1)
    return WorkSpec(EXAMPLE_SONG_KEY, "pub_a", {
        "type": "musical_composition", "title": "六月合唱",
        "alt_titles": [{"title": "June Chorus", "language": "en"}],
        "creators": [{"name": "陈一鸣", "role": "lyricist"}, {"name": "陈一鸣", "role": "composer"}],
        "length": 200, "language": "zh", "tags": ["流行", "pop", "歌曲", "song"],
        "publication_date": start, "identifiers": [{"scheme": "iswc", "value": EXAMPLE_SONG_ISWC}],
        "moral_rights": "consents_to_modification",
    }, holdings=[HoldingSpec(holder, PUBLISHING, share, ("CN",), start)
                 for holder, share in EXAMPLE_SPLIT])


def build_catalogue(seed: int = SEED) -> list[WorkSpec]:
    """About 300 works in the order they must be created (a recording after its song)."""
    rng = random.Random(seed)
    songs = _songs(rng)
    recordings = _recordings(rng, songs)
    videos = _videos(rng, recordings)
    photos = _photos(rng)
    _conflicting_claims(songs, recordings, videos)
    return [*songs, *recordings, *videos, *photos, example_song()]
