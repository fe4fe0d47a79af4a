"""Generated event logs with known actors: people (a seeded random day of short-video watching)
and one bot for each cleaning rule. Every row remembers who made it, so tests can check that each
bot is removed by its rule and people survive.

Times are written in China's offset (+08:00) on the days of `DAYS`.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
DAYS = (datetime(2026, 10, 5, tzinfo=CST), datetime(2026, 10, 6, tzinfo=CST))
PERIOD = "2026-10"
COLUMNS = ("device_id", "event_time", "event_type", "watch_seconds", "territory", "province",
           "age_band", "gender", "channel", "platform_content_id", "work_id", "isrc", "license_id",
           "content_seconds")
PROVINCES = ("CN-BJ", "CN-SH", "CN-GD", "CN-ZJ", "CN-SC", "CN-HB")
HUMAN = "human"
# the bots, each named by the rule that should remove it
CLICK_FARM = "too_many_plays"
BURST_BOT = "burst"
ALL_DAY_DEVICE = "too_much_watch"
DUPLICATING_CLIENT = "duplicate"
TELEPORTER = "implausible_place"
ROTATING_IDS = "many_ids"
LYING_PLAYER = "impossible_watch"


@dataclass
class Traffic:
    rows: list[dict[str, str]] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)  # who made each row
    copies: list[bool] = field(default_factory=list)  # True for a row sent again (a duplicate)

    def add(self, actor: str, row: dict[str, str], copy: bool = False) -> None:
        self.rows.append(row)
        self.actors.append(actor)
        self.copies.append(copy)

    def line_no(self, index: int) -> int:
        return index + 2  # the CSV's header is line 1

    def csv_bytes(self, encoding: str = "utf-8") -> bytes:
        out = io.StringIO()
        writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue().encode(encoding)

    def jsonl_bytes(self) -> bytes:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.rows).encode()


@dataclass(frozen=True)
class Content:
    content_id: str
    seconds: int
    isrc: str | None = None


def catalogue(rng: random.Random, size: int = 150) -> list[Content]:
    return [Content(f"dy_{i:05d}", rng.randint(15, 180), f"CNA0126{i:05d}" if i % 3 == 0 else None)
            for i in range(size)]


def row(device: str, when: datetime, event_type: str, *, watch: int = 0, content: Content | None = None,
         territory: str = "CN", province: str | None = "CN-BJ", channel: str = "douyin",
         age_band: str = "18-24", gender: str = "f") -> dict[str, str]:
    return {
        "device_id": device, "event_time": when.isoformat(timespec="seconds"), "event_type": event_type,
        "watch_seconds": str(watch), "territory": territory, "province": province or "",
        "age_band": age_band, "gender": gender, "channel": channel,
        "platform_content_id": content.content_id if content else "", "work_id": "",
        "isrc": (content.isrc or "") if content else "", "license_id": "",
        "content_seconds": str(content.seconds) if content else "",
    }


def person_day(traffic: Traffic, rng: random.Random, works: list[Content], device: str, day: datetime, *,
               actor: str = HUMAN, channel: str = "douyin", province: str = "CN-BJ", copies: bool = False) -> None:
    """One to three sessions between 07:00 and 23:00, each a launch and 5 to 40 plays in a row."""
    starts = sorted(rng.uniform(7, 22) for _ in range(rng.randint(1, 3)))
    when = day
    for start in starts:
        when = max(when + timedelta(minutes=5), day + timedelta(hours=start))
        _emit(traffic, actor, row(device, when, "launch", province=province, channel=channel), copies, rng)
        for _ in range(rng.randint(5, 40)):
            when += timedelta(seconds=rng.randint(1, 8))
            work = rng.choice(works)
            watch = work.seconds if rng.random() < 0.4 else rng.randint(2, work.seconds)
            _emit(traffic, actor, row(device, when, "play", watch=watch, content=work, province=province,
                                       channel=channel), copies, rng)
            when += timedelta(seconds=watch)
            if watch == work.seconds:
                _emit(traffic, actor, row(device, when, "complete", content=work, province=province,
                                           channel=channel), copies, rng)


def _emit(traffic: Traffic, actor: str, row: dict[str, str], copies: bool, rng: random.Random) -> None:
    traffic.add(actor, row)
    if copies:  # a client that retries without checking: every event once or twice more
        for _ in range(rng.randint(1, 2)):
            traffic.add(actor, dict(row), copy=True)


def generate(seed: int = 14, people: int = 120) -> Traffic:
    rng = random.Random(seed)
    works = catalogue(rng)
    traffic = Traffic()
    for n in range(people):
        channel = "kuaishou" if n % 4 == 0 else "douyin"
        province = PROVINCES[n % len(PROVINCES)]
        for day in DAYS:
            person_day(traffic, rng, works, f"h{n:04d}", day, channel=channel, province=province)
    travelling_people(traffic, rng, works)
    day = DAYS[0]
    click_farm(traffic, rng, day)
    burst_bot(traffic, rng, works, day)
    all_day_device(traffic, day)
    person_day(traffic, rng, works, "dup-client", day, actor=DUPLICATING_CLIENT, copies=True)
    teleporter(traffic, rng, works, day)
    rotating_ids(traffic, day)
    lying_player(traffic, rng, works, day)
    return traffic


def travelling_people(traffic: Traffic, rng: random.Random, works: list[Content]) -> None:
    """People who move as people can: a flight Beijing → Shanghai, and across the Hong Kong border."""
    day = DAYS[0]
    for i in range(6):  # three plays in Beijing at 08:00, three in Shanghai three hours later
        when = day + timedelta(hours=8 + 3 * (i // 3), minutes=2 * i)
        traffic.add(HUMAN, row("flyer", when, "play", watch=min(60, works[i].seconds), content=works[i],
                                province=PROVINCES[i // 3]))
    for i, (territory, province) in enumerate([("CN", "CN-GD"), ("HK", None), ("CN", "CN-GD")]):
        when = day + timedelta(hours=10, minutes=40 * i)
        traffic.add(HUMAN, row("commuter", when, "play", watch=min(30, works[1].seconds), content=works[1],
                                territory=territory,
                                province=province))


def click_farm(traffic: Traffic, rng: random.Random, day: datetime) -> None:
    """Five phones playing one promoted 10-second song around the clock, every 20 to 30 seconds."""
    song = Content("dy_farm_song", 10)
    for phone in range(5):
        when = day + timedelta(seconds=rng.randint(0, 30))
        while when < day + timedelta(hours=23, minutes=59):
            traffic.add(CLICK_FARM, row(f"farm-{phone}", when, "play", watch=10, content=song))
            when += timedelta(seconds=rng.randint(20, 30))


def burst_bot(traffic: Traffic, rng: random.Random, works: list[Content], day: datetime) -> None:
    """A device that starts 50 plays within 40 seconds, twice, and otherwise looks like a person."""
    person_day(traffic, rng, works, "burster", day, actor=BURST_BOT)
    for hour in (3, 4):
        for i in range(50):
            when = day + timedelta(hours=hour, seconds=i * 0.8)
            traffic.add(BURST_BOT, row("burster", when.replace(microsecond=0), "play", watch=0,
                                        content=works[i]))


def all_day_device(traffic: Traffic, day: datetime) -> None:
    """A device playing 60-second videos back to back for 24 hours."""
    loop = Content("dy_loop", 60)
    when = day
    while when < day + timedelta(hours=23, minutes=58):
        traffic.add(ALL_DAY_DEVICE, row("always-on", when, "play", watch=60, content=loop))
        when += timedelta(seconds=61)


def teleporter(traffic: Traffic, rng: random.Random, works: list[Content], day: datetime) -> None:
    """Plays in Beijing, then in the United States ten minutes later, then in Beijing again."""
    for i, territory in enumerate(["CN", "CN", "US", "CN"]):
        when = day + timedelta(hours=12, minutes=10 * i)
        traffic.add(TELEPORTER, row("jumper", when, "play", watch=min(30, works[i + 2].seconds), content=works[i + 2],
                                     territory=territory, province="CN-BJ" if territory == "CN" else None))


def rotating_ids(traffic: Traffic, day: datetime) -> None:
    """One scripted device: a launch and the same six plays, then a new id, thirty times a day."""
    script = [(Content(f"dy_push_{i}", 30), 25, 3) for i in range(6)]  # content, watch, pause after
    for n in range(30):
        when = day + timedelta(minutes=40 * n + 1)
        device = f"rot-{n:03d}"
        traffic.add(ROTATING_IDS, row(device, when, "launch"))
        for content, watch, pause in script:
            when += timedelta(seconds=2)
            traffic.add(ROTATING_IDS, row(device, when, "play", watch=watch, content=content))
            when += timedelta(seconds=watch + pause)


def lying_player(traffic: Traffic, rng: random.Random, works: list[Content], day: datetime) -> None:
    """A player that reports 5,000 seconds watched for every play of a 30-second video."""
    short = Content("dy_short", 30)
    for i in range(20):
        when = day + timedelta(hours=9, minutes=2 * i)
        traffic.add(LYING_PLAYER, row("liar", when, "play", watch=5000, content=short))
