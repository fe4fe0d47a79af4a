"""The matches are found once and then ranked or paged from that list (SQLite), or found again
by each statement (PostgreSQL): a client paging through a result must see every work once, in
the same order, with the same total, whichever way the page was cut."""

from __future__ import annotations

import pytest

from clearinghouse.core.db import unit_of_work
from clearinghouse.search import repository, service
from tests.support.factories import make_work

LISTINGS = [{"owner": "Summer Records"}, {"tag": "vlog"}, {"type": "audiovisual_work"}, {},
            {"creator": "lily chen"}]
SEARCHES = [{"q": "夏"}, {"q": "summer"}, {"q": "summ", "type": "audiovisual_work"},
            {"q": "夏日", "tag": "美食"}]


def _pages(sessions, params: dict, limit: int) -> tuple[list[tuple[str, str]], list[int], list[bool]]:  # noqa: ANN001
    seen: list[tuple[str, str]] = []
    totals, capped = [], []
    for offset in range(0, 12, limit):
        with unit_of_work(sessions) as s:
            page = service.search(s, service.SearchParams(**params, offset=offset, limit=limit))
        seen += [(h.id, h.match) for h in page.items]
        totals.append(page.total)
        capped.append(page.total_capped)
    return seen, totals, capped


@pytest.mark.parametrize("params", LISTINGS + SEARCHES)
def test_paging_past_a_small_cap_lists_every_work_once_in_order(sessions, catalogue, monkeypatch,
                                                                 params):
    """With the cap at 3, pages inside the listed matches are cut from the list and later ones
    are walked: page by page they give the one-page answer, and the total follows the cap."""
    monkeypatch.setattr(service, "TOTAL_CAP", 3)
    monkeypatch.setattr(service, "RANK_IN_PYTHON_MAX", 0)
    with unit_of_work(sessions) as s:
        whole = service.search(s, service.SearchParams(**params, limit=100))
    seen, totals, capped = _pages(sessions, params, limit=2)
    assert seen == [(h.id, h.match) for h in whole.items], params
    many = len(whole.items) > 3  # the one page saw every match, so its total is exact
    assert whole.total == len(whole.items) and capped[0] == many, params
    assert totals[0] == (3 if many else whole.total), params


def test_a_listing_cut_from_the_match_list_is_the_walked_listing(sessions, catalogue):
    """No text: the first pages come from the listed matches; the same works as a full page."""
    with unit_of_work(sessions) as s:
        whole = service.search(s, service.SearchParams(type="audiovisual_work", limit=100))
    seen, totals, _ = _pages(sessions, {"type": "audiovisual_work"}, limit=2)
    assert seen == [(h.id, h.match) for h in whole.items]
    assert [m for _, m in seen] == ["all"] * 3  # 夏日城市 is a musical work, not audiovisual
    assert set(totals) == {3}


def test_the_match_set_counts_up_to_the_cap_and_lists_in_document_order(sessions, catalogue):
    make_work(sessions, catalogue.summer_records, title="夏天")
    with unit_of_work(sessions) as s:
        request = service.build_request(s, service.SearchParams(q="夏"))
        assert request.text is not None
        every = request.text.every_match()
        full = repository.match_set(s, request.text, every, request.filters, cap=100)
        capped = repository.match_set(s, request.text, every, request.filters, cap=2)
    assert full.count == 5 and capped.count == 2
    if full.doc_nos is not None:  # SQLite lists them; PostgreSQL finds them again when asked
        assert full.first(0, 100) == sorted(full.first(0, 100))
        assert capped.first(0, 100) == full.first(0, 2)
        assert full.first(3, 10) == full.first(0, 100)[3:]


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "夏", "type": "audiovisual_work", "tag": "vlog"}, ["trip"]),
    ({"type": "audiovisual_work", "tag": "vlog"}, ["trip"]),
    ({"q": "夏日", "tag": "美食"}, ["city"]),
    ({"q": "夏日", "tag": "美食", "type": "audiovisual_work"}, []),  # 夏日城市 is a song
    ({"q": "summer", "type": "audiovisual_work", "language": "en"}, ["breeze"]),
])
def test_a_type_with_subtypes_beside_a_tag_filters_exactly(sessions, catalogue, params, expected):
    """On SQLite a type and its subtypes (several facet terms) is tested on the rows a tag or
    language already narrowed, not walked in the full-text index: the same works either way."""
    with unit_of_work(sessions) as s:
        page = service.search(s, service.SearchParams(**params))
    assert [h.id for h in page.items] == [getattr(catalogue, name) for name in expected]
    assert page.total == len(expected)


def test_walking_both_title_phrase_tiers_at_once_gives_the_tiers_walked_apart(
        sessions, catalogue, monkeypatch):
    """Beyond the cap, a query of several words walks its title and alternative-title phrase
    tiers as one (SQLite): the same works in the same tiers and places, whatever the offset."""
    records = catalogue.summer_records
    make_work(sessions, records, title="Summer City Lights", alt_titles=[{"title": "夏日城市"}])
    make_work(sessions, records, title="City Songs", alt_titles=[{"title": "Old Summer City"}])
    make_work(sessions, records, title="Summer City", creators=[{"name": "Summer City Band",
                                                                 "role": "author"}])
    make_work(sessions, records, title="Summer in the City")
    monkeypatch.setattr(service, "TOTAL_CAP", 1)
    monkeypatch.setattr(service, "RANK_IN_PYTHON_MAX", 0)
    queries = [{"q": q, "offset": offset, "limit": limit} for q in ("summer city", "city summer",
                                                                    "summer city lights")
               for offset, limit in ((0, 20), (0, 1), (1, 1), (2, 2), (3, 5), (9, 3))]

    def pages() -> list[list[tuple[str, str]]]:
        out = []
        for params in queries:
            with unit_of_work(sessions) as s:
                out.append([(h.id, h.match) for h in service.search(
                    s, service.SearchParams(**params)).items])
        return out

    together = pages()
    monkeypatch.setattr(service, "_title_phrase_pair", lambda tiers, position: False)
    assert together == pages()
    assert {"title_phrase", "alt_title_phrase"} <= {m for page in together for _, m in page}
