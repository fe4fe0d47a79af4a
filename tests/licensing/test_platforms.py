"""Platforms as data (issue 11, defect 7): one list, names in Chinese and English wherever a
channel or a platform is asked for, stored as codes; the operator maintains the list."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from clearinghouse.access.domain import Role
from clearinghouse.core import platforms
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.tables import AuditEvent
from clearinghouse.licensing.terms import Channel, expand_channels
from tests.licensing.catalogue_world import World, ad_use, build_world, price_everything
from tests.support.factories import make_actor

MIGRATION = (Path(__file__).parents[2] / "src/clearinghouse/migrations/versions/0008_platforms.py")


@pytest.fixture
def world(sessions) -> World:  # noqa: ANN001
    return build_world(sessions)


@pytest.fixture(autouse=True)
def seed_list() -> Iterator[None]:
    """Tests that change the list leave this process with the data file's list again."""
    yield
    platforms.reset()


def _platforms(client, headers=None) -> dict[str, dict]:  # noqa: ANN001
    r = client.get("/api/v1/platforms", headers=headers or {})
    assert r.status_code == 200, r.text
    return {p["code"]: p for p in r.json()}


# -- one list ----------------------------------------------------------------------------------


def test_the_migration_stores_exactly_the_data_files_list():
    """The migration embeds its rows (it must not import the app); they must be the file's."""
    spec = importlib.util.spec_from_file_location("m0008", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert "clearinghouse" not in MIGRATION.read_text(encoding="utf-8").split('"""')[2]
    embedded = [(c, zh, en, kind, short, tuple(aliases))
                for c, zh, en, kind, short, aliases in module.PLATFORMS]
    assert embedded == [(p.code, p.name_zh, p.name_en, p.platform_type, p.short_video, p.aliases)
                        for p in platforms.seed_platforms()]


def test_todays_codes_stay_valid_and_any_short_video_expands_to_the_short_video_platforms():
    codes = {p.code for p in platforms.seed_platforms()}
    # Every code a stored quote or licence may hold keeps its meaning.
    assert {"douyin", "kuaishou", "meipai", "miaopai", "xigua", "bilibili", "weibo",
            "wechat_channels", "youtube", "tiktok", "xiaohongshu"} <= codes
    short = {p.code for p in platforms.seed_platforms() if p.short_video}
    assert expand_channels([Channel.ANY_SHORT_VIDEO, Channel.WEB]) == short | {"web"}
    assert expand_channels(["physical"]) == {Channel.PHYSICAL}


def test_a_name_belongs_to_one_platform_and_never_to_a_channel_that_is_not_one():
    seed = platforms.seed_platforms()
    with pytest.raises(ValueError, match="already names platform 'douyin'"):
        platforms.current().replaced([*seed, platforms.Platform("dy", "抖音", "Dy")])
    with pytest.raises(ValueError, match="not a platform"):
        platforms.current().replaced([*seed, platforms.Platform("site", "网站", "Web")])


def test_anyone_reads_the_list_with_names_and_aliases(client):
    listed = _platforms(client)  # no key: a licensee picks a platform before it has one
    assert listed["douyin"]["name_zh"] == "抖音" and listed["douyin"]["name_en"] == "Douyin"
    assert "B站" in listed["bilibili"]["aliases"]
    assert listed["douyin"]["platform_type"] == "general"
    assert listed["xigua"]["platform_type"] == "aggregator"
    assert all(p["party_id"] is None for p in listed.values())


# -- names in either language, stored as codes ---------------------------------------------------


def test_a_quote_takes_platforms_in_chinese_and_stores_codes(client, world):
    """Defect 7: `channels: ["抖音"]` was refused with 422."""
    price_everything(client, world)
    body = ad_use([world.master], channels=["抖音", "Ｂ站", "KUAISHOU", "微信视频号"])
    r = client.post("/api/v1/quotes", headers=world.brand.headers, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["use"]["channels"] == ["bilibili", "douyin", "kuaishou", "wechat_channels"]


def test_an_unknown_channel_is_refused_with_close_matches(client, world):
    body = ad_use([world.master], channels=["douyin", "抖因"])
    r = client.post("/api/v1/quotes", headers=world.brand.headers, json=body)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_failed" and "抖因" in error["message"]
    assert error["details"] == [{"field": "channels[1]", "message": error["message"],
                                 "close_matches": ["douyin (抖音)"]}]


def test_templates_take_names_and_a_name_for_a_stored_code_is_no_change(client, world):
    body = {"code": "kuaishou-only", "name_en": "Kuaishou only", "name_zh": "仅快手",
            "purpose": "commercial", "channels": ["快手", "web", "Kuaishou"], "max_uses": 1,
            "portion_unit": "whole", "modification": "original_only", "territories": ["CN"],
            "term_days": 30}
    r = client.post("/api/v1/templates", headers=world.operator.headers, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["channels"] == ["kuaishou", "web"]
    bad = client.post("/api/v1/templates", headers=world.operator.headers,
                      json=body | {"code": "x-site", "channels": ["some-site"]})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "channels[0]"


def test_a_work_identifier_on_a_platform_named_in_chinese_is_stored_by_code(client, world):
    body = {"type": "short_video", "title": "抖音上的视频",
            "identifiers": [{"scheme": "platform:抖音", "value": "7012345678901234567"}]}
    r = client.post("/api/v1/works", headers=world.pub_a.headers, json=body)
    assert r.status_code == 201, r.text
    assert [(i["scheme"], i["value"]) for i in r.json()["identifiers"]] == [
        ("platform:douyin", "7012345678901234567")]
    unknown = client.post("/api/v1/works", headers=world.pub_a.headers, json=body | {
        "identifiers": [{"scheme": "platform:抖因", "value": "1"}]})
    assert unknown.status_code == 422 and "douyin (抖音)" in unknown.text


# -- the operator maintains the list ---------------------------------------------------------------


def test_the_operator_adds_a_platform_that_quotes_and_any_short_video_then_know(
    client, world, sessions  # noqa: ANN001
):
    body = {"code": "haokan", "name_zh": "好看视频", "name_en": "Haokan Video",
            "aliases": ["好看"], "platform_type": "aggregator"}
    assert client.post("/api/v1/platforms", headers=world.brand.headers, json=body).status_code == 403
    assert client.post("/api/v1/platforms", json=body).status_code == 401
    r = client.post("/api/v1/platforms", headers=world.operator.headers, json=body)
    assert r.status_code == 201, r.text
    assert _platforms(client)["haokan"]["aliases"] == ["好看"]
    assert "haokan" in expand_channels([Channel.ANY_SHORT_VIDEO])
    price_everything(client, world)
    quote = client.post("/api/v1/quotes", headers=world.brand.headers,
                        json=ad_use([world.master], channels=["好看视频"]))
    assert quote.status_code == 201, quote.text
    assert quote.json()["use"]["channels"] == ["haokan"]
    with unit_of_work(sessions) as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == "haokan"))
        assert list(actions) == ["platform.create"]


def test_a_name_already_taken_is_a_conflict(client, world):
    taken = {"code": "douyin2", "name_zh": "抖音二", "name_en": "Douyin Two", "aliases": ["ＤＯＵＹＩＮ"]}
    r = client.post("/api/v1/platforms", headers=world.operator.headers, json=taken)
    assert r.status_code == 409 and "douyin" in r.json()["error"]["message"]
    again = {"code": "douyin", "name_zh": "新抖音", "name_en": "New Douyin"}
    assert client.post("/api/v1/platforms", headers=world.operator.headers,
                       json=again).status_code == 409


def test_the_operator_links_a_platform_to_its_party_which_alone_sees_the_link(
    client, world, sessions  # noqa: ANN001
):
    douyin_party = make_actor(sessions, "抖音 (platform)", Role.PLATFORM)
    version = _platforms(client)["douyin"]["version"]
    url = "/api/v1/platforms/douyin"
    link = {"party_id": douyin_party.party_id, "aliases": ["抖音短视频", "Douyin Short Video", "DY"]}
    assert client.patch(url, headers=world.brand.headers | {"If-Match": f'"{version}"'},
                        json=link).status_code == 403
    not_a_platform = client.patch(url, headers=world.operator.headers | {"If-Match": f'"{version}"'},
                                  json={"party_id": world.brand.party_id})
    assert not_a_platform.status_code == 422
    r = client.patch(url, headers=world.operator.headers | {"If-Match": f'"{version}"'}, json=link)
    assert r.status_code == 200, r.text
    assert r.json()["party_id"] == douyin_party.party_id and "DY" in r.json()["aliases"]
    assert _platforms(client, douyin_party.headers)["douyin"]["party_id"] == douyin_party.party_id
    assert _platforms(client, world.brand.headers)["douyin"]["party_id"] is None
    assert _platforms(client)["douyin"]["party_id"] is None
    stale = client.patch(url, headers=world.operator.headers | {"If-Match": f'"{version}"'},
                         json={"name_en": "Douyin"})
    assert stale.status_code == 412
    price_everything(client, world)
    quote = client.post("/api/v1/quotes", headers=world.brand.headers,
                        json=ad_use([world.master], channels=["dy"]))
    assert quote.status_code == 201 and quote.json()["use"]["channels"] == ["douyin"]


# -- the command line ------------------------------------------------------------------------------


def test_the_operator_maintains_the_list_from_the_command_line(cli):
    cli.json("init")
    added = cli.json("platforms", "add", "haokan", "好看视频", "Haokan Video", "--alias", "好看",
                     "--type", "aggregator")
    assert added["code"] == "haokan" and added["aliases"] == ["好看"]
    changed = cli.json("platforms", "set", "haokan", "--alias", "好看", "--alias", "Haokan")
    assert changed["aliases"] == ["好看", "Haokan"] and changed["version"] == 2
    taken = cli("platforms", "add", "dy", "抖音", "Dy")
    assert taken.exit_code != 0 and "already names platform 'douyin'" in taken.output
    codes = [p["code"] for p in cli.json("platforms", "list")]
    assert "haokan" in codes and "douyin" in codes
