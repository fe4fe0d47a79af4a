"""The registry through the REST API, on SQLite and PostgreSQL."""

from __future__ import annotations

from clearinghouse.access.domain import Role
from tests.support.factories import make_actor

SONG = {
    "type": "musical_composition",
    "title": "夏日的风",
    "alt_titles": [{"title": "Summer Breeze", "language": "en"}],
    "creators": [{"name": "林夕", "role": "lyricist"}, {"name": "陈光荣", "role": "composer"}],
    "length": 215,
    "language": "zh",
    "tags": ["Pop", "summer"],
    "identifiers": [{"scheme": "iswc", "value": "T-034.524.680-1"}],
    "moral_rights": "approval_required",
}


def holding(share="50", **extra):
    return {"rights": ["synchronisation", "mechanical"], "share": share, "territories": ["CN"],
            "valid_from": "2020-01-01", "warranty": {"accepted": True}} | extra


def test_owner_registers_a_work_and_anyone_reads_it(client, sessions):
    owner = make_actor(sessions, "星河音乐出版", Role.OWNER)
    created = client.post("/api/v1/works", json=SONG, headers=owner.headers)
    assert created.status_code == 201, created.text
    work = created.json()
    assert work["id"].startswith("wrk_")
    assert work["identifiers"] == [{"scheme": "iswc", "value": "T0345246801"}]
    assert work["tags"] == ["pop", "summer"]
    assert work["length_unit"] == "seconds"
    assert created.headers["ETag"] == '"1"'

    public = client.get(f"/api/v1/works/{work['id']}")  # no key: the catalogue is public
    assert public.status_code == 200
    assert public.json()["title"] == "夏日的风"
    assert public.json()["creators"][0] == {"name": "林夕", "role": "lyricist", "party_id": None}


def test_invalid_identifier_is_a_422_naming_the_field_and_writes_nothing(client, sessions):
    owner = make_actor(sessions, "Label", Role.OWNER)
    bad = SONG | {"identifiers": [{"scheme": "iswc", "value": "T-034.524.680-2"}]}
    resp = client.post("/api/v1/works", json=bad, headers=owner.headers)
    assert resp.status_code == 422
    err = resp.json()["error"]
    assert err["code"] == "validation_failed"
    assert err["details"][0]["field"] == "identifiers[0].value"
    audit = client.get("/api/v1/audit", headers=owner.headers).json()
    assert audit["total"] == 0


def test_duplicate_identifier_is_a_conflict(client, sessions):
    owner = make_actor(sessions, "Label", Role.OWNER)
    assert client.post("/api/v1/works", json=SONG, headers=owner.headers).status_code == 201
    again = client.post("/api/v1/works", json=SONG | {"title": "Copy"}, headers=owner.headers)
    assert again.status_code == 409
    assert again.json()["error"]["details"][0]["field"] == "identifiers[0].value"


def test_unknown_type_and_malformed_json_and_wrong_types(client, sessions):
    owner = make_actor(sessions, "Label", Role.OWNER)
    resp = client.post("/api/v1/works", json=SONG | {"type": "hologram"}, headers=owner.headers)
    assert resp.status_code == 422 and resp.json()["error"]["details"][0]["field"] == "type"
    resp = client.post("/api/v1/works", content=b'{"title": ',
                       headers=owner.headers | {"content-type": "application/json"})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "validation_failed"
    resp = client.post("/api/v1/works", json=SONG | {"length": "long"}, headers=owner.headers)
    assert resp.status_code == 422 and resp.json()["error"]["details"][0]["field"] == "length"


def test_oversize_body_is_refused(client, sessions):
    owner = make_actor(sessions, "Label", Role.OWNER)
    huge = SONG | {"description": "x" * 100_000}
    resp = client.post("/api/v1/works", json=huge, headers=owner.headers)
    assert resp.status_code == 413
    assert resp.json()["error"]["code"] == "payload_too_large"


