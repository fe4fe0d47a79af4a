"""A synthetic catalogue for the search benchmark: seeded, written with bulk inserts.

Titles are built from word lists the way short-video and music titles look: Chinese titles of
two to four words (`夏日城市美食`, `我的旅行日记 第12期`), English ones (`Summer City Nights`),
and mixed ones; about a third of the works carry an alternative title in the other language.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection

from clearinghouse.registry.tables import (
    Holding,
    Party,
    Work,
    WorkCreator,
    WorkIdentifier,
    WorkRelation,
    WorkTag,
)


def _words(text: str) -> list[str]:
    return text.split()


ZH_WORDS = _words(
    "夏日 夏天 夏夜 初夏 春天 春风 秋天 秋风 冬天 冬雪 城市 城里 乡村 故乡 家乡 美食 小吃 火锅 "
    "烧烤 早餐 午餐 晚餐 咖啡 奶茶 甜品 旅行 旅途 出发 远方 路上 回家 日记 日常 生活 时光 岁月 "
    "青春 少年 少女 爱情 友情 亲情 记忆 回忆 梦想 希望 星空 月光 阳光 海边 大海 山水 江南 草原 "
    "沙漠 森林 雨天 下雨 晴天 北京 上海 成都 重庆 西安 杭州 广州 深圳 长沙 武汉 南京 厦门 "
    "校园 毕业 考试 工作 加班 周末 假期 音乐 舞蹈 唱歌 吉他 钢琴 电影 故事 传说 英雄 江湖 "
    "猫咪 狗狗 萌宠 宝宝 妈妈 爸爸 奶奶 朋友 同学 老师 厨房 家常菜 手工 穿搭 化妆 健身 跑步 "
    "游戏 电竞 科技 手机 汽车 摄影 风景 夜景 街头 市场 老街 胡同 小镇 田园 花开 樱花 荷花 "
    "红色 蓝色 白色 黑夜 黎明 黄昏 晚霞 彩虹 烟火 灯火 节日 春节 中秋 端午 新年 快乐 温暖 "
    "孤独 自由 浪漫 简单 安静 热闹 慢慢 第一次 一个人 两个人 小日子 好味道 老味道 大城小事"
)
ZH_TEMPLATES = (
    "{a}{b}", "{a}{b}", "{a}的{b}", "{a}{b}{c}", "我的{a}{b}", "{a}{b} 第{n}期", "{a}·{b}",
    "{city}{food}探店", "{a}{b}{c}{d}", "在{city}的{a}", "{a}与{b}", "{a}{b}vlog",
)
ZH_CITIES = _words("北京 上海 成都 重庆 西安 杭州 广州 深圳 长沙 武汉 南京 厦门 青岛 昆明")
ZH_FOODS = _words("火锅 小吃 烧烤 早餐 面馆 甜品 奶茶 咖啡 串串 米线 饺子 包子")

EN_WORDS = _words(
    "summer winter spring autumn city river mountain ocean sea island street road night day "
    "morning evening sunset sunrise moon star stars sky rain snow wind fire light shadow dream "
    "dreams love heart home journey travel food kitchen coffee tea market garden forest desert "
    "valley bridge train station midnight golden silver blue red green black white wild quiet "
    "lonely happy little old new young last first secret hidden lost found endless summertime "
    "breeze echo echoes memory memories story stories song songs dance dancing running walking "
    "flying falling rising waves tide harbor lights neon electric velvet crystal paper glass "
    "stone iron honey sugar salt pepper spice noodle dumpling bakery diary daily weekend holiday "
    "campus graduation friends family mother father sister brother baby kitten puppy camera "
    "photo film studio live session acoustic remix version chapter episode volume part"
)
EN_TEMPLATES = (
    "{A} {B}", "{A} {B}", "The {A} {B}", "{A} {B} {C}", "{A} of the {B}", "{A} {B} Vol. {n}",
    "My {A} {B}", "{A} and {B}", "{A} {B} (Live)", "{A} {B} Episode {n}",
)
SURNAMES = _words("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 "
                  "许 韩 冯")
GIVEN = _words("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 玉 "
               "萍 红 鹏 飞 晨")
EN_FIRST = _words("James Mary John Linda David Emma Olivia Noah Liam Sophia Lucas Mia Ethan "
                  "Ava Leo "
            "Chloe Ryan Grace Daniel Lily Jack Zoe Henry Ella")
EN_LAST = _words("Smith Johnson Brown Taylor Miller Wilson Moore Clark Lewis Walker Hall "
                 "Young King "
           "Wright Green Baker Adams Nelson Carter Turner")
TAGS = _words(
    "美食 旅行 音乐 舞蹈 搞笑 萌宠 vlog 日常 情感 知识 科技 游戏 体育 健身 时尚 美妆 汽车 亲子 "
    "教育 影视 动漫 纪录片 风景 摄影 手工 家居 三农 财经 历史 文化 music travel food funny "
    "pets dance lifestyle fashion beauty gaming sports fitness nature documentary kids cooking "
    "live acoustic remix cover original soundtrack lofi pop rock folk jazz classical"
)
TYPES = (
    ("short_video", 35), ("sound_recording", 20), ("musical_composition", 15), ("film_clip", 8),
    ("audiovisual_work", 5), ("photograph", 7), ("literary_work", 5), ("graphic_work", 3),
    ("software", 2),
)
ROLES = ("composer", "lyricist", "director", "author")
_B32 = "0123456789abcdefghjkmnpqrstvwxyz"
BASE_MS = 1_700_000_000_000
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _b32(value: int, length: int) -> str:
    return "".join(_B32[(value >> (5 * i)) & 31] for i in reversed(range(length)))


def isrc_for(k: int) -> str:
    """A unique, well-formed ISRC for the k-th recording (CC XXX YY NNNNN)."""
    reg = _b32(k // 100_000, 3).upper()
    return f"CN{reg}17{k % 100_000:05d}"


@dataclass
class Generator:
    rng: random.Random

    def zh_title(self) -> str:
        w = self.rng.sample(ZH_WORDS, 4)
        return self.rng.choice(ZH_TEMPLATES).format(
            a=w[0], b=w[1], c=w[2], d=w[3], n=self.rng.randint(1, 200),
            city=self.rng.choice(ZH_CITIES), food=self.rng.choice(ZH_FOODS))

    def en_title(self) -> str:
        w = [x.capitalize() for x in self.rng.sample(EN_WORDS, 3)]
        n = self.rng.randint(1, 50)
        return self.rng.choice(EN_TEMPLATES).format(A=w[0], B=w[1], C=w[2], n=n)

    def zh_name(self) -> str:
        given = self.rng.choices(GIVEN, k=self.rng.randint(1, 2))
        return self.rng.choice(SURNAMES) + "".join(given)

    def en_name(self) -> str:
        return f"{self.rng.choice(EN_FIRST)} {self.rng.choice(EN_LAST)}"


def _weighted_types(rng: random.Random, n: int) -> list[str]:
    codes, weights = zip(*TYPES, strict=True)
    return rng.choices(codes, weights=weights, k=n)


def party_ids(n_works: int) -> list[str]:
    return [f"pty_{_b32(BASE_MS, 10)}{_b32(i, 16)}" for i in range(max(10, n_works // 200))]


def work_id(i: int) -> str:
    """Time-ordered like core.ids.new_id, and deterministic."""
    return f"wrk_{_b32(BASE_MS + i, 10)}{_b32(i * 2654435761 % (1 << 80), 16)}"


def generate(conn: Connection, n_works: int, seed: int, batch: int = 20_000) -> dict[str, int]:
    """Insert parties, works, creators, tags, identifiers, holdings and the recordings'
    `embodies` links to compositions; return row counts."""
    rng = random.Random(seed)
    # Its own generator: adding links left every other row of the catalogue as it was.
    link_rng = random.Random(seed + 3)
    compositions: list[str] = []
    gen = Generator(rng)
    parties = party_ids(n_works)
    conn.execute(Party.__table__.insert(), [
        {"id": pid, "kind": "organisation",
         "name": f"{gen.zh_name()}文化传媒 {gen.en_name()} Media",
         "roles": ["owner"], "contact_public": False, "version": 1, "created_at": NOW,
         "updated_at": NOW}
        for pid in parties
    ])
    counts = {"parties": len(parties), "works": 0, "creators": 0, "tags": 0, "identifiers": 0,
              "holdings": 0, "relations": 0}
    isrc_k = 0
    for start in range(0, n_works, batch):
        size = min(batch, n_works - start)
        works, creators, tags, idents, holdings, links = [], [], [], [], [], []
        types = _weighted_types(rng, size)
        for i, type_code in zip(range(start, start + size), types, strict=True):
            wid = work_id(i)
            roll = rng.random()
            if roll < 0.6:
                title, lang = gen.zh_title(), "zh"
                alt = gen.en_title() if rng.random() < 0.35 else None
            elif roll < 0.9:
                title, lang = gen.en_title(), "en"
                alt = gen.zh_title() if rng.random() < 0.35 else None
            else:
                title, lang, alt = f"{gen.zh_title()} {gen.en_title()}", "zh", None
            owner = rng.choice(parties)
            works.append({
                "id": wid, "type_code": type_code, "title": title,
                "alt_titles": ([{"title": alt, "language": "en" if lang == "zh" else "zh"}]
                               if alt else []),
                "language": lang, "length": rng.randint(5, 600), "moral_rights": "not_stated",
                "registrant_id": owner, "version": 1, "created_at": NOW, "updated_at": NOW,
            })
            for pos in range(rng.choice((1, 1, 1, 2, 2, 3))):
                name = gen.zh_name() if lang == "zh" and rng.random() < 0.8 else gen.en_name()
                creators.append({"work_id": wid, "position": pos, "name": name,
                                 "role": rng.choice(ROLES)})
            for tag in set(rng.sample(TAGS, rng.randint(1, 3))):
                tags.append({"work_id": wid, "tag": tag})
            if type_code in ("sound_recording", "short_video") and rng.random() < 0.6:
                idents.append({"work_id": wid, "scheme": "isrc", "value": isrc_for(isrc_k)})
                isrc_k += 1
            if type_code == "musical_composition":
                compositions.append(wid)
            elif type_code == "sound_recording" and compositions and link_rng.random() < 0.8:
                # Recent songs get most recordings, so some compositions carry many.
                song = compositions[-1 - min(int(link_rng.expovariate(0.05)), len(compositions) - 1)]
                links.append({"from_work_id": wid, "to_work_id": song, "kind": "embodies"})
            holders = [owner] + ([rng.choice(parties)] if rng.random() < 0.2 else [])
            for h, holder in enumerate(dict.fromkeys(holders)):
                holdings.append(_holding(wid, holder, h, len(set(holders))))
        for table, rows in ((Work, works), (WorkCreator, creators), (WorkTag, tags),
                            (WorkIdentifier, idents), (Holding, holdings),
                            (WorkRelation, links)):
            if rows:
                conn.execute(table.__table__.insert(), rows)
        counts["works"] += len(works)
        counts["creators"] += len(creators)
        counts["tags"] += len(tags)
        counts["identifiers"] += len(idents)
        counts["holdings"] += len(holdings)
        counts["relations"] += len(links)
    return counts


def _holding(wid: str, holder: str, n: int, of: int) -> dict[str, object]:
    return {
        "id": f"hld_{wid[4:]}{n}", "work_id": wid, "holder_id": holder,
        "rights": ["synchronisation", "reproduction"], "share_ppm": 1_000_000 // of,
        "territories": ["WORLD"], "territories_excluded": [], "valid_from": date(2020, 1, 1),
        "collective": False, "status": "active", "warranty_text": "bench",
        "warranted_by": holder, "warranted_at": NOW, "version": 1, "created_at": NOW,
        "updated_at": NOW,
    }


def sample_identifiers(issued: int, rng: random.Random, k: int) -> Iterator[str]:
    """ISRCs that were issued (written with hyphens, as people type them)."""
    for _ in range(k):
        code = isrc_for(rng.randrange(issued))
        yield f"{code[:2]}-{code[2:5]}-{code[5:7]}-{code[7:]}"
