"""What the import's bulk writer stores (executemany on SQLite, COPY on PostgreSQL) reads back
exactly as written, and every imported work is searchable when its job ends, on both engines."""

from __future__ import annotations

import json

from sqlalchemy import select

from clearinghouse.access.domain import Role
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.tables import AuditEvent
from tests.registry.test_import import by_ref, imported
from tests.support.factories import make_actor

# Backslashes, quotes and a line break: COPY's text format escapes them, a tsvector literal
# quotes them; none of it may show in what is stored or stop the work being found.
TITLE = "Rock 'n' Roll \\ Blues \"Live\""
DESCRIPTION = "第一行\n第二行 with a \\ backslash"


def test_imported_values_read_back_exactly_and_each_field_is_searchable(client, sessions):
    owner = make_actor(sessions, "滚石唱片 Bulk", Role.OWNER)
    work = {"ref": "w", "type": "musical_composition", "title": TITLE, "description": DESCRIPTION,
            "alt_titles": [{"title": "摇滚蓝调", "language": "zh"}],
            "creators": [{"name": "Ada Quill", "role": "composer"}], "tags": ["Blues", "现场"],
            "identifiers": [{"scheme": "iswc", "value": "T-034.524.680-1"}],
            "publication_date": "2019-05-04",
            "holdings": [{"rights": ["synchronisation"], "share": "33.3333",
                          "territories": ["GREATER_CHINA"], "territories_excluded": ["TW"],
                          "valid_from": "2020-02-29", "valid_to": "2031-01-01",
                          "warranty": {"accepted": True}}]}
    other = {"type": "photograph", "title": "无关的照片"}
    body = "\n".join(json.dumps(w, ensure_ascii=False) for w in (work, other)).encode()
    report = imported(client, owner, body, "application/x-ndjson")
    assert report["accepted"] == 2
    work_id = by_ref(report)["w"]["work_id"]

    stored = client.get(f"/api/v1/works/{work_id}").json()
    assert (stored["title"], stored["description"]) == (TITLE, DESCRIPTION)
    assert stored["alt_titles"] == [{"title": "摇滚蓝调", "language": "zh"}]
    assert stored["creators"] == [{"name": "Ada Quill", "role": "composer", "party_id": None}]
    assert stored["tags"] == ["blues", "现场"]
    assert stored["identifiers"] == [{"scheme": "iswc", "value": "T0345246801"}]
    assert stored["publication_date"] == "2019-05-04"
    holding = client.get(f"/api/v1/works/{work_id}/holdings").json()["items"][0]
    assert (holding["share"], holding["valid_from"], holding["valid_to"]) == (
        "33.3333", "2020-02-29", "2031-01-01")
    assert (holding["territories"], holding["territories_excluded"]) == (["GREATER_CHINA"], ["TW"])
    with unit_of_work(sessions) as s:
        after = s.scalar(select(AuditEvent.after).where(AuditEvent.entity_id == work_id,
                                                        AuditEvent.action == "work.create"))
    assert isinstance(after, dict)  # JSON, not a JSON string inside JSON
    assert (after["title"], after["identifiers"]) == (TITLE, ["iswc:T0345246801"])

    def found(**params: str) -> list[str]:
        page = client.get("/api/v1/works", params=params).json()
        return [item["id"] for item in page["items"]]

    assert found(q="roll blues") == [work_id]
    assert found(q="蓝调") == [work_id]
    assert found(creator="ada quill") == [work_id]
    assert found(tag="现场") == [work_id]
    assert found(identifier="iswc:T-034.524.680-1") == [work_id]
    assert sorted(found(owner=owner.party_id)) == sorted(r["work_id"] for r in report["rows"])


def test_imported_works_of_a_holder_with_a_catalogue_price_clear_a_use_at_once(client, sessions):
    """The import announces its works to the use filter (clearable_works) in the batch's
    transaction: a holder's catalogue-wide price covers what it imports next, another holder's
    works stay out."""
    priced, unpriced = (make_actor(sessions, name, Role.OWNER)
                        for name in ("目录唱片 Priced Import", "Unpriced Import"))
    csv = ("ref,type,title,length,rights,share,territories,warranty\n"
           "a,musical_composition,导入的歌 {0} A,180,synchronisation,100,WORLD,yes\n"
           "b,musical_composition,导入的歌 {0} B,180,synchronisation,100,WORLD,yes\n")
    first = [r["work_id"] for r in imported(client, priced, csv.format("First").encode())["rows"]]
    r = client.post("/api/v1/offers", headers=priced.headers, json={
        "template_id": "creator-short-video-30s", "rights": ["synchronisation"],
        "scope": "catalogue", "currency": "USD", "fixed_fee_minor": 1_000})
    assert r.status_code == 201, r.text
    later = [r["work_id"] for r in imported(client, priced, csv.format("Later").encode())["rows"]]
    assert imported(client, unpriced, csv.format("Other").encode())["accepted"] == 2
    use = {"q": "导入的歌", "purpose": "commercial", "channels": "douyin",
           "portion_unit": "seconds", "portion_value": 20, "territories": "WORLD",
           "currency": "USD", "limit": 10}
    page = client.get("/api/v1/works", params=use).json()
    assert sorted(item["id"] for item in page["items"]) == sorted(first + later)
    assert client.get("/api/v1/works", params={"q": "导入的歌"}).json()["total"] == 6