def test_concurrent_edits_cannot_silently_overwrite(client, sessions):
    owner = make_actor(sessions, "Label", Role.OWNER)
    work = client.post("/api/v1/works", json=SONG, headers=owner.headers).json()
    url = f"/api/v1/works/{work['id']}"
    missing = client.patch(url, json={"title": "A"}, headers=owner.headers)
    assert missing.status_code == 428
    first = client.patch(url, json={"title": "First"}, headers=owner.headers | {"If-Match": '"1"'})
    assert first.status_code == 200 and first.headers["ETag"] == '"2"'
    second = client.patch(url, json={"title": "Second"}, headers=owner.headers | {"If-Match": '"1"'})
    assert second.status_code == 412
    assert second.json()["error"]["code"] == "stale_version"
    assert client.get(url).json()["title"] == "First"
    body_version = client.patch(url, json={"title": "Third", "version": 2}, headers=owner.headers)
    assert body_version.status_code == 200 and body_version.json()["version"] == 3


def test_co_owned_song_and_overlapping_claim_is_flagged_for_both_and_operator(client, sessions):
    pub_a = make_actor(sessions, "Publisher A", Role.OWNER)
    pub_b = make_actor(sessions, "Publisher B", Role.OWNER)
    squatter = make_actor(sessions, "Squatter", Role.OWNER)
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    bystander = make_actor(sessions, "Bystander", Role.OWNER)
    work = client.post("/api/v1/works", json=SONG, headers=pub_a.headers).json()
    url = f"/api/v1/works/{work['id']}/holdings"
    assert client.post(url, json=holding("60"), headers=pub_a.headers).status_code == 201
    co = client.post(url, json=holding("40"), headers=pub_b.headers)
    assert co.status_code == 201 and co.json()["status"] == "pending"  # a claim on A's song
    accepted = client.post(f"/api/v1/holdings/{co.json()['id']}/accept", headers=pub_a.headers | {"If-Match": '"1"'})
    assert accepted.status_code == 200 and accepted.json()["status"] == "active"
    open_ = {"status": "open"}
    assert client.get("/api/v1/conflicts", params=open_, headers=operator.headers).json()["total"] == 0

    # The squatter's claim is flagged; accepted by the song's publisher, it is an over-claim.
    over = client.post(url, json=holding("100", rights=["synchronisation"]), headers=squatter.headers)
    assert over.status_code == 201 and over.json()["status"] == "pending"
    assert over.json()["in_conflict"] is True
    hid = over.json()["id"]
    assert client.post(f"/api/v1/holdings/{hid}/accept", headers=pub_a.headers | {"If-Match": '"1"'}).status_code == 200

    for who in (pub_a, squatter, operator):
        conflicts = client.get("/api/v1/conflicts", params=open_, headers=who.headers).json()
        assert conflicts["total"] == 1, who
        assert conflicts["items"][0]["kind"] == "over_claim"
        assert conflicts["items"][0]["right"] == "synchronisation"
        assert conflicts["items"][0]["total_share"] == "200"
    assert client.get("/api/v1/conflicts", headers=bystander.headers).json()["total"] == 0

    holdings = client.get(url).json()["items"]
    assert sorted(h["share"] for h in holdings) == ["100", "40", "60"]
    assert all(h["in_conflict"] for h in holdings)

    # Withdrawing the over-claim clears the conflict.
    withdrawn = client.post(f"/api/v1/holdings/{hid}/withdraw", headers=squatter.headers | {"If-Match": '"2"'})
    assert withdrawn.status_code == 200
    assert client.get("/api/v1/conflicts", params=open_, headers=operator.headers).json()["total"] == 0


def test_holding_requires_warranty_valid_share_and_known_territory(client, sessions):
    owner = make_actor(sessions, "Owner", Role.OWNER)
    work = client.post("/api/v1/works", json=SONG, headers=owner.headers).json()
    url = f"/api/v1/works/{work['id']}/holdings"
    cases = [
        (holding(warranty={"accepted": False}), "warranty.accepted"),
        (holding(share="100.5"), "share"),
        (holding(territories=["ZZ"]), "territories"),
        (holding(valid_to="2019-01-01"), "valid_to"),
    ]
    for body, field in cases:
        resp = client.post(url, json=body, headers=owner.headers)
        assert resp.status_code == 422, (field, resp.text)
        assert resp.json()["error"]["details"][0]["field"].endswith(field), resp.json()
    assert client.get(url).json()["total"] == 0
    ok = client.post(url, json=holding(territories=["WORLD"], territories_excluded=["CN"]), headers=owner.headers)
    assert ok.status_code == 201
    assert ok.json()["warranted_by"] == owner.party_id
    assert "warrants" in ok.json()["warranty_text"]


