"""Delivery: owners upload a work's file; licensees of active licenses download it by link."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from clearinghouse.access.domain import Role
from clearinghouse.licensing.delivery import service as delivery
from clearinghouse.registry.tables import Work
from tests.licensing.purchase_support import (
    bought_and_paid,
    buy,
    make_market,
    make_quote,
    use_of,
)
from tests.support.factories import make_actor

SONG = "月光 Moonlight — master.wav".encode() + bytes(range(256)) * 40  # ~10 KB


@pytest.fixture(params=["memory", "folder"])
def store_client(request, settings) -> Iterator[TestClient]:  # noqa: ANN001
    """The app with files in fsspec's memory file system, or in the default local folder."""
    from clearinghouse.api.app import create_app

    if request.param == "memory":
        settings.file_store_url = f"memory://ch-{uuid.uuid4().hex}"
    settings.max_upload_bytes = 64 * 1024
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def _store(client: TestClient) -> delivery.FileStore:
    return delivery.store_for(client.app.state.settings)


def _upload(client: TestClient, actor, work_id: str, data: bytes = SONG, **params):  # noqa: ANN001, ANN202
    return client.put(
        f"/api/v1/works/{work_id}/file",
        content=data,
        params=params,
        headers=actor.headers | {"Content-Type": "application/octet-stream"},
    )


def _stored_keys(client: TestClient) -> list[str]:
    store = _store(client)
    return sorted(p for p in store.fs.find(store.root) if not p.startswith(f"{store.root}/tmp/"))


