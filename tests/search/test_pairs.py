"""A phrase of two or more Chinese characters, and a creator's name of two or more words, is
asked on SQLite as the phrase of its pairs (migration 0021): the same works as a phrase of
tokens, on both databases, never across a break, and kept in step when a work changes."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.migrate import alembic_config
from clearinghouse.registry.tables import Work
from clearinghouse.search import index_repository, indexer, service
from clearinghouse.search.tokens import GAP, PAIR_JOIN, character_pairs, indexed_text, name_pairs
from tests.support.factories import make_actor, make_work

# The table as migration 0019 made it: the prefix index, but no pair columns.
FTS_TABLE_0019 = ("CREATE VIRTUAL TABLE search_fts USING fts5(title, alt_titles, creators,"
                  " keywords, facets, content='search_documents', content_rowid='doc_no',"
                  " tokenize='ascii', columnsize=0, prefix='2 3 4 5')")
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def find(sessions, **params):  # noqa: ANN001, ANN003, ANN201
    with unit_of_work(sessions) as s:
        return sorted(h.id for h in service.search(s, service.SearchParams(**params)).items)


def test_pairs_of_a_field_stop_where_a_run_of_characters_stops():
    assert character_pairs(indexed_text(["夏日城市"])) == "夏日 日城 城市"
    # The bracket breaks the run: 坦克 then 克现 must not read as the phrase 坦克现.
    assert character_pairs(indexed_text(["坦克（克现场）"])) == f"坦克 {GAP} 克现 现场"
    # A gap only where two runs could read as one (the next starts where the last ended).
    assert character_pairs(indexed_text(["夏日 city 城市"])) == "夏日 城市"
    assert character_pairs(indexed_text(["夏日 city 日光"])) == f"夏日 {GAP} 日光"
    assert character_pairs(indexed_text(["Summer City"])) == ""
    assert name_pairs(indexed_text(["Chloe Turner", "Sam Park", "王伟"])) == (
        f"chloe{PAIR_JOIN}turner sam{PAIR_JOIN}park 王伟")
    assert name_pairs(indexed_text(["Chloe Turner", "Turner Smith"])) == (
        f"chloe{PAIR_JOIN}turner {GAP} turner{PAIR_JOIN}smith")
    assert name_pairs(indexed_text(["Madonna"])) == ""


def test_a_phrase_of_characters_finds_what_a_phrase_of_tokens_finds(sessions):  # noqa: ANN001
    owner = make_actor(sessions, "坦克唱片", Role.OWNER)
    tank = make_work(sessions, owner, title="坦克（克现场）")
    city = make_work(sessions, owner, title="我的夏日城市日记", alt_titles=[{"title": "城市夏日"}])
    spaced = make_work(sessions, owner, title="夏日 城市")  # a space joins, as before
    tagged = make_work(sessions, owner, title="Food", tags=["夏日城市美食"])
    sunny = make_work(sessions, owner, title="夏日 Sunny 日光")
    assert find(sessions, q="坦克现") == []  # the pairs 坦克, 克现 sit either side of the bracket
    assert find(sessions, q="夏日光") == []  # 夏日, 日光: a word stands between them
    assert find(sessions, q="日光") == [sunny]
    assert find(sessions, q="克现场") == [tank]
    assert find(sessions, q="夏日城市") == sorted([city, spaced, tagged])
    assert find(sessions, q="日城") == sorted([city, spaced, tagged])
    assert find(sessions, q="市夏") == [city]  # inside the alternative title only
    assert find(sessions, q="城市日记 夏日") == [city]  # two runs, each a phrase of pairs
    assert find(sessions, q="夏日城市美食") == [tagged]
    assert find(sessions, q="夏城") == []


def test_a_creator_name_of_several_words_is_found_by_its_pairs(sessions):  # noqa: ANN001
    owner = make_actor(sessions, "Label", Role.OWNER)
    noah = make_work(sessions, owner, title="One", creators=[
        {"name": "Noah Wright", "role": "author"}, {"name": "Sam Park", "role": "author"},
        {"name": "Park Lee", "role": "author"}])
    mary = make_work(sessions, owner, title="Two",
                     creators=[{"name": "Mary Ann Wrightson", "role": "author"}])
    wang = make_work(sessions, owner, title="Three", creators=[{"name": "王小明", "role": "author"}])
    assert find(sessions, creator="Noah Wright") == [noah]
    assert find(sessions, creator="noah wr") == [noah]  # the last word typed in part
    assert find(sessions, creator="Wright Noah") == [noah]  # two words the other way round
    assert find(sessions, creator="Wright Sam") == []  # never across two creators
    assert find(sessions, creator="Sam Park Lee") == []  # "Sam Park", then "Park Lee"
    assert find(sessions, creator="Park Lee") == [noah]
    assert find(sessions, creator="Ann Wright") == [mary]  # inside a longer name
    assert find(sessions, creator="Mary Ann Wrightson") == [mary]
    assert find(sessions, creator="Mary Wrightson") == []  # not side by side
    assert find(sessions, creator="王小明") == [wang]
    assert find(sessions, creator="小明") == [wang]
    assert find(sessions, creator="王明") == []
    assert find(sessions, q="Noah Wright") == [noah]


def test_a_changed_title_leaves_no_pairs_behind(sessions, catalogue):  # noqa: ANN001
    with unit_of_work(sessions) as s:  # FTS5 forgets a row's pairs only if told them exactly
        work = s.get(Work, catalogue.city)
        work.title = "秋天海边"
        indexer.index_work(s, work)
    assert find(sessions, q="日城") == []
    assert find(sessions, q="天海") == [catalogue.city]
    with unit_of_work(sessions) as s:
        indexer.remove_works(s, [catalogue.city])
    assert find(sessions, q="天海") == []


@SQLITE_ONLY
def test_reindex_makes_a_table_without_pairs_again(sessions, catalogue):  # noqa: ANN001
    with unit_of_work(sessions) as s:  # a database restored from before migration 0021
        s.execute(text("DROP TABLE search_fts"))
        s.execute(text(FTS_TABLE_0019))
        s.execute(text("INSERT INTO search_fts (search_fts) VALUES ('rebuild')"))
        assert not index_repository.fts_is_current(s)
    with unit_of_work(sessions) as s:
        indexer.rebuild(s)
        assert index_repository.fts_is_current(s)
    assert find(sessions, q="日城") == [catalogue.city]
    assert find(sessions, creator="Lily Chen") == [catalogue.breeze]


@SQLITE_ONLY
def test_migration_0021_indexes_the_pairs_of_every_document(sessions, engine, catalogue):  # noqa: ANN001
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    for step, target in ((command.downgrade, "0019"), (command.upgrade, "head")):
        with engine.begin() as connection:  # back to the table without pairs, then migrated
            cfg.attributes["connection"] = connection
            step(cfg, target)
    with unit_of_work(sessions) as s:
        assert index_repository.fts_is_current(s)
    assert find(sessions, q="日城") == [catalogue.city]
    assert find(sessions, q="旅行的故") == [catalogue.trip]
    assert find(sessions, creator="Lily Chen") == [catalogue.breeze]
    assert find(sessions, creator="王小明") == [catalogue.city]
    with unit_of_work(sessions) as s:  # the migrated rows are forgotten exactly when removed
        indexer.remove_work(s, catalogue.city)
    assert find(sessions, q="日城") == []