def test_audit_log_records_before_and_after_and_cannot_be_changed(client, sessions, engine):
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    owner = make_actor(sessions, "Owner", Role.OWNER)
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    work = client.post("/api/v1/works", json=SONG, headers=owner.headers).json()
    client.patch(f"/api/v1/works/{work['id']}", json={"title": "新标题"}, headers=owner.headers | {"If-Match": '"1"'})
    events = client.get(f"/api/v1/audit?entity_id={work['id']}", headers=operator.headers).json()["items"]
    assert [e["action"] for e in events] == ["work.create", "work.update"]
    assert events[1]["before"]["title"] == "夏日的风" and events[1]["after"]["title"] == "新标题"
    assert events[1]["actor_party_id"] == owner.party_id
    for sql in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text(sql))
    assert client.get("/api/v1/audit", headers=operator.headers).json()["total"] >= 2


def test_api_keys_are_hashed_and_revocable(client, sessions, engine):
    from sqlalchemy import text

    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    owner = make_actor(sessions, "Owner", Role.OWNER)
    issued = client.post("/api/v1/keys", json={"party_id": owner.party_id, "name": "ci"}, headers=operator.headers)
    assert issued.status_code == 201
    token = issued.json()["token"]
    with engine.connect() as conn:
        stored = [r[0] for r in conn.execute(text("SELECT secret_hash FROM api_keys"))]
    assert all(token.split("_", 2)[2] not in h for h in stored)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["id"] == owner.party_id
    listed = client.get(f"/api/v1/parties/{owner.party_id}/keys", headers=owner.headers).json()
    assert all("token" not in k for k in listed)
    client.post(f"/api/v1/keys/{issued.json()['id']}/revoke", headers=owner.headers)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_contact_details_only_as_published(client, sessions):
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    private = client.post("/api/v1/parties", headers=operator.headers, json={
        "name": "二更", "roles": ["owner"], "email": "rights@ergeng.example", "contact_public": False}).json()
    public = client.post("/api/v1/parties", headers=operator.headers, json={
        "name": "一条", "roles": ["owner"], "email": "rights@yitiao.example", "contact_public": True}).json()
    assert client.get(f"/api/v1/parties/{private['id']}").json()["contact"] is None
    assert client.get(f"/api/v1/parties/{public['id']}").json()["contact"]["email"] == "rights@yitiao.example"
    assert client.get(f"/api/v1/parties/{private['id']}", headers=operator.headers).json()["contact"] is not None


def test_recording_embodies_composition(client, sessions):
    label = make_actor(sessions, "Label", Role.OWNER)
    song = client.post("/api/v1/works", json=SONG, headers=label.headers).json()
    rec = client.post("/api/v1/works", headers=label.headers, json={
        "type": "sound_recording", "title": "夏日的风 (录音)",
        "identifiers": [{"scheme": "isrc", "value": "CN-A01-17-00001"}],
        "relations": [{"kind": "embodies", "work_id": song["id"]}]})
    assert rec.status_code == 201, rec.text
    assert rec.json()["relations"] == [{"kind": "embodies", "from_work_id": rec.json()["id"], "to_work_id": song["id"]}]
    photo = client.post("/api/v1/works", headers=label.headers, json={
        "type": "photograph", "title": "Cover", "relations": [{"kind": "embodies", "work_id": song["id"]}]})
    assert photo.status_code == 422 and photo.json()["error"]["details"][0]["field"] == "relations[0].kind"


def test_new_work_types_are_data(client, sessions):
    operator = make_actor(sessions, "Operator", Role.OPERATOR)
    owner = make_actor(sessions, "Owner", Role.OWNER)
    body = {"code": "podcast_episode", "category": "recording", "name_en": "Podcast episode",
            "name_zh": "播客节目", "length_unit": "seconds"}
    assert client.post("/api/v1/work-types", json=body, headers=owner.headers).status_code == 403
    assert client.post("/api/v1/work-types", json=body, headers=operator.headers).status_code == 201
    work = client.post("/api/v1/works", json={"type": "podcast_episode", "title": "第1期"}, headers=owner.headers)
    assert work.status_code == 201
