"""The index follows the registry: removal, and a rebuild after rows were bulk-inserted."""

from __future__ import annotations

from sqlalchemy import text

from clearinghouse.core.db import unit_of_work
from clearinghouse.search import indexer, service


def find(sessions, **params):  # noqa: ANN001, ANN003, ANN201
    with unit_of_work(sessions) as s:
        return [h.id for h in service.search(s, service.SearchParams(**params)).items]


def test_removed_work_is_no_longer_found(sessions, catalogue):  # noqa: ANN001
    with unit_of_work(sessions) as s:
        indexer.remove_work(s, catalogue.city)
    assert find(sessions, q="夏日") == [catalogue.trip, catalogue.light]
    assert find(sessions, q="日城") == []
    with unit_of_work(sessions) as s:  # and it can come back
        indexer.index_work(s, s.get(indexer.Work, catalogue.city))
    assert find(sessions, q="日城") == [catalogue.city]


def test_rebuild_picks_up_rows_written_behind_the_indexer(sessions, catalogue):  # noqa: ANN001
    with unit_of_work(sessions) as s:  # a bulk loader writing Core statements
        s.execute(text("UPDATE works SET title = 'Bulk Title' WHERE id = :w"),
                  {"w": catalogue.winter})
    assert find(sessions, q="bulk") == []
    with unit_of_work(sessions) as s:
        indexer.rebuild(s)
    assert find(sessions, q="bulk") == [catalogue.winter]
    assert find(sessions, owner=catalogue.blue_river.party_id) == [catalogue.city, catalogue.winter]
