"""The licence inside the file: a delivered image, video or song carries a C2PA manifest naming
its licence, which c2pa-python's own Reader validates against the operator's root; a changed file
is reported invalid; a format C2PA cannot carry gets the licence beside it (issue 11)."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import c2pa
import pytest

from clearinghouse.core.media_types import sniff_media_type
from clearinghouse.licensing.certificates import x509 as signing
from clearinghouse.licensing.certificates.media_reading import LICENCE_LABEL
from clearinghouse.licensing.delivery import provenance
from clearinghouse.licensing.delivery import service as delivery
from clearinghouse.licensing.licenses.tables import Download
from tests.licensing.media_samples import SAMPLES, jpeg, mp4
from tests.licensing.purchase_support import bought_and_paid, make_market

VERIFY = "/api/v1/certificates/verify"


def _deliver(client, sessions, data: bytes, name: str):  # noqa: ANN001, ANN202
    """Upload `data` as the work's file, buy and pay a licence, download it: (licence, market,
    the download response, the link's token)."""
    m = make_market(sessions)
    up = client.put(f"/api/v1/works/{m.work_id}/file", content=data, params={"file_name": name},
                    headers=m.publisher.headers | {"Content-Type": "application/octet-stream"})
    assert up.status_code == 200, up.text
    lic = bought_and_paid(client, sessions, m)
    link = client.post(f"/api/v1/licenses/{lic['id']}/download-link", headers=m.licensee.headers)
    assert link.status_code == 200, link.text
    token = link.json()["links"][0]["token"]
    got = client.get(f"/api/v1/downloads/{token}")
    assert got.status_code == 200, got.text
    return lic, m, got, token


def _reader(client, data: bytes, media_type: str) -> c2pa.Reader:  # noqa: ANN001
    """c2pa-python's Reader, trusting only the root `init` made: a standard, independent check."""
    root = (client.app.state.settings.keys_dir / signing.ROOT_CERT).read_text()
    context = c2pa.Context(c2pa.Settings.from_dict(
        {"trust": {"trust_anchors": root}, "verify": {"verify_trust": True}}))
    return c2pa.Reader(media_type, io.BytesIO(data), context=context)


def _licence_assertion(reader: c2pa.Reader) -> dict:
    manifest = reader.get_active_manifest()
    [found] = [a["data"] for a in manifest["assertions"] if a["label"] == LICENCE_LABEL]
    return found


def _altered(original: bytes, delivered: bytes) -> bytes:
    """The delivered file with one byte of the original media changed (not of the manifest)."""
    middle = len(original) // 2
    at = delivered.find(original[middle:middle + 48])
    assert at > 0
    changed = bytearray(delivered)
    changed[at + 24] ^= 0x5A
    return bytes(changed)


@pytest.mark.parametrize("media_type", SAMPLES)
def test_a_delivered_file_carries_a_manifest_that_c2pa_validates_and_names_the_licence(
    client, sessions, media_type: str  # noqa: ANN001
) -> None:
    original = SAMPLES[media_type]()
    lic, m, got, _ = _deliver(client, sessions, original, "作品 work")
    assert got.headers["X-Licence-Manifest"] == "c2pa"
    delivered = got.content
    assert got.headers["X-Content-SHA256"] == hashlib.sha256(delivered).hexdigest()
    assert delivered != original

    reader = _reader(client, delivered, media_type)
    assert reader.get_validation_state() == "Trusted", reader.get_validation_results()
    claim = _licence_assertion(reader)
    assert claim["licence_id"] == lic["id"]
    assert claim["licensee"]["id"] == m.licensee.party_id
    assert [w["id"] for w in claim["works"]] == [m.work_id]
    assert "identifiers" in claim["works"][0]
    assert claim["rights"] and claim["territories"] and claim["channels"]
    assert claim["period"]["from"] == lic["valid_from"]
    public = client.app.state.settings.public_url
    assert claim["verify_url"] == f"{public}/verify/{lic['id']}"
    actions = [a for a in reader.get_active_manifest()["assertions"]
               if a["label"].startswith("c2pa.actions")][0]["data"]["actions"]
    assert [a["action"] for a in actions][:2] == ["c2pa.opened", "c2pa.published"]

    # The stored original is untouched.
    store = delivery.store_for(client.app.state.settings)
    with sessions() as s:
        from clearinghouse.registry.tables import Work

        work = s.get(Work, m.work_id)
        assert b"".join(store.iter_bytes(work.file_key)) == original


