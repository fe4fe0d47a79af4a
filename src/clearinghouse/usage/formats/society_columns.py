"""The columns of a society or DSP statement: which header names mean which field, and rights.

Headers are matched after NFKC, case folding and dropping spaces, ``_``, ``-``, ``.``, ``/`` and
brackets, so ``Work ID``, ``work_id``, ``WORK-ID`` and ``作品编号`` are one column. A caller may
instead name the columns itself (`read_society(columns=…)`), by header or by 0-based position,
as django-music-publisher's royalty form lets its user pick them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

FIELDS = ("work_id", "iswc", "isrc", "title", "right", "territory", "amount", "currency", "units")

HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "work_id": ("work id", "work no", "work number", "work code", "publisher work id", "作品编号",
                "作品编码", "作品id", "作品代码"),
    "iswc": ("iswc", "国际标准音乐作品编码"),
    "isrc": ("isrc", "国际标准录音制品编码"),
    "title": ("title", "work title", "work name", "作品名称", "作品名", "曲名", "歌曲名称"),
    "right": ("right", "right type", "rights type", "right code", "权利类型", "权利", "权利种类"),
    "territory": ("territory", "country", "country code", "地区", "国家", "国家地区", "使用地区"),
    "amount": ("amount", "net amount", "royalty", "royalties", "amount received", "金额",
               "分配金额", "版税", "净额"),
    "currency": ("currency", "currency code", "币种", "货币"),
    "units": ("units", "uses", "plays", "quantity", "performances", "数量", "次数", "使用次数"),
}

RIGHTS = {  # stored right ← what a statement may say
    "performance": ("performance", "performing", "perf", "public performance", "表演权",
                    "公开表演权", "表演"),
    "mechanical": ("mechanical", "mech", "reproduction", "机械复制权", "复制权", "机械权", "录制权"),
    "sync": ("sync", "synchronisation", "synchronization", "同步权", "同步"),
}
# django-music-publisher's rule, for short codes (PR, MR, SR, P, MEC, …): the first letter.
FIRST_LETTER = {"p": "performance", "m": "mechanical", "s": "sync"}

_FOLD = re.compile(r"[\s_\-./()（）\[\]]+")


def fold(name: str) -> str:
    return _FOLD.sub("", unicodedata.normalize("NFKC", name).casefold())


_BY_HEADER = {fold(name): field for field, names in HEADER_NAMES.items() for name in names}
_BY_RIGHT = {fold(name): right for right, names in RIGHTS.items() for name in names}


class ColumnsRefused(ValueError):
    pass


def map_columns(header: list[str], chosen: Mapping[str, str | int] | None) -> dict[str, int]:
    """field → 0-based column, from the caller's choice where given, else from the header."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        field = _BY_HEADER.get(fold(name))
        if field is not None and field not in found:
            found[field] = index
    for field, column in (chosen or {}).items():
        if field not in FIELDS:
            raise ColumnsRefused(f"unknown field {field!r}; the fields are {', '.join(FIELDS)}")
        if isinstance(column, int):
            if not 0 <= column < len(header):
                raise ColumnsRefused(f"column {column} for {field} is outside the header's "
                                     f"{len(header)} columns (counted from 0)")
            found[field] = column
            continue
        matches = [i for i, name in enumerate(header) if fold(name) == fold(column)]
        if not matches:
            raise ColumnsRefused(f"no column {column!r} for {field} in the header {header}")
        found[field] = matches[0]
    return found


@lru_cache(maxsize=256)
def right_of(text: str) -> str | None:
    """The stored right a statement's cell names, or None."""
    key = fold(text)
    if not key:
        return None
    if key in _BY_RIGHT:
        return _BY_RIGHT[key]
    return FIRST_LETTER.get(key[0]) if len(key) <= 3 and key.isascii() and key.isalpha() else None