def test_upload_records_the_hash_and_replaces_atomically(store_client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    r = _upload(store_client, m.publisher, m.work_id, file_name="moonlight.wav")
    assert r.status_code == 200, r.text
    assert r.json()["sha256"] == hashlib.sha256(SONG).hexdigest() and r.json()["size"] == len(SONG)
    with sessions() as s:
        work = s.get(Work, m.work_id)
        assert (work.file_sha256, work.file_size, work.file_name) == (
            r.json()["sha256"],
            len(SONG),
            "moonlight.wav",
        )
    assert len(_stored_keys(store_client)) == 1
    # A multipart upload replaces it; the old bytes are removed, no temporary file is left.
    newer = SONG[::-1]
    r = store_client.put(
        f"/api/v1/works/{m.work_id}/file",
        headers=m.publisher.headers,
        files={"file": ("新版 new.wav", newer, "audio/wav")},
    )
    assert r.status_code == 200, r.text
    assert (
        r.json()["file_name"] == "新版 new.wav"
        and r.json()["sha256"] == hashlib.sha256(newer).hexdigest()
    )
    keys = _stored_keys(store_client)
    assert len(keys) == 1 and keys[0].endswith(hashlib.sha256(newer).hexdigest())
    assert _store(store_client).leftovers() == []


def test_bad_uploads_leave_nothing_behind(store_client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    stranger = make_actor(sessions, "Stranger", Role.OWNER)
    assert _upload(store_client, stranger, m.work_id).status_code == 403
    assert _upload(store_client, m.publisher, "wrk_missing").status_code == 404
    too_big = _upload(store_client, m.publisher, m.work_id, data=b"x" * (64 * 1024 + 1))
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "payload_too_large"
    assert _upload(store_client, m.publisher, m.work_id, data=b"").status_code == 422
    assert store_client.put(f"/api/v1/works/{m.work_id}/file", content=b"abc").status_code == 401
    with sessions() as s:
        assert s.get(Work, m.work_id).file_key is None
    store = _store(store_client)
    assert store.leftovers() == [] and not store.exists(f"works/{m.work_id}")


def test_an_oversize_stream_without_length_is_cut_off_and_cleaned_up(settings) -> None:  # noqa: ANN001
    """The store enforces the limit itself too, for bodies that arrive without a Content-Length."""
    import asyncio

    from clearinghouse.core.errors import PayloadTooLarge

    store = delivery.FileStore(f"memory://ch-{uuid.uuid4().hex}")

    async def chunks():  # noqa: ANN202
        for _ in range(10):
            yield b"y" * 1000

    with pytest.raises(PayloadTooLarge):
        asyncio.run(store.stage(chunks(), max_bytes=5_000))
    assert store.leftovers() == []


def test_download_by_signed_link_is_counted(store_client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    _upload(store_client, m.publisher, m.work_id, file_name="moonlight.wav")
    quote_id = make_quote(sessions, m.licensee, use=use_of(m.work_id))
    lic = buy(store_client, m.licensee, quote_id).json()
    pending = store_client.post(
        f"/api/v1/licenses/{lic['id']}/download-link", headers=m.licensee.headers
    )
    assert (
        pending.status_code == 403 and "waiting for payment" in pending.json()["error"]["message"]
    )
    store_client.post(
        f"/api/v1/payments/{lic['payment']['id']}/mark-paid",
        json={"reference": "B1"},
        headers=m.operator.headers,
    )

    r = store_client.post(f"/api/v1/licenses/{lic['id']}/download-link", headers=m.licensee.headers)
    assert r.status_code == 200, r.text
    link = r.json()["links"][0]
    assert link["work_id"] == m.work_id and link["url"].endswith(link["token"])
    assert link["sha256"] == hashlib.sha256(SONG).hexdigest()
    for expected in (1, 2):
        got = store_client.get(
            f"/api/v1/downloads/{link['token']}"
        )  # no API key: the link is the key
        assert got.status_code == 200 and got.content == SONG
        assert "moonlight.wav" in got.headers["content-disposition"]
        assert (
            store_client.get(f"/api/v1/licenses/{lic['id']}", headers=m.licensee.headers).json()[
                "downloads"
            ]
            == expected
        )
    # Only the licensee (or the operator) gets links.
    assert (
        store_client.post(
            f"/api/v1/licenses/{lic['id']}/download-link", headers=m.publisher.headers
        ).status_code
        == 403
    )


def test_tampered_and_expired_links_are_refused(store_client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    _upload(store_client, m.publisher, m.work_id)
    lic = bought_and_paid(store_client, sessions, m)
    token = store_client.post(
        f"/api/v1/licenses/{lic['id']}/download-link", headers=m.licensee.headers
    ).json()["links"][0]["token"]
    payload, mac = token.split(".")
    forged = delivery._b64(delivery._unb64(payload).replace(b"lic_", b"lic-")) + "." + mac
    for bad in (forged, payload + "." + mac[:-2] + "AA", "garbage", "a.b.c"):
        r = store_client.get(f"/api/v1/downloads/{bad}")
        assert r.status_code == 403, (bad, r.text)
        assert "altered" in r.json()["error"]["message"]
    secret = delivery.link_secret(store_client.app.state.settings.data_dir)
    old, _ = delivery.sign_link(
        secret, lic["id"], m.work_id, 900, now=delivery.utcnow() - timedelta(hours=1)
    )
    r = store_client.get(f"/api/v1/downloads/{old}")
    assert r.status_code == 410 and "expired" in r.json()["error"]["message"]
    assert lic["downloads"] == 0


def test_links_stop_working_when_the_license_stops(store_client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    _upload(store_client, m.publisher, m.work_id)
    lic = bought_and_paid(store_client, sessions, m)
    token = store_client.post(
        f"/api/v1/licenses/{lic['id']}/download-link", headers=m.licensee.headers
    ).json()["links"][0]["token"]
    url = f"/api/v1/licenses/{lic['id']}"
    s = store_client.post(
        f"{url}/suspend",
        json={"reason_code": "rights_dispute", "version": lic["version"]},
        headers=m.operator.headers,
    ).json()
    r = store_client.get(f"/api/v1/downloads/{token}")
    assert r.status_code == 403 and "suspended" in r.json()["error"]["message"]
    store_client.post(
        f"{url}/revoke",
        json={"reason_code": "fraud", "note": "forged invoice", "version": s["version"]},
        headers=m.operator.headers,
    )
    r = store_client.get(f"/api/v1/downloads/{token}")
    assert r.status_code == 403 and "revoked (fraud)" in r.json()["error"]["message"]
    assert "forged invoice" not in r.text  # a link is a bearer token: no private note
    assert store_client.post(f"{url}/download-link", headers=m.licensee.headers).status_code == 403


def test_an_expired_license_delivers_nothing(store_client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    _upload(store_client, m.publisher, m.work_id)
    lic = bought_and_paid(
        store_client,
        sessions,
        m,
        days_ago=40,
        term_days=30,
    )
    assert lic["status"] == "expired"
    r = store_client.post(f"/api/v1/licenses/{lic['id']}/download-link", headers=m.licensee.headers)
    assert r.status_code == 410 and "expired" in r.json()["error"]["message"]


def test_no_file_yet_says_so(store_client, sessions) -> None:  # noqa: ANN001
    m = make_market(sessions)
    lic = bought_and_paid(store_client, sessions, m)
    r = store_client.post(f"/api/v1/licenses/{lic['id']}/download-link", headers=m.licensee.headers)
    assert r.status_code == 404 and "not uploaded a file" in r.json()["error"]["message"]


def test_a_file_name_with_a_bidi_override_is_refused_and_nothing_is_stored(store_client, sessions) -> None:  # noqa: ANN001, E501
    m = make_market(sessions)
    spoofed = "song\u202evaw.exe"  # shows as "songexe.wav"
    r = _upload(store_client, m.publisher, m.work_id, file_name=spoofed)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "query.file_name"
    r = store_client.put(f"/api/v1/works/{m.work_id}/file", headers=m.publisher.headers,
                         files={"file": (spoofed, SONG, "audio/wav")})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == "file" and "U+202E" in r.json()["error"]["message"]
    with sessions() as s:
        assert s.get(Work, m.work_id).file_key is None
    assert _stored_keys(store_client) == [] and _store(store_client).leftovers() == []
