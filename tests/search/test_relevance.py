"""Relevance on SQLite and PostgreSQL: no false matches across fields or punctuation, and the
order a person expects on a small judged set (tier, then how much of the field the query
covers, then licences sold, then registration)."""

from __future__ import annotations

import pytest

from clearinghouse.access.domain import Role
from clearinghouse.search import service
from tests.licensing.purchase_support import buy, make_market, make_quote, use_of
from tests.search.test_search_api import ids, search
from tests.support.factories import make_actor, make_work


@pytest.fixture(autouse=True, params=["ranked_in_python", "ranked_in_one_statement"])
def ranking_path(request, monkeypatch):  # noqa: ANN001, ANN201
    """Every case on both ways of ranking a match set: rows sorted in Python, or one SQL
    statement (what a search with more than 50 matches uses)."""
    if request.param == "ranked_in_one_statement":
        monkeypatch.setattr(service, "RANK_IN_PYTHON_MAX", 0)


def _creator(name: str) -> list[dict[str, str]]:
    return [{"name": name, "role": "author"}]


def test_a_chinese_pair_never_matches_across_brackets(client, sessions):
    owner = make_actor(sessions, "坦克唱片", Role.OWNER)
    live = make_work(sessions, owner, title="坦克（现场版）")
    assert ids(search(client, q="克现")) == []  # 克 and 现 stand either side of the bracket
    assert ids(search(client, q="坦克")) == [live]
    assert ids(search(client, q="现场版")) == [live]
    assert ids(search(client, q="现场")) == [live]
    page = search(client, q="坦克（现场版）")  # the whole title, as typed, is still exact
    assert ids(page) == [live] and page["items"][0]["match"] == "exact_title"


def test_a_phrase_never_runs_across_clause_punctuation(client, sessions):
    owner = make_actor(sessions, "Label", Role.OWNER)
    work = make_work(sessions, owner, title="夏日·城市 Lights, Night")
    assert ids(search(client, q="日城")) == []
    assert ids(search(client, q="城市")) == [work]
    # Both words in the title, but a comma between them: not the phrase "lights night".
    page = search(client, q="lights night")
    assert ids(page) == [work] and page["items"][0]["match"] == "title_partial"
    # Hyphens and apostrophes only separate words, as spaces do.
    hyphen = make_work(sessions, owner, title="Summer-City Don't Stop")
    assert search(client, q="summer city")["items"][0]["id"] == hyphen
    assert search(client, q="don't stop")["items"][0]["match"] == "title_phrase"


def test_a_two_word_name_never_straddles_a_creator_and_a_title(client, sessions):
    owner = make_actor(sessions, "Label", Role.OWNER)
    make_work(sessions, owner, title="Parkways", creators=_creator("Chloe Turner"))
    assert ids(search(client, q="Chloe Park")) == []
    assert ids(search(client, creator="Chloe Park")) == []


def test_a_two_word_name_never_straddles_two_creators(client, sessions):
    owner = make_actor(sessions, "Label", Role.OWNER)
    duet = make_work(sessions, owner, title="Duet", creators=[
        {"name": "Chloe Turner", "role": "author"}, {"name": "Sam Park", "role": "author"}])
    assert ids(search(client, q="Chloe Park")) == []
    assert ids(search(client, q="Chloe Turner")) == [duet]
    assert ids(search(client, q="Turner Chloe")) == [duet]  # a name in either order
    assert ids(search(client, q="chloe tur")) == [duet]  # the last word as a prefix
    assert ids(search(client, q="tur chloe")) == []  # only the last word typed is a prefix
    assert ids(search(client, creator="Sam Park")) == [duet]


def test_a_creator_query_ranks_her_works_above_titles_straddling_her_name(client, sessions):
    owner = make_actor(sessions, "Label", Role.OWNER)
    straddle = make_work(sessions, owner, title="Chloe Meets the Turner Family")
    hers = make_work(sessions, owner, title="Quiet Harbour", creators=_creator("Chloe Turner"))
    page = search(client, q="Chloe Turner")
    assert ids(page) == [hers, straddle]
    assert [i["match"] for i in page["items"]] == ["creator", "title_partial"]


def test_inside_a_tier_the_query_covering_more_of_the_title_comes_first(client, sessions):
    owner = make_actor(sessions, "Label", Role.OWNER)
    long_title = make_work(sessions, owner, title="The Long Summer of Our Discontent")
    medium = make_work(sessions, owner, title="Summer Rain Again")
    short = make_work(sessions, owner, title="Summer Rain")
    exact = make_work(sessions, owner, title="Summer")
    page = search(client, q="summer")
    assert ids(page) == [exact, short, medium, long_title]
    assert [i["match"] for i in page["items"]] == ["exact_title"] + ["title_phrase"] * 3
    assert [i["score"] for i in page["items"]] == [1, 2, 3, 4]
    # Chinese too: 夏日 covers more of 夏日城市 than of a long title; the bracket title first
    # only by being shorter.
    long_zh = make_work(sessions, owner, title="我们在夏日里旅行的故事")
    short_zh = make_work(sessions, owner, title="夏日城市")
    assert ids(search(client, q="夏日")) == [short_zh, long_zh]


def test_licences_sold_break_ties_inside_a_tier(client, sessions):
    owner = make_actor(sessions, "Label", Role.OWNER)
    older = make_work(sessions, owner, title="月光 Starlight")
    market = make_market(sessions)  # registers 月光 Moonlight, as long a title, after it
    assert ids(search(client, q="月光")) == [older, market.work_id]
    quote = make_quote(sessions, market.licensee, use=use_of(market.work_id))
    assert buy(client, market.licensee, quote).status_code == 201
    assert ids(search(client, q="月光")) == [market.work_id, older]