@pytest.mark.parametrize("make", [jpeg, mp4], ids=["jpeg", "mp4"])
def test_a_changed_file_is_reported_invalid_by_c2pa_and_by_verify(client, sessions, make) -> None:  # noqa: ANN001
    original = make()
    lic, _, got, _ = _deliver(client, sessions, original, "clip")
    media_type = sniff_media_type(original[:16])
    changed = _altered(original, got.content)
    assert _reader(client, changed, media_type).get_validation_state() == "Invalid"

    genuine = client.post(VERIFY, files={"file": ("x", got.content, "application/octet-stream")})
    assert genuine.status_code == 200, genuine.text
    assert genuine.json()["result"] == "valid" and genuine.json()["license_id"] == lic["id"]
    assert genuine.json()["file_signature"] | {"problems": []} == genuine.json()["file_signature"]
    assert genuine.json()["file_signature"]["kind"] == "c2pa"

    answer = client.post(VERIFY, files={"file": ("x", changed, "application/octet-stream")}).json()
    assert answer["result"] == "tampered" and answer["valid"] is False
    assert answer["file_signature"]["intact"] is False
    assert "altered after it was signed" in answer["message"]
    assert answer["license_id"] == lic["id"]  # it still names the licence the manifest claims


def test_a_second_download_streams_the_copy_signed_the_first_time(client, sessions) -> None:  # noqa: ANN001
    lic, _, first, token = _deliver(client, sessions, jpeg(), "photo.jpg")
    second = client.get(f"/api/v1/downloads/{token}")
    assert second.status_code == 200 and second.content == first.content
    store = delivery.store_for(client.app.state.settings)
    assert len(store.sizes_under(f"{provenance.CACHE_FOLDER}/{lic['id']}")) == 1
    with sessions() as s:
        rows = s.query(Download).filter_by(license_id=lic["id"]).all()
        assert [r.bytes for r in rows] == [len(first.content)] * 2


def test_a_format_c2pa_cannot_carry_comes_with_the_licence_beside_it(client, sessions) -> None:  # noqa: ANN001
    score = "乐谱 score, plain text\n".encode() * 50
    lic, m, got, token = _deliver(client, sessions, score, "score.txt")
    assert got.headers["X-Licence-Manifest"] == "none" and got.content == score
    assert f"/api/v1/downloads/{token}/licence.json" in got.headers["Link"]
    sidecar = client.get(f"/api/v1/downloads/{token}/licence.json")
    assert sidecar.status_code == 200
    assert "score.txt.licence.json" in sidecar.headers["Content-Disposition"]
    document = client.get(f"/api/v1/licenses/{lic['id']}/certificate", headers=m.licensee.headers)
    assert json.loads(sidecar.content) == document.json()
    answer = client.post(VERIFY, content=sidecar.content,
                         headers={"Content-Type": "application/json"}).json()
    assert answer["result"] == "valid" and answer["file_signature"] is None
    assert client.get("/api/v1/downloads/forged.token/licence.json").status_code == 403


def test_the_cli_verifies_a_delivered_file_like_the_api(client, sessions, cli, tmp_path: Path) -> None:  # noqa: ANN001
    original = mp4()
    lic, _, got, _ = _deliver(client, sessions, original, "clip.mp4")
    # The CLI reads the same data directory (keys) and database as the app.
    good, bad = tmp_path / "delivered.bin", tmp_path / "changed.bin"
    good.write_bytes(got.content)
    bad.write_bytes(_altered(original, got.content))
    result = cli("license", "verify", str(good), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["license_id"] == lic["id"]
    changed = cli("license", "verify", str(bad))
    assert changed.exit_code == 1 and "altered after it was signed" in changed.output
    plain = tmp_path / "plain.jpg"
    plain.write_bytes(jpeg())  # a photo with no manifest is not a certificate at all
    refused = cli("license", "verify", str(plain))
    assert refused.exit_code == 4 and "no C2PA manifest" in refused.output


def test_a_file_c2pa_cannot_parse_is_delivered_as_stored_with_its_licence_beside(
    client, sessions  # noqa: ANN001
) -> None:
    broken = b"\xff\xd8\xff\xe0" + "不是图片 not really a JPEG".encode() * 40
    _, _, got, token = _deliver(client, sessions, broken, "broken.jpg")
    assert got.headers["X-Licence-Manifest"] == "none" and got.content == broken
    assert client.get(f"/api/v1/downloads/{token}/licence.json").status_code == 200
