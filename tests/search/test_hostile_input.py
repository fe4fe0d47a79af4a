"""Hostile and odd input gives a clean answer (200 or 422), never a 500, and never matches all."""

from __future__ import annotations

import pytest

from clearinghouse.core.db import unit_of_work
from clearinghouse.core.errors import ValidationFailed
from clearinghouse.search import service

# Text that holds no letters or digits: it must match nothing, whatever the engine's syntax.
NOTHING_SEARCHABLE = [
    "'", '"', ";", "--", "%", "_", "*", "(", ")", ":", "&", "|", "!", "<", "<->", "' OR ''='",
    '" OR ""="', "%%", "_%_", "*:*", "() OR ()", "!!", "& | !", ":*", "'; --", "😀", "🎵🎶",
    "\x00", "\u200b", "\u202e", "\x00 \x1b",
]
# Text with words in it: searched as plain words, so syntax in it is never obeyed.
WITH_WORDS = [
    "' OR 1=1 --", "'; DROP TABLE works; --", '"summ" OR "a"*', "summer:*", "title: 夏",
    "NEAR(summer city)", "{title}: summer", "summer AND NOT winter", "a' | 'b", "x <-> y",
    "夏日summer城市", "Ωμέγα Привет 東京 ソング 서울", "summer 😀 夏", "%夏%", "_夏_",
    "ＳＵＭＭＥＲ", "\\' \\\" \\\\", "夏" * 200,
]


def get(client, **params):  # noqa: ANN001, ANN003, ANN201
    return client.get("/api/v1/works", params=params)


@pytest.mark.parametrize("q", NOTHING_SEARCHABLE)
def test_nothing_searchable_matches_nothing(client, catalogue, q):  # noqa: ANN001
    resp = get(client, q=q)
    assert resp.status_code == 200, resp.text
    assert resp.json()["total"] == 0 and resp.json()["items"] == []


def test_syntax_inside_words_is_never_obeyed(client, catalogue):  # noqa: ANN001
    everything = len(catalogue.all)
    for q in WITH_WORDS:
        resp = get(client, q=q)
        assert resp.status_code == 200, (q, resp.text)
        assert resp.json()["total"] < everything, q
    # An injected OR would have found works: the words are required together instead.
    assert get(client, q="' OR 1=1 --").json()["total"] == 0
    assert get(client, q='"summ" OR "a"*').json()["total"] == 0
    assert get(client, q="%夏%").json()["total"] == 4  # the same as 夏: % is not a wildcard
    assert get(client, q="summer AND NOT winter").json()["total"] == 0


@pytest.mark.parametrize("field", ["tag", "owner", "creator", "language"])
def test_hostile_filters_match_nothing(client, catalogue, field):  # noqa: ANN001
    for value in ("%", "_", "' OR '1'='1", "*", '"', "\\", "😀", ") OR (1=1", "%\x00%"):
        resp = get(client, **{field: value})
        assert resp.status_code == 200, (field, value, resp.text)
        assert resp.json()["total"] == 0, (field, value)


@pytest.mark.parametrize("field,value", [
    ("type", "x' OR '1'='1"), ("type", "%"), ("identifier", "isrc:' OR 1=1 --"),
    ("identifier", "%:%"), ("identifier", ":"), ("offset", "-1"), ("limit", "0"),
    ("limit", "1e9"), ("offset", "abc"),
])
def test_hostile_values_are_a_clean_422(client, catalogue, field, value):  # noqa: ANN001
    resp = get(client, **{field: value})
    assert resp.status_code == 422, resp.text
    assert field in resp.json()["error"]["details"][0]["field"]


def test_overlong_query_is_a_422_naming_q(client, sessions, catalogue):  # noqa: ANN001
    resp = get(client, q="summer " * 1_430)  # 10,010 characters
    assert resp.status_code == 422
    err = resp.json()["error"]
    assert err["code"] == "validation_failed"
    assert err["details"][0]["field"].split(".")[-1] == "q"
    assert get(client, q="a" * 201).status_code == 422
    assert get(client, q="a" * 200).status_code == 200
    # The CLI path, with a query too long for a URL.
    with unit_of_work(sessions) as s, pytest.raises(ValidationFailed) as caught:
        service.search(s, service.SearchParams(q="夏" * 10_000))
    assert caught.value.field == "q"
