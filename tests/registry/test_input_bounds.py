"""Every number and date has documented bounds, and text is refused the same way everywhere:
out-of-range or hostile input is a 422 naming the field, never a 500, and nothing is stored."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearinghouse.access.domain import Role
from tests.registry.test_import import imported
from tests.support.factories import make_actor, make_work

WORK = {"type": "musical_composition", "title": "夏日的风"}


def refused(resp, field: str) -> str:  # noqa: ANN001
    """Assert a 422 in the one error shape naming `field`; the field's message."""
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "validation_failed"
    messages = {d["field"]: d["message"] for d in error["details"]}
    assert field in messages, messages
    return messages[field]


def works_stored(client, actor) -> int:  # noqa: ANN001
    return client.get("/api/v1/audit", headers=actor.headers, params={"entity_type": "work"}).json()["total"]


# -- numbers and dates ---------------------------------------------------------------------------


def test_a_length_of_ten_to_the_19_is_a_422_not_a_500(client, sessions):  # noqa: ANN001
    owner = make_actor(sessions, "Label", Role.OWNER)
    message = refused(client.post("/api/v1/works", json=WORK | {"length": 10**19}, headers=owner.headers),
                      "length")
    assert "1000000000000" in message
    assert refused(client.post("/api/v1/works", json=WORK | {"length": -1}, headers=owner.headers), "length")
    assert works_stored(client, owner) == 0
    at_max = client.post("/api/v1/works", json=WORK | {"length": 10**12}, headers=owner.headers)
    assert at_max.status_code == 201 and at_max.json()["length"] == 10**12
    work_id = at_max.json()["id"]
    refused(client.patch(f"/api/v1/works/{work_id}", json={"length": 10**19, "version": 1},
                         headers=owner.headers), "length")


@pytest.mark.parametrize("field,value", [("publication_date", "9999-12-31"),
                                         ("publication_date", "0001-01-01"),
                                         ("publication_date", "1899-12-31")])
def test_dates_outside_1900_to_2200_are_a_422(client, sessions, field, value):  # noqa: ANN001
    owner = make_actor(sessions, "Label", Role.OWNER)
    refused(client.post("/api/v1/works", json=WORK | {field: value}, headers=owner.headers), field)
    ok = client.post("/api/v1/works", json=WORK | {field: "2200-12-31"}, headers=owner.headers)
    assert ok.status_code == 201


def test_holding_periods_shares_and_versions_are_bounded(client, sessions):  # noqa: ANN001
    owner = make_actor(sessions, "Label", Role.OWNER)
    work_id = make_work(sessions, owner)
    holding = {"rights": ["synchronisation"], "share": "100", "valid_from": "2020-01-01",
               "warranty": {"accepted": True}}
    url = f"/api/v1/works/{work_id}/holdings"
    refused(client.post(url, json=holding | {"valid_to": "9999-12-31"}, headers=owner.headers), "valid_to")
    refused(client.post(url, json=holding | {"share": 10**19}, headers=owner.headers), "share")
    refused(client.patch(f"/api/v1/works/{work_id}", json={"title": "x", "version": 10**19},
                         headers=owner.headers), "version")
    assert client.get(url).json()["total"] == 0


# -- text ----------------------------------------------------------------------------------------

HOSTILE = {
    "title with a right-to-left override": ({"title": "invoice\u202efdp.exe"}, "title", "U+202E"),
    "title with NUL": ({"title": "夏\x00日"}, "title", "U+0000"),
    "title with an escape": ({"title": "a\x1b[31mred"}, "title", "U+001B"),
    "title with a line break": ({"title": "one\ntwo"}, "title", "U+000A"),
    "tag with a bidi isolate": ({"tags": ["ok", "\u2066evil\u2069"]}, "tags[1]", "U+2066"),
    "creator with a C1 control": ({"creators": [{"name": "a\x85b", "role": "composer"}]},
                                  "creators[0].name", "U+0085"),
    "alternative title with NUL": ({"alt_titles": [{"title": "\x00"}]}, "alt_titles[0].title", "U+0000"),
    "description with NUL": ({"description": "line one\nline\x00two"}, "description", "U+0000"),
    "identifier with an override": ({"identifiers": [{"scheme": "isrc", "value": "\u202dCNA001700001"}]},
                                    "identifiers[0].value", "U+202D"),
}


