"""Territories: countries, named regions from data, exclusions, covers and overlap."""

from __future__ import annotations

import json
from importlib import resources

import pycountry
import pytest

from clearinghouse.core.territories import (
    ALL_COUNTRIES,
    UnknownTerritory,
    country_name,
    covers,
    expand,
    normalize_codes,
    overlap,
    region_members,
    region_names,
)

REQUIRED_REGIONS = {"WORLD", "GREATER_CHINA", "EU", "ASEAN", "NORTH_AMERICA", "LATAM", "EUROPE",
                    "MIDDLE_EAST", "AFRICA", "APAC"}
EU27 = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
        "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}


def test_all_countries_are_pycountry_plus_kosovo():
    iso = {c.alpha_2 for c in pycountry.countries}
    assert frozenset(iso | {"XK"}) == ALL_COUNTRIES
    assert {"CN", "HK", "MO", "TW", "US", "XK"} <= ALL_COUNTRIES
    assert all(len(c) == 2 and c.isupper() for c in ALL_COUNTRIES)


def test_regions_come_from_the_packaged_json():
    text = resources.files("clearinghouse.core").joinpath("data/regions.json").read_text("utf-8")
    data = json.loads(text)
    codes = [r["code"] for r in data["regions"]]
    assert list(region_names()) == codes
    assert set(codes) >= REQUIRED_REGIONS
    for item in data["regions"]:
        assert region_names()[item["code"]] == (item["name_en"], item["name_zh"])
        if item["members"] != "*":
            assert region_members(item["code"]) == frozenset(item["members"])


def test_every_region_has_english_and_chinese_names():
    names = region_names()
    assert names["GREATER_CHINA"] == ("Greater China", "大中华区")
    assert names["EU"][1] == "欧盟"
    for en, zh in names.values():
        assert en.isascii() and en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)


def test_region_codes_never_collide_with_countries():
    assert not set(region_names()) & ALL_COUNTRIES


def test_world_is_every_country():
    assert expand(["WORLD"]) == ALL_COUNTRIES
    assert len(ALL_COUNTRIES) == 250


def test_cn_is_mainland_china_only():
    assert expand(["CN"]) == {"CN"}
    assert expand(["GREATER_CHINA"]) == {"CN", "HK", "MO", "TW"}


def test_named_regions_expand_to_their_members():
    assert expand(["EU"]) == EU27
    assert "GB" not in expand(["EU"]) and "CH" not in expand(["EU"])
    assert {"SG", "VN", "TH", "ID", "MY", "PH"} <= expand(["ASEAN"])
    assert {"US", "CA", "MX"} <= expand(["NORTH_AMERICA"])
    assert {"BR", "AR", "MX", "CL"} <= expand(["LATAM"])
    assert {"GB", "CH", "NO", "UA", "DE"} <= expand(["EUROPE"])
    assert {"AE", "SA", "IL"} <= expand(["MIDDLE_EAST"])
    assert {"NG", "ZA", "KE", "EG"} <= expand(["AFRICA"])
    assert {"CN", "JP", "KR", "AU", "IN", "SG"} <= expand(["APAC"])
    assert "US" not in expand(["APAC"])


def test_codes_and_regions_combine():
    assert expand(["GREATER_CHINA", "SG", "sg"]) == {"CN", "HK", "MO", "TW", "SG"}


def test_world_minus_china():
    rest = expand(["WORLD"], exclude=["CN"])
    assert "CN" not in rest
    assert {"HK", "MO", "TW", "US"} <= rest
    assert rest == ALL_COUNTRIES - {"CN"}
    assert len(rest) == len(ALL_COUNTRIES) - 1


def test_exclusion_of_a_region():
    assert expand(["WORLD"], ["GREATER_CHINA"]) == ALL_COUNTRIES - {"CN", "HK", "MO", "TW"}
    assert expand(["GREATER_CHINA"], ["cn", "tw"]) == {"HK", "MO"}
    assert expand(["CN"], ["GREATER_CHINA"]) == frozenset()
    assert expand(["EU"], ["FR", "US"]) == EU27 - {"FR"}  # excluding outside is harmless


