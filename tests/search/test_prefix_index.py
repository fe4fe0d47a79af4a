"""A word typed in part is answered by FTS5's prefix index (migration 0019), on SQLite; a
reindex of a database whose full-text table predates it makes the table again."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from clearinghouse.core.db import unit_of_work
from clearinghouse.search import index_repository, indexer, service
from tests.support.factories import make_work

# The table as migration 0002 made it, before the prefix index.
OLD_FTS_TABLE = ("CREATE VIRTUAL TABLE search_fts USING fts5(title, alt_titles, creators,"
                 " keywords, facets, content='search_documents', content_rowid='doc_no',"
                 " tokenize='ascii', columnsize=0)")


def find(sessions, **params):  # noqa: ANN001, ANN003, ANN201
    with unit_of_work(sessions) as s:
        return [h.id for h in service.search(s, service.SearchParams(**params)).items]


def fts_table(sessions) -> str:  # noqa: ANN001
    with unit_of_work(sessions) as s:
        return str(s.execute(text("SELECT sql FROM sqlite_master WHERE name = 'search_fts'"))
                   .scalar_one())


def test_every_prefix_length_finds_the_same_works(sessions, catalogue):  # noqa: ANN001
    """Prefixes of 2 to 5 characters are read from the prefix index, longer ones by merging
    the words they start, the whole word as a word: the same works either way."""
    longer = make_work(sessions, catalogue.summer_records, title="Summertime Blues",
                       creators=[{"name": "Lily Chenoweth", "role": "author"}])
    summer = [catalogue.light, catalogue.breeze, catalogue.city, longer]  # light: Summers
    for typed in ("sum", "summ", "summe", "summer"):
        assert sorted(find(sessions, q=typed)) == sorted(summer), typed
    assert find(sessions, q="summert") == [longer]
    assert find(sessions, q="summers") == [catalogue.light]
    assert find(sessions, q="su") == find(sessions, q="sum")
    assert sorted(find(sessions, creator="lily ch")) == sorted([catalogue.breeze, longer])
    assert find(sessions, creator="lily chenow") == [longer]


SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the FTS5 table is SQLite's


@SQLITE_ONLY
def test_the_full_text_table_has_a_prefix_index(sessions):  # noqa: ANN001
    assert "prefix='2 3 4 5'" in fts_table(sessions)
    with unit_of_work(sessions) as s:
        assert index_repository.fts_is_current(s)


@SQLITE_ONLY
def test_reindex_makes_an_old_full_text_table_again(sessions, catalogue):  # noqa: ANN001
    with unit_of_work(sessions) as s:  # a database restored from before migration 0019
        s.execute(text("DROP TABLE search_fts"))
        s.execute(text(OLD_FTS_TABLE))
        assert not index_repository.fts_is_current(s)
    with unit_of_work(sessions) as s:
        indexer.rebuild(s)
    assert "prefix='2 3 4 5'" in fts_table(sessions)
    assert sorted(find(sessions, q="summ")) == sorted([catalogue.light, catalogue.breeze,
                                                      catalogue.city])
    assert find(sessions, q="日城") == [catalogue.city]
