"""The seeded query mix of the search benchmark: the issue's seven classes, then filters.

Each query is a dict of `GET /api/v1/works` parameters, so the same mix runs in-process (the
search use case) and over HTTP. `text` is what a plain full-text baseline searches for.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from bench import search_catalogue as cat

# The classes of the table, in its order; the filter kinds follow.
TEXT_CLASSES = ("zh_1char", "zh_2char", "zh_word", "en_word", "en_prefix", "creator", "no_hit")
FILTER_CLASSES = ("name_as_text", "tag_filter", "identifier", "owner", "query_filter")
HEADINGS = {"zh_1char": "1 char zh", "zh_2char": "2 char zh", "zh_word": "zh word",
            "en_word": "en word", "en_prefix": "en prefix", "creator": "creator",
            "no_hit": "no hit"}
# Characters and words that no generated title, name or tag holds.
NO_HIT_ZH = "龘靐齉爩鱻麤灪籱厵纞"
NO_HIT_LATIN = "bcdfghjklmnpqrstvwxz"


@dataclass(frozen=True)
class Query:
    kind: str
    params: dict[str, Any]

    @property
    def text(self) -> str | None:
        return self.params.get("q") or self.params.get("creator")


def _no_hit(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "".join(rng.choices(NO_HIT_ZH, k=rng.randint(1, 3)))
    return "".join(rng.choices(NO_HIT_LATIN, k=rng.randint(5, 8)))


def query_mix(queries_per_kind: int, seed: int, works: int, issued_isrcs: int) -> list[Query]:
    rng = random.Random(seed + 1)
    gen = cat.Generator(random.Random(seed + 2))
    zh_2 = [w for w in cat.ZH_WORDS if len(w) == 2]
    zh_long = [w for w in cat.ZH_WORDS if len(w) > 2]
    identifiers = cat.sample_identifiers(issued_isrcs, rng, queries_per_kind)
    owners = cat.party_ids(works)
    mix: list[Query] = []
    for _ in range(queries_per_kind):
        zh_title = "".join(ch for ch in gen.zh_title() if "\u4e00" <= ch <= "\u9fff")
        start = rng.randrange(max(1, len(zh_title) - 3))
        en_word = rng.choice(cat.EN_WORDS)
        name = gen.zh_name() if rng.random() < 0.6 else gen.en_name()
        mix += [
            Query("zh_1char", {"q": rng.choice(rng.choice(cat.ZH_WORDS))}),
            Query("zh_2char", {"q": rng.choice(zh_2)}),
            Query("zh_word", {"q": rng.choice((
                zh_title[start:start + rng.randint(3, 4)],  # any run inside a title, often rare
                rng.choice(zh_2) + rng.choice(zh_2),  # two common words side by side
                rng.choice(zh_long),
            ))}),
            Query("en_word", {"q": en_word}),
            Query("en_prefix", {"q": en_word[:rng.randint(3, 5)]}),
            Query("creator", {"creator": name}),
            Query("no_hit", {"q": _no_hit(rng)}),
            # A creator's name typed into q: every title tier is empty, the matches are late.
            Query("name_as_text", {"q": name}),
            Query("tag_filter", {"tag": rng.choice(cat.TAGS)}),
            Query("identifier", {"identifier": f"isrc:{next(identifiers)}"}),
            Query("owner", {"owner": rng.choice(owners)}
                  | ({"q": rng.choice(zh_2 + cat.EN_WORDS)} if rng.random() < 0.5 else {})),
            Query("query_filter", {"q": rng.choice(zh_2 + cat.EN_WORDS), "type": "audiovisual_work"}
                  | ({"tag": rng.choice(cat.TAGS)} if rng.random() < 0.5 else {})),
        ]
    rng.shuffle(mix)
    return mix
