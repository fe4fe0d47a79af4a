"""`GET /api/v1/works` on SQLite and PostgreSQL: what a person searching the catalogue relies on."""

from __future__ import annotations

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.search import indexer
from tests.support.factories import make_actor, make_work


def search(client, **params):  # noqa: ANN001, ANN003, ANN201
    resp = client.get("/api/v1/works", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def ids(page) -> list[str]:  # noqa: ANN001
    return [item["id"] for item in page["items"]]


def test_one_chinese_character_finds_titles_first_then_alternative_titles(client, catalogue):
    page = search(client, q="夏")
    # Exact title, then titles containing 夏 (oldest first), then the alternative-title hit,
    # although 城市之光 was registered before all of them.
    assert ids(page) == [catalogue.xia, catalogue.city, catalogue.trip, catalogue.light]
    assert [i["match"] for i in page["items"]] == [
        "exact_title", "title_phrase", "title_phrase", "alt_title_phrase"]
    assert [i["score"] for i in page["items"]] == [1, 2, 3, 4]
    assert page["total"] == 4 and page["total_capped"] is False


def test_two_characters_and_a_substring_inside_a_longer_title(client, catalogue):
    assert ids(search(client, q="夏日")) == [catalogue.city, catalogue.trip, catalogue.light]
    assert ids(search(client, q="日城")) == [catalogue.city]  # across two words of 夏日城市
    assert ids(search(client, q="旅行的故")) == [catalogue.trip]
    assert ids(search(client, q="日夏")) == []  # characters must be consecutive, in order


def test_full_width_and_case_are_folded(client, catalogue):
    assert ids(search(client, q="ＳＵＭＭＥＲ ＢＲＥＥＺＥ")) == [catalogue.breeze]
    assert ids(search(client, q="summer breeze"))[0] == catalogue.breeze


def test_english_prefix_ranks_title_then_alt_title_then_creator(client, catalogue):
    page = search(client, q="summ")
    assert ids(page) == [catalogue.breeze, catalogue.city, catalogue.light]
    assert [i["match"] for i in page["items"]] == ["title_partial", "alt_title_partial", "creator"]


def test_alternative_title_phrase(client, catalogue):
    page = search(client, q="summer city")
    assert ids(page) == [catalogue.city]
    assert page["items"][0]["match"] == "alt_title_phrase"
    assert page["items"][0]["alt_titles"] == [{"title": "Summer City", "language": "en"}]


def test_exact_word_ranks_above_prefix(client, sessions, catalogue):
    owner = make_actor(sessions, "Later Label", Role.OWNER)
    summertime = make_work(sessions, owner, title="Summertime Sadness")
    summer_song = make_work(sessions, owner, title="Song of Summer")
    page = search(client, q="summer")
    # Whole-word title matches (older first), then the prefix-only title match.
    assert ids(page)[:3] == [catalogue.breeze, summer_song, summertime]
    assert [i["match"] for i in page["items"][:3]] == [
        "title_phrase", "title_phrase", "title_partial"]


def test_creator_by_query_and_by_filter(client, catalogue):
    assert ids(search(client, q="lily")) == [catalogue.breeze]
    assert ids(search(client, creator="王小明")) == [catalogue.city]
    assert ids(search(client, creator="王")) == [catalogue.city]
    assert ids(search(client, creator="chen", q="summer")) == [catalogue.breeze]
    hit = search(client, q="夏日城市")["items"][0]
    assert hit["creators"] == ["王小明"] and hit["tags"] == ["美食"]


def test_owner_by_id_name_registrant_or_holder(client, catalogue):
    blue = catalogue.blue_river.party_id
    # Blue River registered Winter Song and holds a share of 夏日城市 registered by someone else.
    assert ids(search(client, owner=blue)) == [catalogue.city, catalogue.winter]
    assert ids(search(client, owner="blue river")) == [catalogue.city, catalogue.winter]
    assert ids(search(client, owner="summer records", q="夏日")) == [
        catalogue.city, catalogue.trip, catalogue.light]
    holders = search(client, q="夏日城市")["items"][0]["holders"]
    assert holders == [
        {"party_id": catalogue.summer_records.party_id, "name": "夏日唱片 Summer Records"},
        {"party_id": blue, "name": "Blue River Music"},
    ]


def test_type_includes_subtypes(client, catalogue):
    assert ids(search(client, type="audiovisual_work")) == [catalogue.breeze, catalogue.trip,
                                                            catalogue.xia]
    assert ids(search(client, type="short_video")) == [catalogue.breeze, catalogue.trip]
    bad = client.get("/api/v1/works", params={"type": "hologram"})
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "type"


def test_tag_filter_ignores_case(client, catalogue):
    assert ids(search(client, tag="美食")) == [catalogue.city]
    assert ids(search(client, tag="vlog")) == [catalogue.trip, catalogue.winter]
    assert ids(search(client, tag="VLOG", q="winter")) == [catalogue.winter]


def test_identifier_is_normalised_before_an_exact_match(client, catalogue):
    for value in ("isrc:CNA001700001", "isrc:CN-A00-17-00001", "ISRC:cn-a00-17-00001"):
        page = search(client, identifier=value)
        assert ids(page) == [catalogue.breeze], value
    assert page["items"][0]["identifiers"] == [{"scheme": "isrc", "value": "CNA001700001"}]
    assert ids(search(client, identifier="isrc:CNA001700002")) == []
    for bad in ("isrc:12", "CNA001700001", "nope:123"):
        resp = client.get("/api/v1/works", params={"identifier": bad})
        assert resp.status_code == 422, bad
        assert resp.json()["error"]["details"][0]["field"] == "identifier"


def test_filters_combine_with_the_text_query(client, catalogue):
    assert ids(search(client, q="夏", type="audiovisual_work")) == [catalogue.xia, catalogue.trip]
    assert ids(search(client, q="夏", type="audiovisual_work", tag="vlog")) == [catalogue.trip]
    assert ids(search(client, q="夏", language="zh")) == [catalogue.city, catalogue.trip,
                                                          catalogue.light]
    assert ids(search(client, q="夏日", owner="blue river")) == [catalogue.city]


def test_paging_walks_every_tier_without_gaps_or_repeats(client, sessions, catalogue):
    owner = make_actor(sessions, "Travel Channel", Role.OWNER)
    more = [make_work(sessions, owner, title=f"夏日旅行 第{i}期") for i in range(5)]
    whole = search(client, q="夏日", limit=100)
    assert whole["total"] == 8
    # Title matches, shorter titles first (夏日城市, then 夏日旅行 第N期, then the 11-character
    # 我们在夏日里旅行的故事), then the alternative-title match.
    assert ids(whole) == [catalogue.city, *more, catalogue.trip, catalogue.light]
    pages = [search(client, q="夏日", offset=offset, limit=3) for offset in (0, 3, 6, 9)]
    assert [p["total"] for p in pages] == [8, 8, 8, 8]
    assert sum((ids(p) for p in pages), []) == ids(whole)
    assert [i["score"] for i in pages[1]["items"]] == [4, 5, 6]
    assert pages[3]["items"] == []
    too_many = client.get("/api/v1/works", params={"limit": 101})
    assert too_many.status_code == 422


def test_empty_query_lists_everything_in_registration_order(client, catalogue):
    page = search(client, q="", limit=100)
    assert ids(page) == catalogue.all
    assert {i["match"] for i in page["items"]} == {"all"}
    assert ids(search(client)) == catalogue.all


def test_the_index_follows_updates(client, sessions, catalogue):
    owner = catalogue.summer_records
    current = client.get(f"/api/v1/works/{catalogue.city}").json()
    resp = client.patch(f"/api/v1/works/{catalogue.city}", headers=owner.headers,
                        json={"title": "Autumn Leaves", "version": current["version"]})
    assert resp.status_code == 200, resp.text
    assert catalogue.city not in ids(search(client, q="夏日城市"))
    assert catalogue.city not in ids(search(client, q="日城"))
    hit = search(client, q="autumn")["items"][0]
    assert hit["id"] == catalogue.city and hit["version"] == current["version"] + 1
    assert ids(search(client, q="summer city")) == [catalogue.city]  # the alt title is kept


def test_rebuild_gives_the_same_answers(client, sessions, catalogue):
    before = {q: ids(search(client, q=q)) for q in ("夏", "summ", "王", "vlog", "")}
    with unit_of_work(sessions) as s:
        stats = indexer.rebuild(s)
    assert stats.documents == len(catalogue.all)
    assert {q: ids(search(client, q=q)) for q in before} == before


def test_public_but_a_bad_key_is_refused(client, catalogue):
    assert client.get("/api/v1/works", params={"q": "夏"}).status_code == 200
    bad = client.get("/api/v1/works", headers={"Authorization": "Bearer chk_nope"})
    assert bad.status_code == 401
    good = client.get("/api/v1/works", headers=catalogue.blue_river.headers)
    assert good.status_code == 200


def test_openapi_documents_the_search(client):
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/v1/works"]["get"]
    assert "tiers" in op["description"]
    assert {p["name"] for p in op["parameters"]} >= {
        "q", "type", "tag", "creator", "owner", "identifier", "language", "offset", "limit"}
    assert {"200", "401", "422"} <= set(op["responses"])


def test_owner_filter_follows_holdings_as_they_change(client, sessions, catalogue):
    newcomer = make_actor(sessions, "Newcomer Studio", Role.OWNER)
    assert ids(search(client, owner=newcomer.party_id)) == []
    created = client.post(f"/api/v1/works/{catalogue.trip}/holdings", headers=newcomer.headers,
                          json={"rights": ["synchronisation"], "share": "10",
                                "valid_from": "2020-01-01", "warranty": {"accepted": True}})
    assert created.status_code == 201, created.text
    # A claim on Summer Records' video makes nobody an owner until Summer Records accepts it.
    assert created.json()["status"] == "pending"
    assert ids(search(client, owner="newcomer")) == []
    accepted = client.post(f"/api/v1/holdings/{created.json()['id']}/accept",
                           headers=catalogue.summer_records.headers | {"If-Match": '"1"'})
    assert accepted.status_code == 200, accepted.text
    assert ids(search(client, owner="newcomer")) == [catalogue.trip]
    holders = search(client, owner="newcomer")["items"][0]["holders"]
    assert {"party_id": newcomer.party_id, "name": "Newcomer Studio"} in holders
    holding = accepted.json()
    withdrawn = client.post(f"/api/v1/holdings/{holding['id']}/withdraw",
                            headers=newcomer.headers | {"If-Match": f'"{holding["version"]}"'})
    assert withdrawn.status_code == 200, withdrawn.text
    assert ids(search(client, owner=newcomer.party_id)) == []


def test_owner_filter_that_names_nobody_or_half_the_directory(client, sessions, catalogue):
    assert search(client, owner="no such party")["total"] == 0
    for i in range(21):
        make_actor(sessions, f"Common Name {i}", Role.OWNER)
    resp = client.get("/api/v1/works", params={"owner": "common name"})
    assert resp.status_code == 422
    assert resp.json()["error"]["details"][0]["field"] == "owner"


def test_a_tag_that_normalisation_makes_long_is_indexed_and_found(client, sessions, catalogue):
    owner = catalogue.summer_records
    long_tag = "\ufdfa" * 100  # NFKC turns each character into 18
    created = client.post("/api/v1/works", headers=owner.headers,
                          json={"type": "photograph", "title": "Calligraphy", "tags": [long_tag]})
    assert created.status_code == 201, created.text
    assert ids(search(client, tag=long_tag)) == [created.json()["id"]]


def test_a_long_exact_title_is_found_first_and_one_letter_is_not_a_prefix(client, sessions,
                                                                           catalogue):
    owner = catalogue.summer_records
    title = "我们在夏日里旅行的故事之二十四个城市的美食与风景"  # longer than the 16 tokens matched
    created = client.post("/api/v1/works", headers=owner.headers,
                          json={"type": "short_video", "title": title})
    assert created.status_code == 201, created.text
    page = search(client, q=title)
    assert ids(page)[0] == created.json()["id"] and page["items"][0]["match"] == "exact_title"
    assert page["total"] == 1
    assert search(client, q="s")["total"] == 0  # not every word starting with s