def test_empty_lists():
    assert expand([]) == frozenset()
    assert expand(["CN"], []) == {"CN"}


def test_input_is_case_and_space_insensitive():
    assert expand(["greater_china"]) == expand(["GREATER_CHINA"]) == expand([" Greater_China "])
    assert expand(["world"], ["cn"]) == expand(["WORLD"], ["CN"])


def test_a_bare_string_is_one_code():
    assert expand("CN") == {"CN"}
    assert normalize_codes("eu") == ["EU"]


def test_normalize_codes_uppercases_dedupes_and_keeps_order():
    assert normalize_codes(["hk", "CN", " cn", "World", "HK", "eu"]) == ["HK", "CN", "WORLD", "EU"]
    assert normalize_codes([]) == []


@pytest.mark.parametrize("bad", ["ZZ", "XX", "CHN", "", "EUR", "ASIA"])
def test_unknown_codes_are_rejected_with_guidance(bad):
    with pytest.raises(UnknownTerritory) as info:
        expand([bad])
    assert info.value.code == bad
    message = str(info.value)
    assert repr(bad) in message
    assert "ISO 3166-1 alpha-2" in message
    assert "GREATER_CHINA" in message and "WORLD" in message


def test_unknown_code_anywhere_is_rejected():
    with pytest.raises(UnknownTerritory) as info:
        expand(["CN"], exclude=["QQ"])
    assert info.value.code == "QQ"
    with pytest.raises(UnknownTerritory):
        normalize_codes(["CN", "zz"])
    with pytest.raises(UnknownTerritory):
        covers(["WORLD"], ["ZZ"])
    with pytest.raises(UnknownTerritory):
        overlap(["CN"], ["CN"], b_exclude=["ZZ"])


def test_unknown_territory_is_a_value_error_with_hint():
    assert issubclass(UnknownTerritory, ValueError)
    with pytest.raises(UnknownTerritory, match="did you mean 'GB'"):
        expand(["uk"])


def test_covers():
    assert covers(["WORLD"], ["CN"])
    assert covers(["WORLD"], ["WORLD"])
    assert covers(["GREATER_CHINA"], ["CN", "HK"])
    assert covers(["EUROPE"], ["EU"])
    assert covers(["APAC"], ["ASEAN", "GREATER_CHINA"])
    assert not covers(["CN"], ["GREATER_CHINA"])
    assert not covers(["WORLD"], ["GREATER_CHINA"], outer_exclude=["CN"])
    assert covers(["WORLD"], ["GREATER_CHINA"], outer_exclude=["CN"], inner_exclude=["CN"])
    assert covers(["CN"], ["GREATER_CHINA"], inner_exclude=["HK", "MO", "TW"])
    assert covers(["CN"], [])  # the empty territory is inside everything


def test_overlap():
    assert overlap(["APAC"], ["ASEAN"]) == expand(["ASEAN"])
    assert overlap(["EU"], ["ASEAN"]) == frozenset()
    assert overlap(["WORLD"], ["GREATER_CHINA"], a_exclude=["CN"]) == {"HK", "MO", "TW"}
    assert overlap(["GREATER_CHINA"], ["WORLD"], b_exclude=["GREATER_CHINA"]) == frozenset()
    assert overlap(["EUROPE"], ["MIDDLE_EAST"]) == overlap(["MIDDLE_EAST"], ["EUROPE"])


def test_country_names():
    assert country_name("CN") == "China"
    assert country_name("tw") == "Taiwan"
    assert country_name("XK") == "Kosovo"
    assert country_name("GB") == "United Kingdom"
    with pytest.raises(UnknownTerritory):
        country_name("ZZ")
    with pytest.raises(UnknownTerritory):
        country_name("WORLD")  # a region, not a country


def test_region_members_rejects_countries():
    assert region_members("asean") == expand(["ASEAN"])
    with pytest.raises(UnknownTerritory):
        region_members("CN")
