"""Read the licence first: a file delivered by the real delivery path carries our C2PA licence
manifest; identifying it on a use the licence covers says `licensed` for the work and claims
nothing. A tampered file, another territory, a date outside the licence, or another uploader do
not count as licensed."""

from __future__ import annotations

from datetime import date, timedelta

from clearinghouse.access.domain import Role
from clearinghouse.core.clock import utcnow
from tests.licensing.media_samples import jpeg
from tests.licensing.purchase_support import bought_and_paid, make_market
from tests.licensing.test_provenance import _altered
from tests.support.factories import make_actor

IDENTIFY = "/api/v1/identify"


def _deliver(client, sessions, original: bytes):  # noqa: ANN001, ANN202
    m = make_market(sessions)
    up = client.put(f"/api/v1/works/{m.work_id}/file", content=original,
                    params={"file_name": "moonlight.jpg"},
                    headers=m.publisher.headers | {"Content-Type": "application/octet-stream"})
    assert up.status_code == 200, up.text
    lic = bought_and_paid(client, sessions, m)
    link = client.post(f"/api/v1/licenses/{lic['id']}/download-link", headers=m.licensee.headers)
    got = client.get(f"/api/v1/downloads/{link.json()['links'][0]['token']}")
    assert got.status_code == 200 and got.headers["X-Licence-Manifest"] == "c2pa"
    return m, lic, got.content


def _identify(client, actor, data: bytes, **facts):  # noqa: ANN001, ANN202
    params = {"upload_ref": "dy-7781", "uploaded_on": utcnow().date().isoformat(),
              "territory": "CN", "channel": "douyin"} | facts
    return client.post(IDENTIFY, params=params, headers=actor.headers,
                       files={"file": ("upload.jpg", data, "image/jpeg")})


def test_a_delivered_file_on_a_covered_use_is_licensed_and_recorded(client, sessions) -> None:  # noqa: ANN001
    m, lic, delivered = _deliver(client, sessions, jpeg())
    r = _identify(client, m.licensee, delivered)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["licence"]["verdict"] == "licensed" and body["licence"]["licence_id"] == lic["id"]
    [work] = body["works"]
    assert work["work_id"] == m.work_id and work["outcome"] == "licensed"
    assert work["licence_id"] == lic["id"] and work["claim_id"] is None
    assert body["uploader_party_id"] == m.licensee.party_id and body["kind"] == "image"

    again = client.get(f"{IDENTIFY}/{body['id']}", headers=m.licensee.headers)
    assert again.status_code == 200 and again.json() == body
    assert client.get(f"{IDENTIFY}/{body['id']}", headers=m.publisher.headers).status_code == 404


def test_a_tampered_file_or_a_use_the_licence_does_not_cover_is_not_licensed(
        client, sessions) -> None:  # noqa: ANN001
    original = jpeg()
    m, lic, delivered = _deliver(client, sessions, original)
    tampered = _identify(client, m.licensee, _altered(original, delivered))
    assert tampered.status_code == 201, tampered.text
    assert tampered.json()["licence"]["verdict"] == "tampered"
    assert all(w["outcome"] != "licensed" for w in tampered.json()["works"])

    elsewhere = _identify(client, m.licensee, delivered, territory="US")  # licensed for CN only
    assert elsewhere.json()["licence"]["verdict"] == "not_covering"
    assert elsewhere.json()["works"] == []

    before = (date.fromisoformat(lic["valid_from"]) - timedelta(days=3)).isoformat()
    too_early = _identify(client, m.licensee, delivered, uploaded_on=before)
    assert too_early.json()["licence"]["verdict"] == "not_covering"

    other_app = _identify(client, m.licensee, delivered, channel="bilibili")
    assert other_app.json()["licence"]["verdict"] == "not_covering"

    platform = make_actor(sessions, "抖音 Douyin", Role.PLATFORM)
    link = client.get("/api/v1/platforms/douyin").json()["version"]
    assert client.patch("/api/v1/platforms/douyin", json={"party_id": platform.party_id},
                        headers=m.operator.headers | {"If-Match": f'"{link}"'}).status_code == 200
    someone_else = _identify(client, platform, delivered, uploader_party_id=m.writer.party_id)
    assert someone_else.status_code == 201, someone_else.text
    assert someone_else.json()["licence"]["verdict"] == "not_covering"
    by_licensee = _identify(client, platform, delivered, uploader_party_id=m.licensee.party_id)
    assert by_licensee.json()["licence"]["verdict"] == "licensed"
    assert by_licensee.json()["platform_party_id"] == platform.party_id


def test_a_file_without_a_manifest_has_no_licence_to_read(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    r = _identify(client, m.licensee, jpeg())
    assert r.status_code == 201, r.text
    assert r.json()["licence"] == {"verdict": "no_manifest", "licence_id": None,
                                   "covered_work_ids": [], "problems": [
                                       "the file carries no C2PA manifest"]}


def test_only_platforms_licensees_and_the_operator_identify(client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    assert _identify(client, m.publisher, jpeg()).status_code == 403  # an owner
    assert client.post(IDENTIFY, content=jpeg()).status_code in (401, 422)
    platform = make_actor(sessions, "快手 Kuaishou", Role.PLATFORM)  # runs no platform yet
    refused = _identify(client, platform, jpeg())
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    stranger = _identify(client, m.licensee, jpeg(), uploader_party_id=m.writer.party_id)
    assert stranger.status_code == 403
    unknown = _identify(client, m.licensee, jpeg(), channel="myspace")
    assert unknown.status_code == 422 and unknown.json()["error"]["details"][0]["field"] == "channel"
    done = _identify(client, m.operator, jpeg())
    assert done.status_code == 201, done.text
