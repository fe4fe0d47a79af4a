"""Tokenisation and query compilation, without a database."""

from __future__ import annotations

from clearinghouse.search import expressions as ex
from clearinghouse.search.documents import build_document
from clearinghouse.search.query import TIERS, Filters, facet, parse_text
from clearinghouse.search.tokens import GAP, normalise, segments, token_texts, tokenize


def test_chinese_is_split_into_characters_and_latin_into_words():
    assert token_texts("夏日城市 Summer-City!") == ["夏", "日", "城", "市", "summer", "city"]
    assert token_texts("ＳＵＭＭＥＲ２０１７") == ["summer2017"]  # full width folded by NFKC
    assert token_texts("Café Ñandú") == ["cafe", "nandu"]
    assert token_texts("ソングが") == ["ソ", "ン", "グ", "が"]  # Japanese voicing marks are kept
    assert token_texts("😀 ' OR 1=1; -- %_*():&|!<") == ["or", "1", "1"]
    assert token_texts("\ud800\x00") == []


def test_segments_keep_runs_of_characters_together():
    segs = segments(tokenize("夏日 城市summer"))
    assert [(s.tokens, s.cjk) for s in segs] == [
        (("夏", "日"), True), (("城", "市"), True), (("summer",), False)]


def test_normalise_is_idempotent():
    for text in ("Ｓｕｍｍｅｒ", "Ωμέγα", "夏日", "ﬁsh"):
        assert normalise(normalise(text)) == normalise(text)


def test_queries_are_quoted_for_both_engines():
    query = parse_text('summ" OR xy')
    assert query is not None and query.tokens == ("summ", "or", "xy")
    fts = ex.fts_tier(query, TIERS[1])
    assert fts == ('(({title} : ("summ" AND "or" AND "xy"*)) NOT (({title} : ("summ or xy"))))')
    ts = ex.ts_tier(query, TIERS[1])
    assert ts == "((('summ':A) & ('or':A) & ('xy':*A)) & !(('summ':A <-> 'or':A <-> 'xy':A)))"
    a, b, food = facet("type", "a"), facet("type", "b"), facet("tag", "美食")
    assert ex.ts_facets(Filters(type_codes=("a", "b"), tag="美食")) == (
        f"('{a}' | '{b}') & ('{food}')")
    assert food == facet("tag", " 美食 ") and len(facet("tag", "\ufdfa" * 100)) == 25


def test_document_keeps_values_apart():
    doc = build_document(work_id="wrk_1", title="夏日",
                         alt_titles=[{"title": "城市"}, {"title": "光"}], creators=["王", "李"],
                         tags=["美食"], identifiers=[("isrc", "CNA001700001")],
                         type_code="short_video", language="zh")
    assert doc.alt_titles == f"城 市 {GAP} 光"
    assert doc.keywords == f"美 食 {GAP} cna001700001"
    # In PostgreSQL the gap is a skipped position, so 市 (3) and 光 (5) are not adjacent.
    assert doc.tsvector().startswith("'夏':1A '日':2A '城':4B '市':5B '光':7B")


def test_long_queries_match_on_their_first_tokens_and_one_letter_is_a_word():
    long = parse_text("的" * 200)
    assert long is not None and len(long.tokens) == 16 and long.normalised == " ".join("的" * 200)
    assert parse_text("s").last_is_prefix is False
    assert parse_text("su").last_is_prefix is True
    assert parse_text("夏").last_is_prefix is False


def test_breaking_punctuation_leaves_a_gap_in_the_index_and_the_exact_title_key():
    from clearinghouse.search.tokens import indexed_text

    assert indexed_text(["坦克（现场版）"]) == f"坦 克 {GAP} 现 场 版"
    assert indexed_text(["Lights, Camera", "Summer-City Don't"]) == (
        f"lights {GAP} camera {GAP} summer city don t")  # hyphens and apostrophes join
    assert parse_text("坦克（现场版）").normalised == f"坦 克 {GAP} 现 场 版"
    assert [s.tokens for s in parse_text("坦克（现").segments] == [("坦", "克"), ("现",)]


def test_plain_text_takes_a_shortcut_to_the_same_tokens():
    """Text of ASCII and common ideographs is tokenized by a regular expression (the bulk
    import's hot path): the tokens, gaps and normal form are exactly those of the general,
    character-by-character way, whatever the mix of cases, breaks and separators."""
    from random import Random

    from clearinghouse.search import tokens

    alphabet = [chr(c) for c in range(128)] + list("夏日城市歌曲㐀䶿一鿿") + ["x" * 70]
    rng = Random(12)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(25)))
        assert tokens.normalise(text) == tokens._normalise_unicode(text)
        assert tokens.field_tokens(text) == tokens._field_tokens_by_character(text), text
    assert tokens.field_tokens("坦克（现场版） Live, 2024") == [
        "坦", "克", GAP, "现", "场", "版", GAP, "live", GAP, "2024"]
    assert tokens.field_tokens("坦克(现场版)") == ["坦", "克", GAP, "现", "场", "版"]