@pytest.mark.parametrize("change,field,char", HOSTILE.values(), ids=HOSTILE.keys())
def test_control_and_bidi_characters_are_refused_naming_the_field(client, sessions, change, field,
                                                                   char):  # noqa: ANN001
    owner = make_actor(sessions, "Label", Role.OWNER)
    message = refused(client.post("/api/v1/works", json=WORK | change, headers=owner.headers), field)
    assert char in message
    assert works_stored(client, owner) == 0


def test_multi_line_text_keeps_its_line_breaks_and_text_is_stored_in_nfc(client, sessions):  # noqa: ANN001
    owner = make_actor(sessions, "Label", Role.OWNER)
    body = WORK | {"title": "Cafe\u0301 Society", "description": "Verse 1\n\tChorus\r\n",
                   "tags": ["Cafe\u0301"]}
    resp = client.post("/api/v1/works", json=body, headers=owner.headers)
    assert resp.status_code == 201, resp.text
    work = resp.json()
    assert work["title"] == "Café Society" and work["description"] == "Verse 1\n\tChorus\r\n"
    assert work["tags"] == ["café"]
    assert client.get("/api/v1/works", params={"q": "Café"}).json()["total"] == 1


def test_the_import_refuses_them_with_the_same_message_as_the_api(client, sessions):  # noqa: ANN001
    owner = make_actor(sessions, "Label", Role.OWNER)
    rows = [WORK | {"ref": "rlo", "title": "invoice\u202efdp.exe"},
            WORK | {"ref": "nul", "title": "夏\x00日"},
            WORK | {"ref": "tag", "tags": ["\u2066evil\u2069"]},
            WORK | {"ref": "ok", "title": "Cafe\u0301"}]
    result = imported(client, owner, json.dumps(rows).encode(), "application/json")
    report = {r["ref"]: r for r in result["rows"]}
    for ref, change, field in (("rlo", {"title": "invoice\u202efdp.exe"}, "title"),
                               ("nul", {"title": "夏\x00日"}, "title"),
                               ("tag", {"tags": ["\u2066evil\u2069"]}, "tags[0]")):
        assert report[ref]["status"] == "rejected"
        api_message = refused(client.post("/api/v1/works", json=WORK | change, headers=owner.headers), field)
        assert report[ref]["errors"] == [{"field": field, "message": api_message}]
    assert report["ok"]["status"] == "accepted"
    assert client.get(f"/api/v1/works/{report['ok']['work_id']}").json()["title"] == "Café"


def test_ids_in_paths_and_query_strings_follow_the_same_rule(client, sessions):  # noqa: ANN001
    owner = make_actor(sessions, "Label", Role.OWNER)
    refused(client.get("/api/v1/works/wrk_%00x"), "path.work_id")
    refused(client.get("/api/v1/holdings/%E2%80%AEx"), "path.holding_id")
    refused(client.get("/api/v1/audit", params={"entity_id": "a\x00"}, headers=owner.headers),
            "query.entity_id")
    assert client.get("/api/v1/works/wrk_unknown").status_code == 404


def test_the_openapi_document_publishes_the_bounds(client):  # noqa: ANN001
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    work = schemas["WorkCreate"]["properties"]
    length = next(s for s in work["length"]["anyOf"] if s.get("type") == "integer")
    assert (length["minimum"], length["maximum"]) == (0, 10**12)
    published = next(s for s in work["publication_date"]["anyOf"] if s.get("format") == "date")
    assert (published["formatMinimum"], published["formatMaximum"]) == ("1900-01-01", "2200-12-31")
    assert "\\u202e" in work["title"]["pattern"]


# -- any text at all -----------------------------------------------------------------------------


@pytest.fixture
def owner(sessions):  # noqa: ANN001, ANN201
    return make_actor(sessions, "Label", Role.OWNER)


# The database and the owner are made once per test run on each engine, not per example.
@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=st.text(max_size=60))
def test_any_title_is_stored_in_nfc_or_refused_never_a_500(client, owner, title):  # noqa: ANN001
    resp = client.post("/api/v1/works", json=WORK | {"title": title}, headers=owner.headers)
    assert resp.status_code in (201, 422), resp.text
    if resp.status_code == 422:
        refused(resp, "title")
        return
    expected = unicodedata.normalize("NFC", title.strip()).strip()
    assert resp.json()["title"] == expected
    assert client.get(f"/api/v1/works/{resp.json()['id']}").json()["title"] == expected
