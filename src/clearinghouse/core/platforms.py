"""Platforms: the one list of places a work is used (抖音, 快手, B站, …), names and aliases in
Chinese and English. Pure, apart from the process-wide directory at the bottom.

The list is data: ``core/data/platforms.json`` seeds the ``platforms`` table (migration 0008),
which the operator maintains afterwards (``clearinghouse.platforms``). Every input that names a
platform (a quote's channels, a template's channels, an identifier ``platform:<name>``) takes a
code or any alias in either language, matched ignoring case, full/half width, spaces and the
separators ``-``, ``_``, ``.`` and ``·``, and stores the code. Codes never change, so stored
quotes, licences and identifiers keep their meaning.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources

GENERAL = "general"  # 综合平台
AGGREGATOR = "aggregator"  # 聚合平台
PLATFORM_TYPES = (GENERAL, AGGREGATOR)

CODE_PATTERN = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
CODE_MAX = 32
_SEPARATORS = re.compile(r"[\s\-_.·・]+")


def fold(name: str) -> str:
    """The key a name is matched by: NFKC (full-width to half-width), case-folded, separators out."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", name).casefold())


class UnknownPlatform(ValueError):
    """A name that is no platform's code or alias; `close_matches` are codes a person may mean."""

    def __init__(self, name: str, close_matches: list[str], what: str = "platform") -> None:
        self.name = name
        self.close_matches = close_matches
        hint = f"; did you mean {', '.join(close_matches)}?" if close_matches else ""
        super().__init__(
            f"unknown {what} {name!r}{hint} (GET /api/v1/platforms lists every platform with "
            "its names and aliases)"
        )


@dataclass(frozen=True)
class Platform:
    code: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...] = ()
    short_video: bool = True  # expanded from the channel `any_short_video`
    platform_type: str | None = None  # GENERAL, AGGREGATOR or unknown
    party_id: str | None = None  # the platform's own party in the registry, set by the operator

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the platform answers to: code, both names, aliases."""
        return (self.code, self.name_zh, self.name_en, *self.aliases)


def check_code(code: str) -> str:
    if len(code) > CODE_MAX or not CODE_PATTERN.fullmatch(code):
        raise ValueError(
            f"platform code {code!r} should be a lowercase slug such as 'douyin' (letters, "
            f"digits and '_', at most {CODE_MAX} characters)"
        )
    return code


@dataclass(frozen=True)
class PlatformDirectory:
    """Platforms by code and by folded name; refuses two platforms answering to one name."""

    platforms: tuple[Platform, ...]
    reserved: frozenset[str] = frozenset()  # names taken by something else (non-platform channels)
    fingerprint: object = None  # what the stored list looked like when this was loaded
    by_code: dict[str, Platform] = field(init=False, repr=False, compare=False)
    by_key: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code: dict[str, Platform] = {}
        by_key: dict[str, str] = {}
        reserved = {fold(r) for r in self.reserved}
        for p in self.platforms:
            check_code(p.code)
            if p.code in by_code:
                raise ValueError(f"platform code {p.code!r} is listed twice")
            by_code[p.code] = p
            for name in p.names:
                key = fold(name)
                if not key:
                    raise ValueError(f"platform {p.code!r} has an empty name or alias")
                if key in reserved:
                    raise ValueError(f"{name!r} names a channel that is not a platform")
                owner = by_key.setdefault(key, p.code)
                if owner != p.code:
                    raise ValueError(f"{name!r} already names platform {owner!r}")
        object.__setattr__(self, "by_code", by_code)
        object.__setattr__(self, "by_key", by_key)

    def find(self, name: str) -> Platform | None:
        code = self.by_key.get(fold(name))
        return None if code is None else self.by_code[code]

    def resolve(self, name: str) -> str:
        """The code of the platform `name` names, or `UnknownPlatform` with close matches."""
        found = self.find(name)
        if found is None:
            raise UnknownPlatform(name, self.close_matches(name))
        return found.code

    def close_matches(self, name: str, limit: int = 5) -> list[str]:
        """Codes whose names look like `name` (difflib ratio ≥ 0.5), best first."""
        keys = difflib.get_close_matches(fold(name), list(self.by_key), n=limit * 3, cutoff=0.5)
        codes = dict.fromkeys(self.by_key[k] for k in keys)
        return [f"{c} ({self.by_code[c].name_zh})" for c in list(codes)[:limit]]

    def short_video_codes(self) -> frozenset[str]:
        return frozenset(p.code for p in self.platforms if p.short_video)

    def replaced(self, platforms: Iterable[Platform], fingerprint: object = None) -> PlatformDirectory:
        return PlatformDirectory(tuple(platforms), self.reserved, fingerprint)


def seed_platforms() -> list[Platform]:
    """The platforms of ``core/data/platforms.json``: what migration 0008 stored."""
    text = resources.files("clearinghouse.core").joinpath("data/platforms.json").read_text("utf-8")
    return [
        Platform(
            code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"],
            aliases=tuple(row["aliases"]), short_video=bool(row["short_video"]),
            platform_type=row["type"],
        )
        for row in json.loads(text)["platforms"]
    ]


# --- the directory this process uses -------------------------------------------------------
# Loaded once per process from the data file, replaced from the database whenever a service
# that reads platform names refreshes it (one small query) or the operator changes the list.

_reserved: frozenset[str] = frozenset()
_current: PlatformDirectory | None = None


def reserve(names: Iterable[str]) -> None:
    """Names no platform may take (the channels that are not platforms: web, broadcast, …)."""
    global _reserved, _current
    _reserved = _reserved | frozenset(names)
    _current = None


def current() -> PlatformDirectory:
    global _current
    if _current is None:
        _current = PlatformDirectory(tuple(seed_platforms()), _reserved)
    return _current


def install(platforms: Iterable[Platform], fingerprint: object = None) -> PlatformDirectory:
    """Make `platforms` the list this process resolves names against."""
    global _current
    _current = PlatformDirectory(tuple(platforms), _reserved, fingerprint)
    return _current


def reset() -> None:
    """Back to the data file's list (tests that change the list call this afterwards)."""
    global _current
    _current = None
