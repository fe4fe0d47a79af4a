"""Few matches are ranked in Python, up to the cap in one statement: both must give the same
page. Beyond the cap the tiers are walked in document order: the same tiers, the same works."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from clearinghouse.access.domain import Role
from clearinghouse.core.db import is_postgres, unit_of_work
from clearinghouse.search import repository, service
from clearinghouse.search.query import Mode, parse_text
from tests.support.factories import make_actor, make_work

RANK_IN_PYTHON = service.RANK_IN_PYTHON_MAX
QUERIES = [
    {"q": "夏"}, {"q": "夏日"}, {"q": "日城"}, {"q": "summ"}, {"q": "summer"}, {"q": "summer city"},
    {"q": "city summer"}, {"q": "王"}, {"q": "lily"}, {"q": "vlog"}, {"q": "cna001700001"},
    {"q": "夏日 summer"}, {"q": "旅行"}, {"q": "夏", "type": "audiovisual_work"},
    {"q": "夏", "tag": "vlog"}, {"q": "s", "creator": "chen"}, {"q": "夏日城市"},
    {"q": "夏日", "offset": 2, "limit": 2}, {"q": "summ", "offset": 1, "limit": 1},
    {"q": "夏", "offset": 9}, {"q": "the"}, {"q": "song"},
]


# (rank in Python up to, rank in one statement up to): Python; one statement; one query per tier.
PATHS = [(RANK_IN_PYTHON, 0), (0, 10_000), (0, 0)]


def test_python_ranking_one_statement_and_tier_queries_agree(sessions, catalogue, monkeypatch):
    owner = make_actor(sessions, "More Works", Role.OWNER)
    make_work(sessions, owner, title="Summer", alt_titles=[{"title": "夏日 之歌"}])
    make_work(sessions, owner, title="The Song of Summer City", creators=[
        {"name": "夏日 Band", "role": "author"}], tags=["summer"])
    make_work(sessions, owner, title="城市 夏日", alt_titles=[{"title": "City Summer"}])
    for params in QUERIES:
        pages = []
        for in_python, in_one_query in PATHS:
            monkeypatch.setattr(service, "RANK_IN_PYTHON_MAX", in_python)
            monkeypatch.setattr(service, "RANK_IN_ONE_QUERY_MAX", in_one_query)
            with unit_of_work(sessions) as s:
                page = service.search(s, service.SearchParams(**params))
            pages.append(([(h.id, h.match, h.score) for h in page.items], page.total))
        assert pages[0] == pages[1], params
        # Walking the tiers orders a tier's works by registration, not relevance: the same
        # tiers in the same places, and the same works when the page holds every match.
        (ranked, total), (walked, walked_total) = pages[0], pages[2]
        assert [m for _, m, _ in walked] == [m for _, m, _ in ranked], params
        assert walked_total == total, params
        if len(ranked) == total and "offset" not in params:
            assert {(i, m) for i, m, _ in walked} == {(i, m) for i, m, _ in ranked}, params


@pytest.mark.parametrize("paths", PATHS)
def test_total_is_exact_on_every_path(sessions, catalogue, monkeypatch, paths):
    monkeypatch.setattr(service, "RANK_IN_PYTHON_MAX", paths[0])
    monkeypatch.setattr(service, "RANK_IN_ONE_QUERY_MAX", paths[1])
    with unit_of_work(sessions) as s:
        page = service.search(s, service.SearchParams(q="夏", limit=2))
    assert page.total == 4 and len(page.items) == 2 and page.total_capped is False


def test_total_is_capped_and_says_so(sessions, catalogue, monkeypatch):
    monkeypatch.setattr(service, "TOTAL_CAP", 3)
    monkeypatch.setattr(service, "RANK_IN_PYTHON_MAX", 0)
    with unit_of_work(sessions) as s:
        first = service.search(s, service.SearchParams(q="夏", limit=2))
        last = service.search(s, service.SearchParams(q="夏", offset=3, limit=2))
        listing = service.search(s, service.SearchParams(limit=1))
    assert (first.total, first.total_capped) == (3, True)
    assert len(last.items) == 1 and last.total == 4  # paging past the cap still works
    assert (listing.total, listing.total_capped) == (3, True)


def test_the_api_states_the_cap_it_applies(client):
    """Clients page by `total`: the documented cap must be the one the service applies."""
    spec = client.get("/openapi.json").json()
    cap = f"{service.TOTAL_CAP:,}"
    described = spec["components"]["schemas"]["SearchPage"]["properties"]["total_capped"]
    assert cap in described["description"]
    assert f"up to {cap};" in spec["paths"]["/api/v1/works"]["get"]["description"]


def test_phrase_tiers_are_skipped_when_no_work_holds_the_last_word_whole(sessions, catalogue):
    """`summ` can only match as a prefix, so its phrase tiers are empty and are not walked
    (on PostgreSQL each empty tier read the whole table); `summer` keeps them."""
    with unit_of_work(sessions) as s:
        prefix_only = service._tiers_worth_walking(s, parse_text("summ"))
        whole_word = service._tiers_worth_walking(s, parse_text("summer"))
        # The probe's planner settings end with it: later statements may use any plan again.
        if is_postgres(s):
            assert s.execute(text("SHOW enable_seqscan")).scalar() == "on"
            assert s.execute(text("SHOW enable_indexscan")).scalar() == "on"
    assert [t.name for t in prefix_only] == ["title_partial", "alt_title_partial", "creator",
                                             "other"]
    assert any(t.include.mode == Mode.PHRASE for t in whole_word)


def test_a_name_query_skips_title_phrase_tiers_no_work_holds(sessions, catalogue):
    """On PostgreSQL a tier with no match is walked through the whole table: a name typed as
    text (`lily chen`) has empty title phrase tiers, found so through the index and skipped."""
    with unit_of_work(sessions) as s:
        name = [t.name for t in service._tiers_worth_walking(s, parse_text("lily chen"))]
        title = [t.name for t in service._tiers_worth_walking(s, parse_text("summer breeze"))]
        pg = is_postgres(s)
        if pg:
            assert s.execute(text("SHOW enable_seqscan")).scalar() == "on"
    if pg:
        assert name == ["creator", "title_partial", "alt_title_partial", "other"]
    else:  # FTS5 reads an empty tier's doclists and stops: nothing to skip
        assert name[:3] == ["title_phrase", "alt_title_phrase", "creator"]
    assert title[0] == "title_phrase"


@pytest.mark.parametrize("window", [1, 3])
def test_a_tier_walked_in_a_window_then_through_the_index_gives_the_same_pages(
        sessions, catalogue, monkeypatch, window):
    """PostgreSQL walks a tier's first documents by document number, then the rest through the
    GIN index: every page, at every offset, must be the one a single walk gives (SQLite has one
    walk, so there both runs are the same path)."""
    owner = make_actor(sessions, "More Works", Role.OWNER)
    for title in ("Summer", "Summer Song", "夏日 之歌", "Summer City Nights", "城市 夏日"):
        make_work(sessions, owner, title=title, alt_titles=[{"title": "Summer Sun"}])
    monkeypatch.setattr(service, "RANK_IN_PYTHON_MAX", 0)
    monkeypatch.setattr(service, "RANK_IN_ONE_QUERY_MAX", 0)  # walk the tiers
    queries = [{"q": "summer"}, {"q": "summ"}, {"q": "夏"}, {"q": "夏日"},
               {"q": "summer", "type": "audiovisual_work"}, {"q": "夏", "type": "short_video"}]

    def pages() -> list[list[tuple[str, str]]]:
        out = []
        with unit_of_work(sessions) as s:
            for params in queries:
                for offset in range(0, 8, 2):
                    page = service.search(s, service.SearchParams(**params, offset=offset, limit=2))
                    out.append([(h.id, h.match) for h in page.items])
        return out

    whole = pages()  # the default window holds every document of this catalogue
    monkeypatch.setattr(repository, "PG_WALK_WINDOW", window)
    assert pages() == whole
    assert any(whole)
