"""CI smoke test of the newcomer's path: `clearinghouse demo`, then the real server answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from clearinghouse.demo.loader import DEMO_KEYS

CLI = [sys.executable, "-m", "clearinghouse.cli.main"]
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEARINGHOUSE_")}
    return env | {"CLEARINGHOUSE_DATA_DIR": str(data_dir),
                  "CLEARINGHOUSE_BASE_URL": f"http://127.0.0.1:{port}"}


def _wait_for_health(base: str, server: subprocess.Popen[bytes], log: Path,
                     seconds: int = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"no answer from {base}/healthz in {seconds} s:\n{log.read_text()}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


@pytest.mark.slow
def test_demo_loads_then_the_server_finds_demo_works_and_knows_the_demo_keys(tmp_path):
    port = _free_port()
    env = _env(tmp_path / "data", port)
    owner = next(k for k in DEMO_KEYS if k.party == "yitiao")

    loaded = subprocess.run([*CLI, "demo", "--no-serve"], env=env, capture_output=True,
                            text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert owner.token in loaded.stdout
    assert "chk_de0000000009_demo-platform-kuaishou" in loaded.stdout  # 快手's key too
    assert "Usage of 2026-06 reported" in loaded.stdout  # the worked example's month, run
    again = subprocess.run([*CLI, "demo", "--no-serve", "--json"], env=env, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert '"created": false' in again.stdout  # safe to run twice
    assert '"kuaishou@demo.clearinghouse.example"' in again.stdout  # both platforms' sign-ins

    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen([*CLI, "serve", "--port", str(port)], env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(base, server, log)
        me = httpx.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {owner.token}"})
        assert me.status_code == 200, me.text
        assert me.json()["name"] == "一条视频"
        found = httpx.get(f"{base}/api/v1/works", params={"q": "夏日"}, timeout=10)
        assert found.status_code == 200, found.text
        assert any("夏日" in item["title"] for item in found.json()["items"])
        # The worked example's month: 快手's licence has a statement line per co-holder.
        stated = httpx.get(f"{base}/api/v1/statements", params={"period": "2026-06"},
                           headers=_token("kuaishou"), timeout=10)
        assert stated.status_code == 200, stated.text
        assert sorted(line["holder_net_minor"] for line in stated.json()) == [0, 2_667, 63_000]
    finally:
        _stop(server)


def _token(party: str) -> dict[str, str]:
    key = next(k for k in DEMO_KEYS if k.party == party)
    return {"Authorization": f"Bearer {key.token}"}


@pytest.mark.slow
def test_demo_on_its_own_port_names_that_port_in_certificates_and_download_links(tmp_path):
    """Regression: with no CLEARINGHOUSE_BASE_URL, `demo --port` signed certificates and handed
    out links for port 8000, someone else's server."""
    port = _free_port()
    env = _env(tmp_path / "data", port)
    del env["CLEARINGHOUSE_BASE_URL"]  # derived from --port, as a newcomer runs it
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        server = subprocess.Popen([*CLI, "demo", "--port", str(port)], env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    brand, label, operator = _token("brand"), _token("label"), _token("operator")
    try:
        _wait_for_health(base, server, log, seconds=300)  # loads the demo first
        assert f"'{base}/api/v1/me'" in log.read_text()  # the printed examples too
        with httpx.Client(base_url=base, timeout=30) as http:
            found = http.get("/api/v1/works", params={"q": "夏日的风", "type": "sound_recording"})
            recording = found.json()["items"][0]["id"]
            quote = http.post("/api/v1/quotes", headers=brand, json={
                "work_ids": [recording], "purpose": "commercial", "channels": ["douyin"],
                "portion": {"unit": "seconds", "value": 15}, "territories": ["CN"]})
            assert quote.status_code == 201, quote.text
            bought = http.post(f"/api/v1/quotes/{quote.json()['id']}/purchase", headers=brand | {
                "Idempotency-Key": "smoke-port"}, json={"accept_partial": True})
            assert bought.status_code == 201, bought.text
            lic = bought.json()
            assert lic["verify_url"] == f"{base}/verify/{lic['id']}"
            assert lic["certificate_url"].startswith(f"{base}/")

            signed = http.get(f"/api/v1/licenses/{lic['id']}/certificate", headers=brand).json()
            assert signed["certificate"]["verify_url"] == f"{base}/verify/{lic['id']}"
            assert signed["certificate"]["issuer"]["url"] == base

            uploaded = http.put(f"/api/v1/works/{recording}/file", content=b"ID3 summer wind",
                                headers=label | {"Content-Type": "application/octet-stream"})
            assert uploaded.status_code in (200, 201), uploaded.text
            paid = http.post(f"/api/v1/payments/{lic['payment']['id']}/mark-paid",
                             headers=operator, json={"reference": "SMOKE-1"})
            assert paid.status_code == 200, paid.text
            links = http.post(f"/api/v1/licenses/{lic['id']}/download-link", headers=brand)
            assert links.status_code == 200, links.text
            url = links.json()["links"][0]["url"]
            assert url.startswith(f"{base}/api/v1/downloads/")
            assert httpx.get(url, timeout=30).content == b"ID3 summer wind"  # and it works
    finally:
        _stop(server)
