"""Territories: ISO 3166-1 alpha-2 country codes and named regions, as sets of countries.

A territory is written as a list of codes, each either a country (``CN``, ``HK``, ``US``) or a
named region (``WORLD``, ``GREATER_CHINA``, ``EU``, ...), plus an optional list of exclusions in
the same form; it means the countries of the first list minus those of the second. Input is
case-insensitive. Countries are pycountry's ISO 3166-1 list plus ``XK`` (Kosovo). ``CN`` is
mainland China only: Hong Kong (``HK``), Macao (``MO``) and Taiwan (``TW``) have their own
codes, and ``GREATER_CHINA`` is the four together.

The regions are data, not code: ``core/data/regions.json`` gives each its code, English and
Chinese name and members (``"*"`` meaning every country).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import pycountry

_DATA_PACKAGE = "clearinghouse.core"
_DATA_FILE = "data/regions.json"
_HINTS = {"UK": "GB", "EL": "GR", "CHINA": "CN", "HONGKONG": "HK", "MACAU": "MO"}


class UnknownTerritory(ValueError):
    """A code that is neither an ISO 3166-1 alpha-2 country code nor a named region."""

    def __init__(self, code: str) -> None:
        self.code = code
        hint = _HINTS.get(code.strip().upper())
        did_you_mean = f" (did you mean {hint!r}?)" if hint else ""
        super().__init__(
            f"unknown territory {code!r}{did_you_mean}: use an ISO 3166-1 alpha-2 country code "
            f"such as 'CN', 'HK' or 'US', or a region code: {', '.join(sorted(_regions()))}"
        )


@dataclass(frozen=True)
class _Region:
    code: str
    name_en: str
    name_zh: str
    members: frozenset[str]


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    text = resources.files(_DATA_PACKAGE).joinpath(_DATA_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        names[str(country.alpha_2)] = str(getattr(country, "common_name", None) or country.name)
    for extra in _raw().get("extra_countries", []):
        names[str(extra["code"]).upper()] = str(extra["name"])
    return names


@lru_cache(maxsize=1)
def _regions() -> dict[str, _Region]:
    countries = frozenset(_country_names())
    regions: dict[str, _Region] = {}
    for item in _raw()["regions"]:
        code = str(item["code"]).upper()
        if code in countries or code in regions:
            raise ValueError(f"{_DATA_FILE}: region code {code} is defined twice or is a country")
        raw_members = item["members"]
        if raw_members == "*":
            members = countries
        else:
            members = frozenset(str(m).upper() for m in raw_members)
            if unknown := sorted(members - countries):
                raise ValueError(f"{_DATA_FILE}: region {code} lists unknown countries {unknown}")
        regions[code] = _Region(code, str(item["name_en"]), str(item["name_zh"]), members)
    return regions


def _all_countries() -> frozenset[str]:
    return frozenset(_country_names())


ALL_COUNTRIES: frozenset[str] = _all_countries()


def _as_list(codes: Iterable[str]) -> list[str]:
    # A bare string is one code, not an iterable of one-letter codes.
    return [codes] if isinstance(codes, str) else list(codes)


def _expand_one(code: str) -> frozenset[str]:
    if not isinstance(code, str):
        raise UnknownTerritory(repr(code))
    key = code.strip().upper()
    if key in ALL_COUNTRIES:
        return frozenset({key})
    region = _regions().get(key)
    if region is None:
        raise UnknownTerritory(code)
    return region.members


def _union(codes: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for code in _as_list(codes):
        out |= _expand_one(code)
    return frozenset(out)


def expand(codes: Iterable[str], exclude: Iterable[str] = ()) -> frozenset[str]:
    """The countries that `codes` name, minus those that `exclude` names.

    Raises `UnknownTerritory` for any code (in either list) that is not a country or region.
    """
    included = _union(codes)
    return included - _union(exclude)


def normalize_codes(codes: Iterable[str]) -> list[str]:
    """Upper-case and validate codes, drop repeats, keep the caller's order (no expansion)."""
    out: list[str] = []
    for code in _as_list(codes):
        _expand_one(code)
        key = code.strip().upper()
        if key not in out:
            out.append(key)
    return out


def covers(
    outer_codes: Iterable[str],
    inner_codes: Iterable[str],
    outer_exclude: Iterable[str] = (),
    inner_exclude: Iterable[str] = (),
) -> bool:
    """True when every country of the inner territory is in the outer one."""
    return expand(inner_codes, inner_exclude) <= expand(outer_codes, outer_exclude)


def overlap(
    a_codes: Iterable[str],
    b_codes: Iterable[str],
    a_exclude: Iterable[str] = (),
    b_exclude: Iterable[str] = (),
) -> frozenset[str]:
    """The countries the two territories have in common."""
    return expand(a_codes, a_exclude) & expand(b_codes, b_exclude)


def region_names() -> dict[str, tuple[str, str]]:
    """Region code -> (English name, Chinese name), in the order of the data file."""
    return {code: (r.name_en, r.name_zh) for code, r in _regions().items()}


def region_members(code: str) -> frozenset[str]:
    """The countries of one named region."""
    region = _regions().get(code.strip().upper())
    if region is None:
        raise UnknownTerritory(code)
    return region.members


def country_name(code: str) -> str:
    """The English short name of a country code ('TW' -> 'Taiwan', 'XK' -> 'Kosovo')."""
    name = _country_names().get(code.strip().upper())
    if name is None:
        raise UnknownTerritory(code)
    return name
