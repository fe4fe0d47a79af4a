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


def _wait_for_health(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"no answer from {base}/healthz in {STARTUP_SECONDS} s:\n{log.read_text()}")


@pytest.mark.slow
def test_demo_loads_then_the_server_finds_demo_works_and_knows_the_demo_keys(tmp_path):
    port = _free_port()
    env = _env(tmp_path / "data", port)
    owner = next(k for k in DEMO_KEYS if k.party == "yitiao")

    loaded = subprocess.run([*CLI, "demo", "--no-serve"], env=env, capture_output=True,
                            text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert owner.token in loaded.stdout
    again = subprocess.run([*CLI, "demo", "--no-serve", "--json"], env=env, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert '"created": false' in again.stdout  # safe to run twice

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
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
